import { z } from 'zod';
import { RecentActivityReplySchema, RecentActivityRequestSchema } from './activity';
import {
  BulkChannelActionSchema,
  ChannelControlSchema,
  ChannelHistoryRequestSchema,
  ChannelHistorySchema,
  ChannelIdSchema,
  CreateChannelSchema,
  ListChannelsSchema,
  PresetBodySchema,
  PresetIdSchema,
  UpdateChannelRequestSchema,
  UpdatePresetRequestSchema,
  UploadContentSchema,
  UploadIdSchema,
  UploadLogoRequestSchema,
} from './channels';
import { ServiceHealthReportSchema } from './health';
import { VideoProgressSchema } from './media';
import { SystemMetricsSchema } from './monitoring';
import { DeletedReplySchema, defineEvent, defineRpc, EmptyRequestSchema } from './rpc';
import type { ServiceName } from './services';
import { Subjects } from './subjects';
import {
  ChannelEventMessageSchema,
  ChannelLogsSchema,
  ChannelMetricsSchema,
  ChannelThumbnailSchema,
  MonitoringProcessesSchema,
  MonitoringStreamsSchema,
} from './telemetry';
import {
  BulkChannelReplySchema,
  ChannelPageSchema,
  ChannelPlaybackViewSchema,
  ChannelScheduleReplySchema,
  ChannelViewSchema,
  PresetListSchema,
  PresetViewSchema,
  UploadViewSchema,
} from './views';

/**
 * Every request/reply subject of the platform with what it takes and answers. A caller uses
 * `nats.call(Rpc.channels.get, { id })`, a handler `@HandleRpc(Rpc.channels.get)`; neither spells a subject.
 */
const TELEMETRY_TIMEOUT_MS = 2_000;

/** The gateway's recent audit entries (monitoring's "recent activity" asks for them; the gateway owns audit_log). */
export const AuditRecentRequestSchema = RecentActivityRequestSchema;

export const Rpc = {
  channels: {
    list: defineRpc(Subjects.channelsList, ListChannelsSchema, ChannelPageSchema),
    get: defineRpc(Subjects.channelsGet, ChannelIdSchema, ChannelViewSchema),
    create: defineRpc(Subjects.channelsCreate, CreateChannelSchema, ChannelViewSchema),
    update: defineRpc(Subjects.channelsUpdate, UpdateChannelRequestSchema, ChannelViewSchema),
    delete: defineRpc(Subjects.channelsDelete, ChannelIdSchema, DeletedReplySchema),
    start: defineRpc(Subjects.channelsStart, ChannelIdSchema, ChannelViewSchema),
    stop: defineRpc(Subjects.channelsStop, ChannelIdSchema, ChannelViewSchema),
    restart: defineRpc(Subjects.channelsRestart, ChannelIdSchema, ChannelViewSchema),
    bulk: defineRpc(Subjects.channelsBulk, BulkChannelActionSchema, BulkChannelReplySchema),
    playback: defineRpc(Subjects.channelsPlayback, ChannelIdSchema, ChannelPlaybackViewSchema),
    revokePlayback: defineRpc(Subjects.channelsPlaybackRevoke, ChannelIdSchema, ChannelViewSchema),
    schedule: defineRpc(Subjects.channelsSchedule, ChannelIdSchema, ChannelScheduleReplySchema),
    history: defineRpc(Subjects.channelsHistory, ChannelHistoryRequestSchema, ChannelHistorySchema),
    metrics: defineRpc(Subjects.channelsMetricsGet, ChannelIdSchema, ChannelMetricsSchema, { timeoutMs: TELEMETRY_TIMEOUT_MS }),
    logs: defineRpc(Subjects.channelsLogsGet, ChannelIdSchema, ChannelLogsSchema, { timeoutMs: TELEMETRY_TIMEOUT_MS }),
    thumbnail: defineRpc(Subjects.channelsThumbnailGet, ChannelIdSchema, ChannelThumbnailSchema, { timeoutMs: TELEMETRY_TIMEOUT_MS }),
  },
  presets: {
    list: defineRpc(Subjects.presetsList, EmptyRequestSchema, PresetListSchema),
    create: defineRpc(Subjects.presetsCreate, PresetBodySchema, PresetViewSchema),
    update: defineRpc(Subjects.presetsUpdate, UpdatePresetRequestSchema, PresetViewSchema),
    delete: defineRpc(Subjects.presetsDelete, PresetIdSchema, DeletedReplySchema),
  },
  uploads: {
    logo: defineRpc(Subjects.uploadsLogo, UploadLogoRequestSchema, UploadViewSchema),
    content: defineRpc(Subjects.uploadsContent, UploadIdSchema, UploadContentSchema),
    delete: defineRpc(Subjects.uploadsDelete, UploadIdSchema, DeletedReplySchema),
  },
  monitoring: {
    recentActivity: defineRpc(Subjects.monitoringRecentActivity, RecentActivityRequestSchema, RecentActivityReplySchema),
    system: defineRpc(Subjects.monitoringSystem, EmptyRequestSchema, SystemMetricsSchema, { timeoutMs: TELEMETRY_TIMEOUT_MS }),
    processes: defineRpc(Subjects.monitoringProcesses, EmptyRequestSchema, MonitoringProcessesSchema, { timeoutMs: TELEMETRY_TIMEOUT_MS }),
    streams: defineRpc(Subjects.monitoringStreams, EmptyRequestSchema, MonitoringStreamsSchema, { timeoutMs: TELEMETRY_TIMEOUT_MS }),
  },
  gateway: {
    auditRecent: defineRpc(Subjects.gatewayAuditRecent, AuditRecentRequestSchema, RecentActivityReplySchema),
  },
  /** `<service>.health`: every service answers its own. */
  health: (service: ServiceName) => defineRpc(Subjects.health(service), EmptyRequestSchema, ServiceHealthReportSchema),
} as const;

/** Whose credentials were just revoked: every gateway replica ends that owner's live connections. */
export const CredentialOwnerSchema = z.object({ kind: z.enum(['user', 'api-key']), id: z.string().min(1) });
export type CredentialOwner = z.infer<typeof CredentialOwnerSchema>;

/** Every fire-and-forget subject. */
export const Events = {
  /** A running channel's metrics, from its worker every second. */
  channelMetrics: defineEvent(Subjects.channelsMetrics, ChannelMetricsSchema),
  /** After every channel status change or channel_events row. */
  channelEvents: defineEvent(Subjects.channelsEvents, ChannelEventMessageSchema),
  /** For the worker that runs the channel (it subscribes while it does). */
  channelControl: (channelId: string) => defineEvent(Subjects.channelControl(channelId), ChannelControlSchema),
  credentialsRevoked: defineEvent(Subjects.gatewayCredentialsRevoked, CredentialOwnerSchema),
  /** A video's status and transcode progress (<= 1/s while transcoding). */
  mediaVideoProgress: defineEvent(Subjects.mediaVideosProgress, VideoProgressSchema),
} as const;
