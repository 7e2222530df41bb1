import { z } from 'zod';

/** BullMQ queue names and the payload of each queue's jobs. */
export const Queues = {
  liveChannels: 'live-channels',
  channelSchedules: 'channel-schedules',
  mediaTranscode: 'media-transcode',
  backups: 'backups',
  adSync: 'ad-sync',
  alertDeliveries: 'alert-deliveries',
  trafficMaintenance: 'traffic-maintenance',
  trafficRollups: 'traffic-rollups',
} as const;

export type QueueName = (typeof Queues)[keyof typeof Queues];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

/**
 * The schema of each queue's job payload. The job module (packages/platform) checks a payload against it when
 * a producer adds a job and again when a processor takes one, so a malformed job is refused, never half-run.
 */
export const QueueSchemas = {
  /** One long-running job per running channel; the job id is the channel id so a channel never runs twice. */
  'live-channels': z.object({ channelId: z.string().min(1) }),
  /** Fired by a channel's cron job scheduler: start or stop that channel. */
  'channel-schedules': z.object({ channelId: z.string().min(1), action: z.enum(['start', 'stop']) }),
  'media-transcode': z.object({ videoId: z.string().min(1) }),
  /**
   * Every backup-service job, one at a time on one queue: a backup (a manual one names the row the API created,
   * a scheduled one gets its row when it runs), a verify, a restore (its restore_history row) and retention.
   */
  backups: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('backup'), trigger: z.enum(['manual', 'schedule']), backupId: z.string().uuid().optional(), requestedBy: z.string().optional() }),
    z.object({ kind: z.literal('verify'), backupId: z.string().uuid().optional(), trigger: z.enum(['manual', 'schedule']) }),
    z.object({ kind: z.literal('restore'), restoreId: z.string().uuid() }),
    z.object({ kind: z.literal('retention') }),
    /** The newest usable backup restored into a scratch database, checked, then dropped (restore_history kind `test`). */
    z.object({ kind: z.literal('restore-test'), trigger: z.enum(['manual', 'schedule']) }),
    /** The off-host copy of one backup (after it completed), or, without an id, every due retry plus remote orphans. */
    z.object({ kind: z.literal('offsite'), backupId: z.string().uuid().optional(), trigger: z.enum(['backup', 'schedule', 'manual']) }),
  ]),
  /** One notification to one receiver (monitoring); the job id is the outbox row's idempotency key. */
  'alert-deliveries': z.object({ outboxId: z.string().regex(/^\d+$/) }),
  /**
   * Inclusive day range. `kind` (campaigns): `hourly` and `lookback` jobs come from job schedulers whose payload
   * cannot move, so their range is recomputed from the account's today when they run; `backfill` resumes after
   * the account's committed cursor; `manual` (sync now, the default) takes the range as given.
   */
  'ad-sync': z.object({
    platform: z.enum(['meta', 'google']),
    accountId: z.string().min(1),
    since: day,
    until: day,
    kind: z.enum(['backfill', 'hourly', 'lookback', 'manual']).optional(),
  }),
  /** Hourly in the traffic-logger: daily partitions ahead, retention by dropping old ones. */
  'traffic-maintenance': z.object({ trigger: z.enum(['schedule', 'startup']) }),
  /** Rebuilds the analytics rollups of the last TRAFFIC_ROLLUP_HOURS hours (services/traffic-logger/src/rollups). */
  'traffic-rollups': z.object({ trigger: z.enum(['schedule', 'startup']) }),
} as const satisfies Record<QueueName, z.ZodType>;

export type QueuePayloads = { [Name in QueueName]: z.infer<(typeof QueueSchemas)[Name]> };

export type LiveChannelJob = QueuePayloads['live-channels'];
export type ChannelScheduleJob = QueuePayloads['channel-schedules'];
export type MediaTranscodeJob = QueuePayloads['media-transcode'];
export type BackupJob = QueuePayloads['backups'];
export type AdSyncJob = QueuePayloads['ad-sync'];
export type TrafficMaintenanceJob = QueuePayloads['traffic-maintenance'];
