import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The shape of a ticket: 32 random bytes, base64url. */
const TICKET = /^[A-Za-z0-9_-]{43}$/;

/**
 * One-time tickets in Redis, for a URL that must work without the bearer (a browser download link, a stream the
 * gateway fetches on the caller's behalf): 256 random bits, stored under the ticket's SHA-256 (a Redis dump or
 * MONITOR output opens nothing) with what it stands for, and taken with GETDEL, so a second use finds nothing.
 */
export class OneTimeTickets<Payload> {
  constructor(
    private readonly redis: Redis,
    /** Redis key prefix, e.g. `traffic:export:ticket`. */
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  async issue(payload: Payload): Promise<string> {
    const ticket = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(ticket), JSON.stringify(payload), 'PX', this.ttlMs);
    return ticket;
  }

  /** What the ticket stands for, once; null when it is malformed, unknown, used or expired. */
  async redeem(ticket: string | undefined): Promise<Payload | null> {
    if (!ticket || !TICKET.test(ticket)) return null;
    const stored = await this.redis.getdel(this.key(ticket));
    return stored ? (JSON.parse(stored) as Payload) : null;
  }

  private key(ticket: string): string {
    return `${this.prefix}:${createHash('sha256').update(ticket).digest('base64url')}`;
  }
}
