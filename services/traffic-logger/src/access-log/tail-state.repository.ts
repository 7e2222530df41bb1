import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';

/** Where a tailer stands in a file: the file's inode (a decimal string: 64-bit) and the byte after the last line it took. */
export interface TailCheckpoint {
  inode: string;
  offset: number;
}

/** A line that could not be read, kept for inspection (the dead-letter list). */
export interface DeadLetter {
  source: string;
  offset: number;
  reason: string;
  line: string;
}

/** The Redis key of an access log's tail lease (the spill checks it too). */
export const leaseKeyOf = (source: string) => `traffic:tail:${source}:lease`;

/** How many dead letters the list keeps; the counter counts them all. */
export const DEAD_LETTER_KEEP = 10_000;
const DEAD_LETTER_LINE_MAX = 2_048;

/**
 * The tailer's Redis state: a lease so one process tails each file, the checkpoint, the dead-letter list and its
 * counter. A commit checks the lease in the same script that writes the checkpoint and dead letters, so a
 * process that lost its lease (paused, partitioned) cannot move the checkpoint its successor works from.
 */
@Injectable()
export class TailStateRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Takes the lease when free or already ours; true when held. */
  async acquire(source: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = await this.redis.eval(
      `local current = redis.call('GET', KEYS[1])
       if current == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
       if current == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
       return 0`,
      1,
      this.key(source, 'lease'),
      owner,
      String(ttlMs),
    );
    return held === 1;
  }

  async release(source: string, owner: string): Promise<void> {
    await this.redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0`,
      1,
      this.key(source, 'lease'),
      owner,
    );
  }

  async load(source: string): Promise<TailCheckpoint | null> {
    const stored = await this.redis.hgetall(this.key(source, 'checkpoint'));
    if (!stored.inode || stored.offset === undefined) return null;
    return { inode: stored.inode, offset: Number(stored.offset) };
  }

  /** Writes the checkpoint and dead letters at once, only while `owner` holds the lease; false when it does not. */
  async commit(source: string, owner: string, checkpoint: TailCheckpoint, deadLetters: DeadLetter[] = []): Promise<boolean> {
    const letters = deadLetters.map((letter) => JSON.stringify({ ...letter, line: letter.line.slice(0, DEAD_LETTER_LINE_MAX) }));
    const done = await this.redis.eval(
      `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
       redis.call('HSET', KEYS[2], 'inode', ARGV[2], 'offset', ARGV[3])
       if #ARGV > 3 then
         for i = 4, #ARGV do redis.call('LPUSH', KEYS[3], ARGV[i]) end
         redis.call('LTRIM', KEYS[3], 0, ${DEAD_LETTER_KEEP - 1})
         redis.call('INCRBY', KEYS[4], #ARGV - 3)
       end
       return 1`,
      4,
      this.key(source, 'lease'),
      this.key(source, 'checkpoint'),
      'traffic:dead-letter',
      'traffic:dead-letter:count',
      owner,
      checkpoint.inode,
      String(checkpoint.offset),
      ...letters,
    );
    return done === 1;
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return (await this.redis.lrange('traffic:dead-letter', 0, limit - 1)).map((text) => JSON.parse(text) as DeadLetter);
  }

  async deadLetterCount(): Promise<number> {
    return Number((await this.redis.get('traffic:dead-letter:count')) ?? 0);
  }

  private key(source: string, part: 'lease' | 'checkpoint'): string {
    return part === 'lease' ? leaseKeyOf(source) : `traffic:tail:${source}:${part}`;
  }
}
