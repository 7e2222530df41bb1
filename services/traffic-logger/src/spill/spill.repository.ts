import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import { leaseKeyOf, type TailCheckpoint } from '../access-log/tail-state.repository';
import type { TrafficLoggerConfig } from '../config';
import type { AccessBatch, EventRow, SessionRow, SpilledEntry, SpillEntry } from '../store/traffic-store';

export const SPILL_STREAM = 'traffic:spill';
const SPILL_ROWS = 'traffic:spill:rows';
const SPILL_CHECKPOINTS = 'traffic:spill:checkpoints';
const DRAIN_LOCK = 'traffic:spill:drainer';

/**
 * - 'direct': nothing waits in the spill (only with `onlyIfPending`): write to the store.
 * - 'spilled': appended to the stream. - 'full': TRAFFIC_SPILL_MAX rows wait: refused.
 * - 'fenced': the tail lease is another process's: refused (that process reads the lines again).
 */
export type SpillOutcome = 'direct' | 'spilled' | 'full' | 'fenced';

/*
 * One script appends: so "is anything waiting", "is the spill full", "does this tailer still hold its lease",
 * the entry, the row counter and the source's spilled checkpoint change together. KEYS: stream, rows,
 * checkpoints, lease. ARGV: onlyIfPending, max, rows, kind, data, source, owner, checkpoint.
 */
const APPEND = `
if ARGV[1] == '1' and redis.call('XLEN', KEYS[1]) == 0 then return 'direct' end
if ARGV[6] ~= '' and redis.call('GET', KEYS[4]) ~= ARGV[7] then return 'fenced' end
local waiting = tonumber(redis.call('GET', KEYS[2]) or '0')
if waiting > 0 and waiting + tonumber(ARGV[3]) > tonumber(ARGV[2]) then return 'full' end
redis.call('XADD', KEYS[1], '*', 'kind', ARGV[4], 'rows', ARGV[3], 'data', ARGV[5])
redis.call('INCRBY', KEYS[2], ARGV[3])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[3], ARGV[6], ARGV[8]) end
return 'spilled'`;

/* Deletes drained entries; the spilled checkpoints go with the last one (Postgres holds them from then on). */
const REMOVE = `
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
redis.call('DECRBY', KEYS[2], ARGV[1])
if redis.call('XLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[2], KEYS[3]) end
return 1`;

const reviveAccess = (batch: AccessBatch): AccessBatch => ({
  ...batch,
  requests: batch.requests.map((row) => ({ ...row, ts: new Date(row.ts) })),
  viewHits: batch.viewHits.map((hit) => ({ ...hit, firstSeen: new Date(hit.firstSeen), lastSeen: new Date(hit.lastSeen) })),
});
const reviveEvents = (events: EventRow[], sessions: SessionRow[]): SpillEntry => ({
  kind: 'events',
  events: events.map((event) => ({ ...event, ts: new Date(event.ts) })),
  sessions: sessions.map((session) => ({ ...session, startedAt: new Date(session.startedAt), lastSeen: new Date(session.lastSeen) })),
});

export interface SpillRead {
  entries: SpilledEntry[];
  rows: number;
}

/**
 * The Redis stream `traffic:spill` (no MAXLEN: nothing in it may be trimmed away) where rows wait while
 * Postgres is unreachable, with a counter of the rows in it (TRAFFIC_SPILL_MAX bounds it) and, per access
 * log, the checkpoint of its newest spilled batch: a tailer that restarts resumes there, not at Postgres's
 * older checkpoint (the lines in between are in the spill). While any entry waits, every new batch and event is
 * appended behind it, so the drain keeps arrival order.
 */
@Injectable()
export class SpillRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
  ) {}

  /** An access batch, only while its tailer holds the lease (the checkpoint is required to resume past it). */
  async appendAccess(batch: AccessBatch, onlyIfPending: boolean): Promise<SpillOutcome> {
    const rows = batch.requests.length + batch.viewHits.length;
    const checkpoint = batch.checkpoint;
    return this.append(onlyIfPending, rows, 'access', JSON.stringify(batch), checkpoint && {
      source: checkpoint.source,
      owner: checkpoint.owner,
      at: { inode: checkpoint.inode, offset: checkpoint.offset },
    });
  }

  /** The rows of one collect call. */
  async appendEvents(events: EventRow[], sessions: SessionRow[], onlyIfPending: boolean): Promise<SpillOutcome> {
    return this.append(onlyIfPending, events.length, 'events', JSON.stringify({ events, sessions }), null);
  }

  /** The newest spilled checkpoint of an access log; null when none of its batches waits. */
  async checkpointOf(source: string): Promise<TailCheckpoint | null> {
    const stored = await this.redis.hget(SPILL_CHECKPOINTS, source);
    return stored ? (JSON.parse(stored) as TailCheckpoint) : null;
  }

  /** Rows waiting. */
  async depth(): Promise<number> {
    return Number((await this.redis.get(SPILL_ROWS)) ?? 0);
  }

  /** The oldest entries, up to `maxEntries` or until `maxRows` rows are taken (at least one entry). */
  async oldest(maxEntries: number, maxRows: number): Promise<SpillRead> {
    const raw = await this.redis.xrange(SPILL_STREAM, '-', '+', 'COUNT', maxEntries);
    const read: SpillRead = { entries: [], rows: 0 };
    for (const [id, fields] of raw) {
      const field = (name: string) => fields[fields.indexOf(name) + 1]!;
      const rows = Number(field('rows'));
      if (read.entries.length > 0 && read.rows + rows > maxRows) break;
      const data = JSON.parse(field('data')) as AccessBatch & { events: EventRow[]; sessions: SessionRow[] };
      const entry: SpillEntry = field('kind') === 'access' ? { kind: 'access', batch: reviveAccess(data) } : reviveEvents(data.events, data.sessions);
      read.entries.push({ id, entry });
      read.rows += rows;
    }
    return read;
  }

  /** Deletes stored entries (after the transaction that stored them committed). */
  async remove(read: SpillRead): Promise<void> {
    if (read.entries.length === 0) return;
    await this.redis.eval(REMOVE, 3, SPILL_STREAM, SPILL_ROWS, SPILL_CHECKPOINTS, String(read.rows), ...read.entries.map((entry) => entry.id));
  }

  /** One drainer at a time across replicas: takes or renews the lock; true when held. */
  async holdDrainLock(owner: string, ttlMs: number): Promise<boolean> {
    const held = await this.redis.eval(
      `local current = redis.call('GET', KEYS[1])
       if current == false or current == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
       return 0`,
      1,
      DRAIN_LOCK,
      owner,
      String(ttlMs),
    );
    return held === 1;
  }

  async releaseDrainLock(owner: string): Promise<void> {
    await this.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0`, 1, DRAIN_LOCK, owner);
  }

  private async append(
    onlyIfPending: boolean,
    rows: number,
    kind: SpillEntry['kind'],
    data: string,
    tail: { source: string; owner: string; at: TailCheckpoint } | null,
  ): Promise<SpillOutcome> {
    return (await this.redis.eval(
      APPEND,
      4,
      SPILL_STREAM,
      SPILL_ROWS,
      SPILL_CHECKPOINTS,
      tail ? leaseKeyOf(tail.source) : `${SPILL_STREAM}:no-lease`,
      onlyIfPending ? '1' : '0',
      String(this.config.TRAFFIC_SPILL_MAX),
      String(rows),
      kind,
      data,
      tail?.source ?? '',
      tail?.owner ?? '',
      tail ? JSON.stringify(tail.at) : '',
    )) as SpillOutcome;
  }
}
