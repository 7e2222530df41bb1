import { hostname } from 'node:os';
import { addLatency, type ApiRollupBatch, type ApiRollupRow, Events } from '@castline/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { publishToStream } from './nats/stream-publish';
import { encode } from './nats/wire';

const MINUTE = 60_000;
/** Minutes kept while NATS is away (older ones are dropped). */
const KEEP_MINUTES = 15;

/**
 * Per-minute request rollups of one process, by transport, route template, method and status class, with
 * mergeable log-scale latency buckets (contracts latency-buckets.ts). A finished minute is published to the
 * API_METRICS JetStream stream with msg id service:instance:minute (a retry is stored once); minutes not acked
 * are retried, up to 15 of them. Recording is a map lookup and two additions: no I/O on the request path.
 */
export class ApiRollups {
  readonly instance = `${hostname()}:${process.pid}`;
  private current = new Map<string, ApiRollupRow>();
  private currentMinute = Math.floor(Date.now() / MINUTE) * MINUTE;
  private finished: ApiRollupBatch[] = [];
  private connection?: NatsConnection;
  private timer?: NodeJS.Timeout;
  private sending = false;
  enabled = true;

  constructor(private readonly service: string) {}

  record(transport: 'http' | 'rpc', route: string, method: string, status: number | 'ok' | 'error', ms: number, now = Date.now()): void {
    if (!this.enabled) return;
    this.roll(now);
    const statusClass = typeof status === 'number' ? `${Math.floor(status / 100)}xx` : status;
    const key = `${transport}\n${route}\n${method}\n${statusClass}`;
    let row = this.current.get(key);
    if (!row) {
      row = { transport, route, method, statusClass, count: 0, errors: 0, sumMs: 0, maxMs: 0, buckets: {} };
      this.current.set(key, row);
    }
    row.count += 1;
    if (status === 'error' || (typeof status === 'number' && status >= 500)) row.errors += 1;
    row.sumMs += ms;
    if (ms > row.maxMs) row.maxMs = ms;
    addLatency(row.buckets, ms);
  }

  /** Closes the minute when it is over (its rows wait to be published). */
  roll(now = Date.now()): void {
    const minute = Math.floor(now / MINUTE) * MINUTE;
    if (minute === this.currentMinute) return;
    if (this.current.size > 0) {
      this.finished.push({ service: this.service, instance: this.instance, minute: new Date(this.currentMinute).toISOString(), rows: [...this.current.values()] });
      if (this.finished.length > KEEP_MINUTES) this.finished.shift();
    }
    this.current = new Map();
    this.currentMinute = minute;
  }

  /** Minutes finished and not yet acked by the stream. */
  get pendingMinutes(): number {
    return this.finished.length;
  }

  attach(connection: NatsConnection, intervalMs = 5_000): void {
    this.connection = connection;
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.publish(), intervalMs);
    this.timer.unref();
  }

  detach(): void {
    clearInterval(this.timer);
  }

  /** Publishes every finished minute (oldest first); stops at the first failure and retries next time. */
  async publish(now = Date.now()): Promise<void> {
    this.roll(now);
    if (!this.connection || this.sending) return;
    this.sending = true;
    try {
      while (this.finished.length > 0) {
        const batch = this.finished[0]!;
        try {
          await publishToStream(this.connection, Events.apiMetrics.subject, encode(batch), `${batch.service}:${batch.instance}:${batch.minute}`, 2_000);
        } catch {
          return;
        }
        this.finished.shift();
      }
    } finally {
      this.sending = false;
    }
  }
}
