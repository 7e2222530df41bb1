import type { EventRow, SessionRow, TrafficStore } from '../store/traffic-store';

interface Waiting {
  events: EventRow[];
  sessions: SessionRow[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for collected events: each caller still answers only once its rows are committed, but requests
 * that arrive while a transaction is in flight share the next one. One request alone is written at once (no
 * timer, no added latency); under load the commits, not the events, are counted. A failed transaction fails
 * every request in it, and each takes its own way out (the spill), as it would alone.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly store: Pick<TrafficStore, 'writeEvents'>,
    /** Rows (events + sessions) per transaction at most. */
    private readonly maxRows = 1_000,
  ) {}

  write(events: EventRow[], sessions: SessionRow[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ events, sessions, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const group = this.take();
      try {
        await this.store.writeEvents(
          group.flatMap((entry) => entry.events),
          group.flatMap((entry) => entry.sessions),
        );
        for (const entry of group) entry.resolve();
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
    this.writing = false;
  }

  /** The oldest requests up to maxRows (at least one, whatever its size), in arrival order. */
  private take(): Waiting[] {
    let rows = 0;
    let count = 0;
    for (const entry of this.waiting) {
      const size = entry.events.length + entry.sessions.length;
      if (count > 0 && rows + size > this.maxRows) break;
      rows += size;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }
}
