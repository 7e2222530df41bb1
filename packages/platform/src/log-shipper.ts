import { hostname } from 'node:os';
import { type AppLogRecord, Events, LOG_LIMITS, TRUNCATED_MARKER } from '@castline/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { publishToStream } from './nats/stream-publish';
import { encode } from './nats/wire';

export interface LogShipperOptions {
  service: string;
  /** Lowest pino level shipped (40 warn); records below are not even parsed. */
  minLevel?: number;
  /** Records kept while NATS or the stream is away; newer ones are dropped (and counted) when it is full. */
  maxBuffer?: number;
  /** Records per JetStream message. */
  batchSize?: number;
  /** How often the buffer is sent. */
  intervalMs?: number;
  /** How long a publish waits for the stream's ack before it is retried. */
  publishTimeoutMs?: number;
  instance?: string;
}

const KNOWN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'req', 'res', 'err', 'responseTime', 'reqId', 'userId']);
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential/i;
const UUID_OR_NUMBER = /\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)(?=\/|$)/gi;

/** Cuts text longer than `max` characters, with a marker saying so. */
export const cut = (text: string, max: number) => (text.length > max ? text.slice(0, max) + TRUNCATED_MARKER : text);

/** A URL as a route template: no query, ids (UUIDs, numbers) as `:id`. Raw URLs would leak tokens and explode cardinality. */
export const routeTemplateOf = (url: string) => url.split(/[?#]/, 1)[0]!.replace(UUID_OR_NUMBER, '/:id');

/** Extra fields with every key that looks like a secret censored, at any depth (pino's redact paths come first). */
function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : scrub(item, depth + 1)]));
}

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
const int = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null);

/** A pino JSON line (already redacted by pino) as an app_logs record; null when it is not one. */
export function toRecord(line: Record<string, unknown>, service: string, instance: string, key: string): AppLogRecord {
  const req = (line.req ?? {}) as Record<string, unknown>;
  const res = (line.res ?? {}) as Record<string, unknown>;
  const err = (line.err ?? null) as Record<string, unknown> | null;
  const rest = scrub(Object.fromEntries(Object.entries(line).filter(([name]) => !KNOWN.has(name)))) as Record<string, unknown>;
  let meta: Record<string, unknown> | null = Object.keys(rest).length > 0 ? rest : null;
  if (meta) {
    const json = JSON.stringify(meta);
    if (json.length > LOG_LIMITS.meta) meta = { truncated: cut(json, LOG_LIMITS.meta) };
  }
  const url = text(req.url);
  const errCode = err ? (text(err.code) ?? text(err.type)) : null;
  return {
    key,
    ts: typeof line.time === 'string' ? line.time : new Date(typeof line.time === 'number' ? line.time : Date.now()).toISOString(),
    level: int(line.level) ?? 40,
    service: text(line.service) ?? service,
    instance,
    msg: cut(text(line.msg) ?? (err ? (text(err.message) ?? '') : ''), LOG_LIMITS.msg),
    reqId: text(req.id) ?? text(line.reqId),
    method: text(req.method),
    url: url ? routeTemplateOf(url) : null,
    statusCode: int(res.statusCode),
    responseTimeMs: int(line.responseTime),
    userId: text(line.userId),
    errCode: errCode ? errCode.slice(0, 128) : null,
    errStack: err && typeof err.stack === 'string' ? cut(err.stack, LOG_LIMITS.errStack) : null,
    meta,
    repeats: 1,
  };
}

const sameRecord = (a: AppLogRecord, b: AppLogRecord) =>
  a.level === b.level && a.msg === b.msg && a.url === b.url && a.statusCode === b.statusCode && a.errCode === b.errCode && a.service === b.service;

/**
 * Ships a process's warn+ pino records to monitoring: a pino destination (through pino.multistream, next to
 * stdout, which stays as it is) that parses each line, buffers records, and publishes them in batches to the
 * APP_LOGS JetStream stream, removing them only once the stream acked (msg id = the first record's key, so a
 * retried batch is stored once). Logging never waits on NATS: while NATS or the stream is away records wait in a
 * bounded buffer and the newest are dropped and counted once it is full. Storm guard: a record identical to
 * the last one still waiting is folded into it (`repeats`).
 */
export class LogShipper {
  readonly instance: string;
  /** Records dropped because the buffer was full. */
  dropped = 0;
  /** Records the stream acked. */
  shipped = 0;
  private buffer: AppLogRecord[] = [];
  private inFlight = 0;
  private sequence = 0;
  private connection?: NatsConnection;
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private failures = 0;
  private nextTryAt = 0;
  private readonly minLevel: number;
  private readonly maxBuffer: number;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly publishTimeoutMs: number;
  private readonly prefix: string;

  constructor(private readonly options: LogShipperOptions) {
    this.instance = options.instance ?? `${hostname()}:${process.pid}`;
    this.minLevel = options.minLevel ?? 40;
    this.maxBuffer = options.maxBuffer ?? 5_000;
    this.batchSize = options.batchSize ?? 200;
    this.intervalMs = options.intervalMs ?? 200;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 2_000;
    // Keys stay unique across restarts of the same pid (containers): the start time is part of them.
    this.prefix = `${this.instance}:${Date.now().toString(36)}`;
  }

  /** The pino level name of minLevel (for pino.multistream). */
  get levelName(): string {
    return this.minLevel >= 60 ? 'fatal' : this.minLevel >= 50 ? 'error' : this.minLevel >= 40 ? 'warn' : this.minLevel >= 30 ? 'info' : 'debug';
  }

  /** How many records wait to be shipped. */
  get pending(): number {
    return this.buffer.length;
  }

  /** pino destination: one JSON line per call. */
  write(line: string): void {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof parsed.level !== 'number' || parsed.level < this.minLevel) return;
    this.sequence += 1;
    const record = toRecord(parsed, this.options.service, this.instance, `${this.prefix}:${this.sequence}`);
    const last = this.buffer.length > this.inFlight ? this.buffer.at(-1) : undefined;
    if (last && sameRecord(last, record)) {
      last.repeats += 1;
      return;
    }
    if (this.buffer.length >= this.maxBuffer) {
      this.dropped += 1;
      return;
    }
    this.buffer.push(record);
  }

  /** Starts shipping over this connection (records logged before wait in the buffer). */
  attach(connection: NatsConnection): void {
    this.connection = connection;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; what is still buffered stays (flush first to send it). */
  detach(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Sends until the buffer is empty or `timeoutMs` passed (on shutdown, before the NATS connection drains). */
  async flush(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.nextTryAt = 0;
    while (this.connection && this.buffer.length > 0 && Date.now() < deadline) {
      await (this.sending ?? this.send());
      if (this.failures > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private kick(): void {
    if (this.sending || this.buffer.length === 0 || Date.now() < this.nextTryAt) return;
    void this.send();
  }

  private send(): Promise<void> {
    const batch = this.buffer.slice(0, this.batchSize);
    this.inFlight = batch.length;
    const sending = publishToStream(this.connection!, Events.appLogs.subject, encode({ records: batch }), batch[0]!.key, this.publishTimeoutMs)
      .then(
        () => {
          this.buffer.splice(0, batch.length);
          this.shipped += batch.reduce((sum, record) => sum + record.repeats, 0);
          this.failures = 0;
        },
        () => {
          // NATS away or no stream yet: keep the records, retry with a backoff up to 5 s.
          this.failures += 1;
          this.nextTryAt = Date.now() + Math.min(5_000, 100 * 2 ** this.failures);
        },
      )
      .finally(() => {
        this.inFlight = 0;
        this.sending = undefined;
      });
    this.sending = sending;
    return sending;
  }
}
