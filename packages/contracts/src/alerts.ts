import { z } from 'zod';

/** Alert receivers (monitoring): where notifications go. Secrets (URLs, signing secrets) are write-only. */
export const RECEIVER_KINDS = ['webhook', 'slack', 'discord', 'teams', 'email'] as const;

const url = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });
const receiverFields = { name: z.string().trim().min(1).max(120), enabled: z.boolean().default(true) };
const email = z.email();

/** Where a receiver sends: a URL (webhook, Slack, Discord, Teams) or an SMTP server and addresses (email). */
export const ReceiverConfigSchema = z.discriminatedUnion('kind', [
  /** Custom JSON (schema version 1), signed with HMAC-SHA256 when `secret` is set. */
  z.object({ kind: z.literal('webhook'), config: z.object({ url, secret: z.string().min(16).max(200).optional() }) }),
  z.object({ kind: z.literal('slack'), config: z.object({ url }) }),
  z.object({ kind: z.literal('discord'), config: z.object({ url }) }),
  /** A Teams Workflows webhook (Adaptive Card). */
  z.object({ kind: z.literal('teams'), config: z.object({ url }) }),
  z.object({
    kind: z.literal('email'),
    config: z.object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535).default(587),
      /** TLS from the start (465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      username: z.string().max(255).optional(),
      password: z.string().max(1_000).optional(),
      from: email,
      to: z.array(email).min(1).max(50),
    }),
  }),
]);
export type ReceiverConfig = z.infer<typeof ReceiverConfigSchema>;

export const CreateReceiverSchema = z.intersection(z.object(receiverFields), ReceiverConfigSchema);
export type CreateReceiver = z.infer<typeof CreateReceiverSchema>;

/** PATCH: name/enabled, or a whole new config (secrets are never read back, so a config is replaced, not merged). */
export const UpdateReceiverRequestSchema = z.object({
  id: z.uuid(),
  changes: z.object({ name: receiverFields.name.optional(), enabled: z.boolean().optional(), receiver: ReceiverConfigSchema.optional() }),
});

/** "Send test": a saved receiver (`id`) or an unsaved one (`receiver`); the reply shows what it answered. */
export const TestReceiverSchema = z.object({ id: z.uuid().optional(), receiver: ReceiverConfigSchema.optional() }).refine((body) => (body.id === undefined) !== (body.receiver === undefined), {
  path: ['id'],
  message: 'either id or receiver',
});
export const TestReceiverReplySchema = z.object({
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  reply: z.string().nullable(),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
});

/** A receiver as shown: the target's host only, never its URL, token or secret. */
export const ReceiverViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(RECEIVER_KINDS),
  enabled: z.boolean(),
  /** The host (and port) it sends to; never the URL, token or password. */
  targetHost: z.string(),
  signed: z.boolean(),
  createdAt: z.string(),
});
export type ReceiverView = z.infer<typeof ReceiverViewSchema>;
export const ReceiverListSchema = z.object({ items: z.array(ReceiverViewSchema) });

export const ReceiverDeliveriesRequestSchema = z.object({ id: z.uuid(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export const DeliveryAttemptViewSchema = z.object({
  at: z.string(),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  statusCode: z.number().int().nullable(),
  reply: z.string().nullable(),
  latencyMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
export const DeliveryViewSchema = z.object({
  idempotencyKey: z.string(),
  alertId: z.string(),
  message: z.string(),
  transition: z.enum(['firing', 'resolved', 'flapping', 'stable']),
  /** How many alerts the notification carried. */
  alerts: z.number().int(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  attempts: z.array(DeliveryAttemptViewSchema),
});
export const ReceiverDeliveriesSchema = z.object({ items: z.array(DeliveryViewSchema) });

/** Alert rules: a source read every evaluation (15 s), a condition held for `forSeconds`, grouping and repeats. */
export const ALERT_SOURCES = [
  'check_status',
  'check_latency',
  'host_metric',
  'disk_full_within',
  'channel_event',
  'crash_loop',
  'api_metric',
  'app_log_errors',
  'alertmanager',
] as const;
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const HOST_METRICS = ['cpu_percent', 'memory_percent', 'load1', 'hls_free_percent', 'data_free_percent'] as const;
export const CHANNEL_EVENT_KINDS = ['given_up', 'stall', 'failover'] as const;
/** Labels a rule's alerts carry, by source (group_by and matchers may name these, `alertname`, `severity`, or the rule's own labels). */
export const SOURCE_LABELS: Record<(typeof ALERT_SOURCES)[number], string[]> = {
  check_status: ['check', 'kind'],
  host_metric: ['metric'],
  channel_event: ['channel', 'event'],
  crash_loop: ['channel'],
  check_latency: ['check', 'kind'],
  disk_full_within: ['disk'],
  api_metric: ['service', 'route', 'metric'],
  app_log_errors: ['service'],
  /** Whatever labels Alertmanager sends (any label name may be grouped by). */
  alertmanager: [],
};

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name (letters, digits, _)');
const ruleFields = {
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  forSeconds: z.number().int().min(0, 'must not be negative').max(86_400).default(0),
  severity: z.enum(ALERT_SEVERITIES).default('warning'),
  labels: z.record(labelName, z.string().max(200)).default({}),
  groupBy: z.array(z.union([labelName, z.literal('...')])).max(10).default([]),
  groupWaitSeconds: z.number().int().min(0).max(3_600).default(30),
  groupIntervalSeconds: z.number().int().min(0).max(86_400).default(300),
  repeatIntervalSeconds: z.number().int().min(60).max(7 * 86_400).default(4 * 3_600),
  sendResolved: z.boolean().default(true),
};

export const MatcherSchema = z.object({ label: labelName, value: z.string().max(500), regex: z.boolean().default(false) });
export const RuleConditionSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('check_status'), params: z.object({ status: z.enum(['down', 'degraded', 'not_up']).default('down') }) }),
  z.object({
    source: z.literal('host_metric'),
    params: z.object({ metric: z.enum(HOST_METRICS), op: z.enum(['>', '<']), threshold: z.number() }),
  }),
  z.object({ source: z.literal('channel_event'), params: z.object({ event: z.enum(CHANNEL_EVENT_KINDS), windowMinutes: z.number().int().min(1).max(1_440).default(10) }) }),
  z.object({ source: z.literal('crash_loop'), params: z.object({ restarts: z.number().int().min(1).max(1_000), windowMinutes: z.number().int().min(1).max(1_440) }) }),
  /** A check's latest response time over (or under) a threshold; `check` names one check, else every check. */
  z.object({
    source: z.literal('check_latency'),
    params: z.object({ thresholdMs: z.number().int().min(1).max(600_000), check: z.string().max(120).optional() }),
  }),
  /** A disk (HLS_ROOT or data) full within `minutes` at the linear trend of its free bytes over `sampleMinutes`. */
  z.object({
    source: z.literal('disk_full_within'),
    params: z.object({ disk: z.enum(['hls', 'data']).default('hls'), minutes: z.number().int().min(1).max(10_080), sampleMinutes: z.number().int().min(2).max(60).default(10) }),
  }),
  /** A route's error rate (5xx share, 0..1) or p95 (ms) over the last `windowMinutes`, once it had `minRequests`. */
  z.object({
    source: z.literal('api_metric'),
    params: z.object({
      metric: z.enum(['error_rate', 'p95_ms']),
      threshold: z.number().min(0),
      windowMinutes: z.number().int().min(1).max(60).default(5),
      minRequests: z.number().int().min(1).max(1_000_000).default(20),
      service: z.string().max(64).optional(),
      route: z.string().max(512).optional(),
    }),
  }),
  /** At least `threshold` error records (level >= 50) of a service in app_logs over the last `windowMinutes`. */
  z.object({
    source: z.literal('app_log_errors'),
    params: z.object({ threshold: z.number().int().min(1).max(1_000_000), windowMinutes: z.number().int().min(1).max(60).default(5), service: z.string().max(64).optional() }),
  }),
  /** Alerts received from Alertmanager whose labels match `matchers` (none: every one). */
  z.object({ source: z.literal('alertmanager'), params: z.object({ matchers: z.array(MatcherSchema).max(20).default([]) }) }),
]);

export const CreateRuleSchema = z.intersection(z.object(ruleFields), RuleConditionSchema);
export type CreateRule = z.infer<typeof CreateRuleSchema>;
export const UpdateRuleRequestSchema = z.object({
  id: z.uuid(),
  changes: z.object({
    enabled: z.boolean().optional(),
    forSeconds: z.number().int().min(0, 'must not be negative').max(86_400).optional(),
    severity: z.enum(ALERT_SEVERITIES).optional(),
    groupWaitSeconds: z.number().int().min(0).max(3_600).optional(),
    groupIntervalSeconds: z.number().int().min(0).max(86_400).optional(),
    repeatIntervalSeconds: z.number().int().min(60).max(7 * 86_400).optional(),
    sendResolved: z.boolean().optional(),
  }),
});
export const RuleViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.enum(ALERT_SOURCES),
  params: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  builtin: z.boolean(),
  forSeconds: z.number().int(),
  severity: z.enum(ALERT_SEVERITIES),
  labels: z.record(z.string(), z.string()),
  groupBy: z.array(z.string()),
  groupWaitSeconds: z.number().int(),
  groupIntervalSeconds: z.number().int(),
  repeatIntervalSeconds: z.number().int(),
  sendResolved: z.boolean(),
});
export type RuleView = z.infer<typeof RuleViewSchema>;
export const RuleListSchema = z.object({ items: z.array(RuleViewSchema) });

export const CreateSilenceSchema = z
  .object({
    matchers: z.array(MatcherSchema).min(1).max(20),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    comment: z.string().max(1_000).default(''),
    createdBy: z.string().max(200).optional(),
  })
  .refine((silence) => !silence.startsAt || Date.parse(silence.endsAt) > Date.parse(silence.startsAt), { path: ['endsAt'], message: 'after startsAt' });
export const SilenceViewSchema = z.object({
  id: z.string(),
  matchers: z.array(MatcherSchema),
  startsAt: z.string(),
  endsAt: z.string(),
  comment: z.string(),
  createdBy: z.string().nullable(),
  active: z.boolean(),
});
export const SilenceListSchema = z.object({ items: z.array(SilenceViewSchema) });
export const IdSchema = z.object({ id: z.uuid() });

export const CreateMaintenanceWindowSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    matchers: z.array(MatcherSchema).min(1).max(20),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    cron: z.string().max(120).optional(),
    durationMinutes: z.number().int().min(1).max(7 * 1_440).optional(),
    timezone: z.string().default('UTC'),
  })
  .refine((window) => (window.cron ? window.durationMinutes !== undefined : window.startsAt !== undefined && window.endsAt !== undefined), {
    path: ['cron'],
    message: 'either cron + durationMinutes, or startsAt + endsAt',
  });
export const MaintenanceWindowViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  matchers: z.array(MatcherSchema),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  cron: z.string().nullable(),
  durationMinutes: z.number().int().nullable(),
  timezone: z.string(),
  active: z.boolean(),
});
export const MaintenanceWindowListSchema = z.object({ items: z.array(MaintenanceWindowViewSchema) });

export const AlertViewSchema = z.object({
  id: z.string(),
  rule: z.string(),
  fingerprint: z.string(),
  alertType: z.string(),
  severity: z.string(),
  message: z.string(),
  labels: z.record(z.string(), z.string()),
  metricValue: z.number().nullable(),
  isResolved: z.boolean(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  notifiedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  silenced: z.boolean(),
});
export const ListAlertsSchema = z.object({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const AlertListSchema = z.object({ items: z.array(AlertViewSchema) });
export const AckAlertSchema = z.object({ id: z.uuid(), by: z.string().max(200).optional() });

/** Dashboard notifications (the bell), with each user's read state. */
export const NotificationViewSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  kind: z.enum(['alert', 'flapping', 'receiver']),
  severity: z.string(),
  title: z.string(),
  body: z.string(),
  alertId: z.string().nullable(),
  read: z.boolean(),
});
export type NotificationView = z.infer<typeof NotificationViewSchema>;
export const NotificationsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  unreadOnly: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
});
export const ListNotificationsSchema = z.object({ userId: z.string().min(1), limit: z.number().int().min(1).max(200).default(50), unreadOnly: z.boolean().default(false) });
export const NotificationListSchema = z.object({ items: z.array(NotificationViewSchema), unread: z.number().int() });
/** Marks the given notifications (or all) read for the user. */
export const MarkNotificationsBodySchema = z.object({ ids: z.array(z.uuid()).max(500).optional(), all: z.boolean().optional() }).refine((body) => body.all === true || (body.ids?.length ?? 0) > 0, {
  path: ['ids'],
  message: 'ids, or all: true',
});
export const MarkNotificationsSchema = z.object({ userId: z.string().min(1), ids: z.array(z.uuid()).max(500).optional(), all: z.boolean().optional() });
export const UnreadCountSchema = z.object({ unread: z.number().int() });
/** Event `monitoring.notifications`: a new notification, pushed to dashboards over the live feed. */
export const NotificationEventSchema = NotificationViewSchema.omit({ read: true });

/** Prometheus Alertmanager's webhook payload (version 4); each alert is deduplicated by its fingerprint. */
const amLabels = z.record(z.string().max(200), z.string().max(2_000));
export const AlertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().max(2_000).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(200).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: amLabels,
        annotations: amLabels.default({}),
        startsAt: z.iso.datetime({ offset: true }),
        /** Alertmanager sends 0001-01-01T00:00:00Z for "no end". */
        endsAt: z.string().max(64).optional(),
        generatorURL: z.string().max(2_000).optional(),
        fingerprint: z.string().min(1).max(64),
      }),
    )
    .min(1)
    .max(1_000),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhookSchema>;
export const AlertmanagerReplySchema = z.object({ firing: z.number().int(), resolved: z.number().int() });
