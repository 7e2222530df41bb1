/**
 * The latest value per key, forgotten `ttlMs` after it was set: telemetry that its sender repeats (a worker's
 * metrics every second), where silence means the sender is gone. Expired entries are swept on every read;
 * `onExpire` hears of each one (e.g. to drop a Prometheus series).
 */
export class LatestByKey<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly options: { onExpire?: (key: string, value: T) => void; now?: () => number } = {},
  ) {}

  set(key: string, value: T): void {
    // Delete first so the map's order is the order of the latest report.
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
  }

  get(key: string): T | undefined {
    this.sweep();
    return this.entries.get(key)?.value;
  }

  values(): T[] {
    this.sweep();
    return [...this.entries.values()].map((entry) => entry.value);
  }

  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  /** Drops what is older than the TTL. */
  sweep(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) {
      if (entry.at >= oldest) continue;
      this.entries.delete(key);
      this.options.onExpire?.(key, entry.value);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
