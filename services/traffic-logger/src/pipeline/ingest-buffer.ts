import type { AccessBatch, RequestRow, SourceCheckpoint, TrafficStore, ViewHit } from '../store/traffic-store';

/** Where batches wait while the store is unreachable (the Redis spill, SpillRepository). */
export interface SpillSink {
  /** `onlyIfPending`: append only behind waiting entries, else answer 'direct'. */
  appendAccess(batch: AccessBatch, onlyIfPending: boolean): Promise<'direct' | 'spilled' | 'full' | 'fenced'>;
}

/** The spill holds TRAFFIC_SPILL_MAX rows: the batch stays in the buffer (and the tailer waits once it is full). */
export class SpillFullError extends Error {
  constructor() {
    super('the spill is full (TRAFFIC_SPILL_MAX)');
  }
}

export interface IngestBufferOptions {
  /** Flush once this many rows wait (5,000). */
  flushRows?: number;
  /** ...or this long after the first waiting row (2 s). */
  flushMs?: number;
  /** `add` waits (backpressure on the tailer) while this many rows wait, e.g. during an outage. */
  capacity?: number;
  onFlushError?(error: unknown): void;
  /** Another tailer owns the source now: the waiting rows were dropped (it re-reads them). */
  onFenced?(): void;
  /**
   * With a spill: a batch the store cannot take goes there (its checkpoint too), and while anything waits
   * there every batch goes behind it, so the drain keeps the order. Without: the buffer keeps it and retries.
   */
  spill?: SpillSink;
  /** A batch went to the spill because the store failed. */
  onSpilled?(error: unknown): void;
}

/**
 * The bounded buffer between the tailer and the store: rows wait in memory and go in one transaction (COPY) at
 * `flushRows` rows, after `flushMs`, or on close (SIGTERM). The checkpoint of the newest rows goes with them,
 * so a crash loses only rows whose lines are re-read. A failed flush goes to the spill when there is one
 * (Postgres down), else (or when the spill is full or unreachable too) keeps the rows and is retried.
 */
export class IngestBuffer {
  private requests: RequestRow[] = [];
  private viewHits: ViewHit[] = [];
  private checkpoint: SourceCheckpoint | null = null;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private readonly flushRows: number;
  private readonly flushMs: number;
  private readonly capacity: number;
  private closed = false;

  constructor(
    private readonly store: Pick<TrafficStore, 'writeAccessBatch'>,
    private readonly options: IngestBufferOptions = {},
  ) {
    this.flushRows = options.flushRows ?? 5_000;
    this.flushMs = options.flushMs ?? 2_000;
    this.capacity = options.capacity ?? 50_000;
  }

  /** Rows waiting. */
  get depth(): number {
    return this.requests.length + this.viewHits.length;
  }

  async add(rows: { requests: RequestRow[]; viewHits: ViewHit[] }, checkpoint: SourceCheckpoint | null): Promise<void> {
    if (this.closed) throw new Error('the ingest buffer is closed');
    this.requests.push(...rows.requests);
    this.viewHits.push(...rows.viewHits);
    if (checkpoint) this.checkpoint = checkpoint;
    if (this.depth >= this.flushRows) {
      // A failed flush keeps the rows (never thrown at the tailer, which would hand them over again); during an
      // outage the tailer waits here once the buffer is full.
      await this.flushOrWait();
      while (this.depth >= this.capacity && !this.closed) await this.flushOrWait();
    } else {
      this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
    }
  }

  /** Forgets waiting rows (the tailer resumes from the stored checkpoint and reads them again). */
  discard(): void {
    this.requests = [];
    this.viewHits = [];
    this.checkpoint = null;
  }

  /** Writes what waits; concurrent calls share one write. A failure keeps the rows and rethrows. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.depth === 0 && !this.checkpoint) return;
    const batch: AccessBatch = { requests: this.requests, viewHits: this.viewHits, checkpoint: this.checkpoint };
    this.discard();
    this.flushing = this.write(batch).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  /** Final flush (SIGTERM): no timer left behind. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      clearTimeout(this.timer);
    }
  }

  private async write(batch: AccessBatch): Promise<void> {
    try {
      const outcome = await this.writeOrSpill(batch);
      if (outcome === 'fenced') this.options.onFenced?.();
      if (outcome === 'full') throw new SpillFullError();
    } catch (error) {
      // Back in front of anything added meanwhile, in order; retried by the next flush.
      this.requests = [...batch.requests, ...this.requests];
      this.viewHits = [...batch.viewHits, ...this.viewHits];
      this.checkpoint ??= batch.checkpoint;
      this.options.onFlushError?.(error);
      if (!this.closed) this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
      throw error;
    }
  }

  private async writeOrSpill(batch: AccessBatch): Promise<'written' | 'spilled' | 'full' | 'fenced'> {
    const spill = this.options.spill;
    if (!spill) return this.store.writeAccessBatch(batch);
    const behind = await spill.appendAccess(batch, true);
    if (behind !== 'direct') return behind;
    try {
      return await this.store.writeAccessBatch(batch);
    } catch (error) {
      const spilled = await spill.appendAccess(batch, false);
      if (spilled === 'spilled') this.options.onSpilled?.(error);
      else if (spilled === 'full') throw error;
      return spilled as 'spilled' | 'fenced';
    }
  }

  private async flushOrWait(): Promise<void> {
    try {
      await this.flush();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, this.flushMs));
    }
  }
}
