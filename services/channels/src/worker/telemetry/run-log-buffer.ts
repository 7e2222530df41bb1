/** Longer stderr lines are cut: a runaway line must not blow up memory or the Redis lists. */
export const MAX_LOG_LINE_LENGTH = 2_000;

export interface LogBatch {
  /** Lines that still belong to the run's head (its first headLines lines). */
  head: string[];
  /** The newest lines since the last batch, at most tailLines of them. */
  tail: string[];
}

/**
 * Collects a run's stderr lines between two Redis writes: every line goes to the tail, the first
 * `headLines` of the run also to the head. Between writes at most 2 x tailLines lines are held.
 */
export class RunLogBuffer {
  private linesSeen = 0;
  private head: string[] = [];
  private tail: string[] = [];

  constructor(
    private readonly headLines: number,
    private readonly tailLines: number,
  ) {}

  add(line: string): void {
    const kept = line.length > MAX_LOG_LINE_LENGTH ? `${line.slice(0, MAX_LOG_LINE_LENGTH)}…` : line;
    if (this.linesSeen < this.headLines) this.head.push(kept);
    this.linesSeen += 1;
    this.tail.push(kept);
    // Trimming in bulk keeps add() O(1) amortized.
    if (this.tail.length >= 2 * this.tailLines) this.tail.splice(0, this.tail.length - this.tailLines);
  }

  get pending(): boolean {
    return this.tail.length > 0;
  }

  /** The lines to write now; the buffer starts over (the head never refills). */
  take(): LogBatch {
    const batch = { head: this.head, tail: this.tail.slice(-this.tailLines) };
    this.head = [];
    this.tail = [];
    return batch;
  }
}
