import { z } from 'zod';

/**
 * App logs (issue 14): every process ships its warn+ pino records over JetStream (`logs.records`, stream
 * APP_LOGS); monitoring stores them in app_logs and announces each stored page (`monitoring.logs.stored`), which
 * the gateway relays as server-sent events. API metrics: per-minute request rollups (`metrics.api`).
 */

/** Longest fields, cut with a marker: err_stack 8 KiB, meta 16 KiB (JSON text), msg 4 KiB. */
export const LOG_LIMITS = { msg: 4_096, errStack: 8_192, meta: 16_384 } as const;
export const TRUNCATED_MARKER = '…[truncated]';

export const LOG_LEVELS = { warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

const optionalText = (max: number) => z.string().max(max).nullish();

/** One shipped record (already redacted and cut by the shipper). `key` = instance + sequence, for dedup. */
export const AppLogRecordSchema = z.object({
  key: z.string().min(1).max(200),
  ts: z.iso.datetime({ offset: true }),
  level: z.number().int().min(0).max(100),
  service: z.string().min(1).max(64),
  instance: z.string().min(1).max(128),
  msg: z.string().max(LOG_LIMITS.msg + 32),
  reqId: optionalText(128),
  method: optionalText(16),
  url: optionalText(2_048),
  statusCode: z.number().int().nullish(),
  responseTimeMs: z.number().nullish(),
  userId: optionalText(128),
  errCode: optionalText(128),
  errStack: optionalText(LOG_LIMITS.errStack + 32),
  meta: z.record(z.string(), z.unknown()).nullish(),
  /** Storm guard: identical records folded into this one. */
  repeats: z.number().int().min(1).default(1),
});
export type AppLogRecord = z.infer<typeof AppLogRecordSchema>;
export const AppLogBatchSchema = z.object({ records: z.array(AppLogRecordSchema).min(1).max(1_000) });
export type AppLogBatch = z.infer<typeof AppLogBatchSchema>;

export const AppLogViewSchema = z.object({
  /** The row id (a decimal string): keyset cursor and SSE `id:`. */
  id: z.string(),
  ts: z.string(),
  level: z.number().int(),
  service: z.string(),
  instance: z.string(),
  msg: z.string(),
  reqId: z.string().nullable(),
  method: z.string().nullable(),
  url: z.string().nullable(),
  statusCode: z.number().int().nullable(),
  responseTimeMs: z.number().int().nullable(),
  userId: z.string().nullable(),
  errCode: z.string().nullable(),
  errStack: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()).nullable(),
  repeats: z.number().int(),
});
export type AppLogView = z.infer<typeof AppLogViewSchema>;

const cursor = z.string().regex(/^\d{1,19}$/, 'a log id');
/** Filters shared by the list, export and live stream. */
export const LogFilterSchema = z.object({
  service: z.string().max(64).optional(),
  /** The lowest level shown. */
  level: z.enum(['warn', 'error', 'fatal']).optional(),
  route: z.string().max(2_048).optional(),
  status: z.coerce.number().int().min(100).max(599).optional(),
  /** Case-insensitive substring of the message. */
  contains: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type LogFilter = z.infer<typeof LogFilterSchema>;
/** Newest first; `before` = the last id of the previous page. `after` lists older-to-newer from an id (SSE catch-up). */
export const ListLogsSchema = LogFilterSchema.extend({
  before: cursor.optional(),
  after: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});
export type ListLogs = z.infer<typeof ListLogsSchema>;
export const LogPageSchema = z.object({ items: z.array(AppLogViewSchema), nextCursor: z.string().nullable() });
export const LogIdSchema = z.object({ id: cursor });
export const LogsStoredSchema = z.object({ items: z.array(AppLogViewSchema) });
export const LogCountsSchema = z.object({ from: z.iso.datetime({ offset: true }).optional() });

/** API metrics: one minute of one process's requests, by route template, method and status class. */
export const ApiRollupRowSchema = z.object({
  transport: z.enum(['http', 'rpc']),
  route: z.string().max(512),
  method: z.string().max(16),
  statusClass: z.string().max(8),
  count: z.number().int().min(0),
  errors: z.number().int().min(0),
  sumMs: z.number().min(0),
  maxMs: z.number().min(0),
  /** Log-scale latency bucket index (see latency-buckets.ts) -> count. */
  buckets: z.record(z.string().regex(/^-?\d+$/), z.number().int().min(0)),
});
export type ApiRollupRow = z.infer<typeof ApiRollupRowSchema>;
export const ApiRollupBatchSchema = z.object({
  service: z.string().min(1).max(64),
  instance: z.string().min(1).max(128),
  minute: z.iso.datetime({ offset: true }),
  rows: z.array(ApiRollupRowSchema).max(5_000),
});
export type ApiRollupBatch = z.infer<typeof ApiRollupBatchSchema>;

export const API_METRIC_RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export const ApiMetricsQuerySchema = z.object({
  range: z.enum(Object.keys(API_METRIC_RANGES) as [keyof typeof API_METRIC_RANGES]).default('1h'),
  service: z.string().max(64).optional(),
  transport: z.enum(['http', 'rpc']).default('http'),
});
export const ApiRouteStatsSchema = z.object({
  service: z.string(),
  route: z.string(),
  method: z.string(),
  count: z.number().int(),
  errorRate: z.number(),
  meanMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
});
export type ApiRouteStats = z.infer<typeof ApiRouteStatsSchema>;
export const ApiMetricsSchema = z.object({
  from: z.string(),
  to: z.string(),
  resolution: z.enum(['minute', 'hour']),
  routes: z.array(ApiRouteStatsSchema),
  /** All routes together per bucket, for the chart. */
  series: z.array(z.object({ at: z.string(), count: z.number().int(), errorRate: z.number(), p95Ms: z.number().nullable() })),
});
export type ApiMetrics = z.infer<typeof ApiMetricsSchema>;

/** Whether a stored record passes the filters (the live stream applies them to each new row, as the list does in SQL). */
export function matchesLogFilter(row: AppLogView, filter: LogFilter): boolean {
  if (filter.service && row.service !== filter.service) return false;
  if (filter.level && row.level < LOG_LEVELS[filter.level]) return false;
  if (filter.route && row.url !== filter.route) return false;
  if (filter.status && row.statusCode !== filter.status) return false;
  if (filter.contains && !row.msg.toLowerCase().includes(filter.contains.toLowerCase())) return false;
  if (filter.from && row.ts < new Date(filter.from).toISOString()) return false;
  if (filter.to && row.ts >= new Date(filter.to).toISOString()) return false;
  return true;
}
