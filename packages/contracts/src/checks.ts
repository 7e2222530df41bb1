import { z } from 'zod';

/**
 * Health checks and uptime (monitoring): built-in checks of every service, Postgres, Redis, NATS + JetStream
 * and nginx, and operator HTTP(S)/TCP checks. A check runs every `intervalSeconds` (>= 10), gives up after
 * `timeoutMs` (default 0.8 x interval), is PENDING for `retries` failed runs before it is DOWN, and DEGRADED
 * when slower than `slowMs` or its certificate expires within `certExpiryDays`.
 */
export const CHECK_KINDS = ['service', 'postgres', 'redis', 'nats', 'nginx', 'http', 'tcp'] as const;
export const OPERATOR_CHECK_KINDS = ['http', 'tcp'] as const;
export const CHECK_STATUSES = ['unknown', 'up', 'pending', 'degraded', 'down'] as const;
export const CheckStatusSchema = z.enum(CHECK_STATUSES);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;
export const HTTP_CHECK_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const MIN_CHECK_INTERVAL_SECONDS = 10;
export const MAX_CHECK_REDIRECTS = 5;

const checkFields = {
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  intervalSeconds: z.number().int().min(MIN_CHECK_INTERVAL_SECONDS).max(86_400).default(60),
  /** Default 0.8 x interval; at most the interval. */
  timeoutMs: z.number().int().min(100).optional(),
  retries: z.number().int().min(0).max(20).default(0),
  slowMs: z.number().int().min(1).nullable().optional(),
};

const HttpCheckSchema = z.object({
  ...checkFields,
  kind: z.literal('http'),
  /** An http(s) URL; the host is checked by the SSRF guard (ALERTS_ALLOWED_TARGETS) at save and every run. */
  target: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
  method: z.enum(HTTP_CHECK_METHODS).default('GET'),
  /** Accepted statuses; empty means 200-299. */
  expectedStatuses: z.array(z.number().int().min(100).max(599)).max(50).default([]),
  /** The body must contain this text. */
  keyword: z.string().min(1).max(500).nullable().optional(),
  certExpiryDays: z.number().int().min(1).max(365).nullable().optional(),
});

const TcpCheckSchema = z.object({
  ...checkFields,
  kind: z.literal('tcp'),
  /** host:port ([v6]:port). */
  target: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port'),
});

/** POST /monitoring/checks: an operator's check (built-in ones are created by monitoring itself). */
export const CreateCheckSchema = z.discriminatedUnion('kind', [HttpCheckSchema, TcpCheckSchema]).refine((check) => check.timeoutMs === undefined || check.timeoutMs <= check.intervalSeconds * 1000, {
  path: ['timeoutMs'],
  message: 'at most the interval',
});
export type CreateCheck = z.infer<typeof CreateCheckSchema>;

/** PATCH /monitoring/checks/:id: the fields to change (built-in checks take interval, timeout, retries, slowMs, enabled). */
export const UpdateCheckSchema = z.object({
  name: checkFields.name.optional(),
  enabled: z.boolean().optional(),
  intervalSeconds: z.number().int().min(MIN_CHECK_INTERVAL_SECONDS).max(86_400).optional(),
  timeoutMs: z.number().int().min(100).optional(),
  retries: z.number().int().min(0).max(20).optional(),
  slowMs: z.number().int().min(1).nullable().optional(),
  target: z.string().min(1).max(2048).optional(),
  method: z.enum(HTTP_CHECK_METHODS).optional(),
  expectedStatuses: z.array(z.number().int().min(100).max(599)).max(50).optional(),
  keyword: z.string().min(1).max(500).nullable().optional(),
  certExpiryDays: z.number().int().min(1).max(365).nullable().optional(),
});
export const UpdateCheckRequestSchema = z.object({ id: z.uuid(), changes: UpdateCheckSchema });
export const CheckIdSchema = z.object({ id: z.uuid() });

export const CheckViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHECK_KINDS),
  target: z.string(),
  builtin: z.boolean(),
  enabled: z.boolean(),
  method: z.string(),
  expectedStatuses: z.array(z.number().int()),
  keyword: z.string().nullable(),
  certExpiryDays: z.number().int().nullable(),
  intervalSeconds: z.number().int(),
  timeoutMs: z.number().int(),
  retries: z.number().int(),
  slowMs: z.number().int().nullable(),
  status: CheckStatusSchema,
  failures: z.number().int(),
  lastCheckedAt: z.string().nullable(),
  lastChangeAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Share of up (or degraded) samples over the last 24 h from the rollups, null without samples. */
  uptime24hPercent: z.number().nullable(),
});
export type CheckView = z.infer<typeof CheckViewSchema>;
export const CheckListSchema = z.object({ items: z.array(CheckViewSchema) });

export const CheckSampleViewSchema = z.object({
  checkedAt: z.string(),
  status: CheckStatusSchema,
  responseTimeMs: z.number().int().nullable(),
  statusCode: z.number().int().nullable(),
  errorMessage: z.string().nullable(),
  certExpiresAt: z.string().nullable(),
});
export const UptimeRecordViewSchema = z.object({
  downtimeStart: z.string(),
  downtimeEnd: z.string().nullable(),
  downtimeDurationSeconds: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export const CheckRollupViewSchema = z.object({
  bucket: z.string(),
  total: z.number().int(),
  up: z.number().int(),
  degraded: z.number().int(),
  down: z.number().int(),
  avgLatencyMs: z.number().nullable(),
  maxLatencyMs: z.number().int(),
  /** Runs inside a maintenance window (not counted as up or down). */
  maintenance: z.number().int(),
});

/** GET /monitoring/checks/:id/history: recent samples, outages and rollups at a resolution. */
export const CheckHistoryQuerySchema = z.object({
  resolution: z.enum(['minute', 'hour', 'day']).default('hour'),
  /** Hours back from now. */
  hours: z.coerce.number().int().min(1).max(24 * 730).default(24),
});
export const CheckHistoryRequestSchema = CheckHistoryQuerySchema.extend({ id: z.uuid() });
export const CheckHistorySchema = z.object({
  check: CheckViewSchema,
  samples: z.array(CheckSampleViewSchema),
  outages: z.array(UptimeRecordViewSchema),
  rollups: z.array(CheckRollupViewSchema),
  uptimePercent: z.number().nullable(),
});
export type CheckHistory = z.infer<typeof CheckHistorySchema>;
