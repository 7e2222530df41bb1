import { z } from 'zod';
import { RecentActivityReplySchema, RecentActivityRequestSchema } from './activity';
import {
  AckAlertSchema,
  AlertListSchema,
  AlertmanagerReplySchema,
  AlertmanagerWebhookSchema,
  AlertViewSchema,
  CreateMaintenanceWindowSchema,
  CreateReceiverSchema,
  CreateRuleSchema,
  CreateSilenceSchema,
  IdSchema,
  ListAlertsSchema,
  MaintenanceWindowListSchema,
  MaintenanceWindowViewSchema,
  ListNotificationsSchema,
  MarkNotificationsSchema,
  NotificationEventSchema,
  NotificationListSchema,
  UnreadCountSchema,
  ReceiverDeliveriesRequestSchema,
  ReceiverDeliveriesSchema,
  ReceiverListSchema,
  ReceiverViewSchema,
  RuleListSchema,
  RuleViewSchema,
  SilenceListSchema,
  SilenceViewSchema,
  TestReceiverReplySchema,
  TestReceiverSchema,
  UpdateReceiverRequestSchema,
  UpdateRuleRequestSchema,
} from './alerts';
import {
  BackupIdSchema,
  BackupJobReplySchema,
  BackupPageSchema,
  BackupProgressSchema,
  BackupSettingsViewSchema,
  BackupViewSchema,
  CreateBackupSchema,
  ListBackupsSchema,
  RestoreBackupRequestSchema,
  RestoreIdSchema,
  RestoreListSchema,
  RestoreViewSchema,
  RetentionPreviewRequestSchema,
  RetentionPreviewSchema,
  UpdateBackupSettingsSchema,
} from './backups';
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
import { CheckHistoryRequestSchema, CheckHistorySchema, CheckIdSchema, CheckListSchema, CheckViewSchema, CreateCheckSchema, UpdateCheckRequestSchema } from './checks';
import {
  AdAccountIdSchema,
  AdAccountListSchema,
  AdAccountViewSchema,
  AnalyticsQuerySchema,
  AnalyticsReplySchema,
  CampaignEventSchema,
  CampaignCreativesQuerySchema,
  CampaignIdSchema,
  CreativeListSchema,
  CampaignPageSchema,
  CampaignViewSchema,
  ConnectAdAccountSchema,
  DiscoverGoogleCustomersReplySchema,
  DiscoverGoogleCustomersSchema,
  CreateCampaignSchema,
  CreateTrackingLinkSchema,
  RecordConversionReplySchema,
  RecordConversionSchema,
  TrackingLinkIdSchema,
  TrackingLinkListSchema,
  TrackingLinkViewSchema,
  TrafficSessionReplySchema,
  TrafficSessionRequestSchema,
  ListCampaignsSchema,
  ListSyncRunsSchema,
  SyncNowReplySchema,
  SyncNowSchema,
  SyncRunPageSchema,
  UpdateAdAccountRequestSchema,
  UpdateCampaignRequestSchema,
} from './campaigns';
import { ServiceHealthReportSchema } from './health';
import { ListVideosSchema, UpdateVideoRequestSchema, VideoIdSchema, VideoPageSchema, VideoProgressSchema, VideoViewSchema } from './media';
import { SystemMetricsSchema } from './monitoring';
import { ApiMetricsQuerySchema, ApiMetricsSchema, ApiRollupBatchSchema, AppLogBatchSchema, AppLogViewSchema, ListLogsSchema, LogIdSchema, LogPageSchema, LogsStoredSchema } from './logs';
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
  AnalyticsLiveSchema,
  AnalyticsRangeQuerySchema,
  AnalyticsSeriesQuerySchema,
  AnalyticsSeriesSchema,
  AnalyticsSiteQuerySchema,
  AnalyticsSummarySchema,
  AnalyticsTopQuerySchema,
  AnalyticsTopSchema,
  ChannelViewersQuerySchema,
  ChannelViewersSeriesSchema,
  TrafficLiveEventsSchema,
} from './traffic-analytics';
import {
  ClearedReplySchema,
  SavedSearchCreateRequestSchema,
  SavedSearchDeleteRequestSchema,
  SavedSearchListSchema,
  SavedSearchViewSchema,
  SearchHistoryListSchema,
  TrafficExportTicketRequestSchema,
  TrafficExportTicketSchema,
  TrafficJourneyRequestSchema,
  TrafficJourneySchema,
  TrafficOwnerRequestSchema,
  TrafficSearchPageSchema,
  TrafficSearchRequestSchema,
} from './traffic-search';
import { SiteBodySchema, SiteIdSchema, SiteListSchema, SiteViewSchema, TrafficViewersSchema, UpdateSiteRequestSchema } from './traffic';
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
  /** Health checks and uptime (monitoring). */
  checks: {
    list: defineRpc(Subjects.monitoringChecksList, EmptyRequestSchema, CheckListSchema),
    create: defineRpc(Subjects.monitoringChecksCreate, CreateCheckSchema, CheckViewSchema),
    update: defineRpc(Subjects.monitoringChecksUpdate, UpdateCheckRequestSchema, CheckViewSchema),
    delete: defineRpc(Subjects.monitoringChecksDelete, CheckIdSchema, DeletedReplySchema),
    history: defineRpc(Subjects.monitoringChecksHistory, CheckHistoryRequestSchema, CheckHistorySchema),
  },
  /** Alert receivers and their delivery log (monitoring). */
  receivers: {
    list: defineRpc(Subjects.monitoringReceiversList, EmptyRequestSchema, ReceiverListSchema),
    create: defineRpc(Subjects.monitoringReceiversCreate, CreateReceiverSchema, ReceiverViewSchema),
    deliveries: defineRpc(Subjects.monitoringReceiversDeliveries, ReceiverDeliveriesRequestSchema, ReceiverDeliveriesSchema),
    update: defineRpc(Subjects.monitoringReceiversUpdate, UpdateReceiverRequestSchema, ReceiverViewSchema),
    delete: defineRpc(Subjects.monitoringReceiversDelete, IdSchema, DeletedReplySchema),
    /** Sends a test notification now and answers what the receiver replied (SMTP/HTTP may take up to 15 s). */
    test: defineRpc(Subjects.monitoringReceiversTest, TestReceiverSchema, TestReceiverReplySchema, { timeoutMs: 20_000 }),
  },
  /** Alert rules, alerts (ack), silences and maintenance windows (monitoring). */
  rules: {
    list: defineRpc(Subjects.monitoringRulesList, EmptyRequestSchema, RuleListSchema),
    create: defineRpc(Subjects.monitoringRulesCreate, CreateRuleSchema, RuleViewSchema),
    update: defineRpc(Subjects.monitoringRulesUpdate, UpdateRuleRequestSchema, RuleViewSchema),
    delete: defineRpc(Subjects.monitoringRulesDelete, IdSchema, DeletedReplySchema),
  },
  alerts: {
    list: defineRpc(Subjects.monitoringAlertsList, ListAlertsSchema, AlertListSchema),
    ack: defineRpc(Subjects.monitoringAlertsAck, AckAlertSchema, AlertViewSchema),
    alertmanager: defineRpc(Subjects.monitoringAlertmanager, AlertmanagerWebhookSchema, AlertmanagerReplySchema),
  },
  /** App logs (monitoring): list with filters and keyset pages, one record, API metrics per route. */
  logs: {
    list: defineRpc(Subjects.monitoringLogsList, ListLogsSchema, LogPageSchema),
    get: defineRpc(Subjects.monitoringLogsGet, LogIdSchema, AppLogViewSchema),
  },
  apiMetrics: { query: defineRpc(Subjects.monitoringApiMetrics, ApiMetricsQuerySchema, ApiMetricsSchema) },
  silences: {
    list: defineRpc(Subjects.monitoringSilencesList, EmptyRequestSchema, SilenceListSchema),
    create: defineRpc(Subjects.monitoringSilencesCreate, CreateSilenceSchema, SilenceViewSchema),
    delete: defineRpc(Subjects.monitoringSilencesDelete, IdSchema, DeletedReplySchema),
  },
  notifications: {
    list: defineRpc(Subjects.monitoringNotificationsList, ListNotificationsSchema, NotificationListSchema),
    read: defineRpc(Subjects.monitoringNotificationsRead, MarkNotificationsSchema, UnreadCountSchema),
  },
  maintenance: {
    list: defineRpc(Subjects.monitoringMaintenanceList, EmptyRequestSchema, MaintenanceWindowListSchema),
    create: defineRpc(Subjects.monitoringMaintenanceCreate, CreateMaintenanceWindowSchema, MaintenanceWindowViewSchema),
    delete: defineRpc(Subjects.monitoringMaintenanceDelete, IdSchema, DeletedReplySchema),
  },
  gateway: {
    auditRecent: defineRpc(Subjects.gatewayAuditRecent, AuditRecentRequestSchema, RecentActivityReplySchema),
  },
  backups: {
    list: defineRpc(Subjects.backupsList, ListBackupsSchema, BackupPageSchema),
    get: defineRpc(Subjects.backupsGet, BackupIdSchema, BackupViewSchema),
    create: defineRpc(Subjects.backupsCreate, CreateBackupSchema, BackupViewSchema),
    delete: defineRpc(Subjects.backupsDelete, BackupIdSchema, DeletedReplySchema),
    verify: defineRpc(Subjects.backupsVerify, BackupIdSchema, BackupJobReplySchema),
    restore: defineRpc(Subjects.backupsRestore, RestoreBackupRequestSchema, RestoreViewSchema),
    restores: defineRpc(Subjects.backupsRestoreList, EmptyRequestSchema, RestoreListSchema),
    restoreGet: defineRpc(Subjects.backupsRestoreGet, RestoreIdSchema, RestoreViewSchema),
    undo: defineRpc(Subjects.backupsRestoreUndo, RestoreIdSchema.extend({ requestedBy: z.string().optional() }), RestoreViewSchema),
    settings: defineRpc(Subjects.backupsSettingsGet, EmptyRequestSchema, BackupSettingsViewSchema),
    updateSettings: defineRpc(Subjects.backupsSettingsUpdate, UpdateBackupSettingsSchema, BackupSettingsViewSchema),
    retentionPreview: defineRpc(Subjects.backupsRetentionPreview, RetentionPreviewRequestSchema, RetentionPreviewSchema),
  },
  campaigns: {
    list: defineRpc(Subjects.campaignsList, ListCampaignsSchema, CampaignPageSchema),
    get: defineRpc(Subjects.campaignsGet, CampaignIdSchema, CampaignViewSchema),
    create: defineRpc(Subjects.campaignsCreate, CreateCampaignSchema, CampaignViewSchema),
    update: defineRpc(Subjects.campaignsUpdate, UpdateCampaignRequestSchema, CampaignViewSchema),
    delete: defineRpc(Subjects.campaignsDelete, CampaignIdSchema, DeletedReplySchema),
    analytics: defineRpc(Subjects.campaignsAnalytics, AnalyticsQuerySchema, AnalyticsReplySchema),
    creatives: defineRpc(Subjects.campaignsCreatives, CampaignCreativesQuerySchema, CreativeListSchema),
  },
  adAccounts: {
    list: defineRpc(Subjects.campaignsAccountsList, EmptyRequestSchema, AdAccountListSchema),
    get: defineRpc(Subjects.campaignsAccountsGet, AdAccountIdSchema, AdAccountViewSchema),
    /** Checks the credentials against the platform first (up to ~20 s with retries). */
    connect: defineRpc(Subjects.campaignsAccountsConnect, ConnectAdAccountSchema, AdAccountViewSchema, { timeoutMs: 30_000 }),
    discover: defineRpc(Subjects.campaignsAccountsDiscover, DiscoverGoogleCustomersSchema, DiscoverGoogleCustomersReplySchema, { timeoutMs: 30_000 }),
    update: defineRpc(Subjects.campaignsAccountsUpdate, UpdateAdAccountRequestSchema, AdAccountViewSchema, { timeoutMs: 30_000 }),
    pause: defineRpc(Subjects.campaignsAccountsPause, AdAccountIdSchema, AdAccountViewSchema),
    resume: defineRpc(Subjects.campaignsAccountsResume, AdAccountIdSchema, AdAccountViewSchema),
    syncNow: defineRpc(Subjects.campaignsAccountsSyncNow, SyncNowSchema, SyncNowReplySchema),
    runs: defineRpc(Subjects.campaignsAccountsRuns, ListSyncRunsSchema, SyncRunPageSchema),
  },
  trackingLinks: {
    list: defineRpc(Subjects.campaignsLinksList, EmptyRequestSchema, TrackingLinkListSchema),
    create: defineRpc(Subjects.campaignsLinksCreate, CreateTrackingLinkSchema, TrackingLinkViewSchema),
    delete: defineRpc(Subjects.campaignsLinksDelete, TrackingLinkIdSchema, DeletedReplySchema),
  },
  conversions: {
    /** Attribution may ask traffic-logger for a session (300 ms) first. */
    record: defineRpc(Subjects.campaignsConversionsRecord, RecordConversionSchema, RecordConversionReplySchema),
  },
  traffic: {
    /** 300 ms: a conversion is never held up by a slow traffic-logger; no answer means unattributed. */
    sessionsGet: defineRpc(Subjects.trafficSessionsGet, TrafficSessionRequestSchema, TrafficSessionReplySchema, { timeoutMs: 300 }),
  },
  /** Site analytics from the traffic-logger's rollups; 3 s: a store that does not answer is 503 STORE_UNAVAILABLE after 2 s. */
  analytics: {
    summary: defineRpc(Subjects.trafficAnalyticsSummary, AnalyticsRangeQuerySchema, AnalyticsSummarySchema, { timeoutMs: 3_000 }),
    series: defineRpc(Subjects.trafficAnalyticsSeries, AnalyticsSeriesQuerySchema, AnalyticsSeriesSchema, { timeoutMs: 3_000 }),
    top: defineRpc(Subjects.trafficAnalyticsTop, AnalyticsTopQuerySchema, AnalyticsTopSchema, { timeoutMs: 3_000 }),
    live: defineRpc(Subjects.trafficAnalyticsLive, AnalyticsSiteQuerySchema, AnalyticsLiveSchema, { timeoutMs: 3_000 }),
    channelViewers: defineRpc(Subjects.trafficChannelViewers, ChannelViewersQuerySchema, ChannelViewersSeriesSchema, { timeoutMs: 3_000 }),
  },
  /** Sites of the tracker (traffic-logger owns `sites`). */
  sites: {
    list: defineRpc(Subjects.trafficSitesList, EmptyRequestSchema, SiteListSchema),
    get: defineRpc(Subjects.trafficSitesGet, SiteIdSchema, SiteViewSchema),
    create: defineRpc(Subjects.trafficSitesCreate, SiteBodySchema, SiteViewSchema),
    update: defineRpc(Subjects.trafficSitesUpdate, UpdateSiteRequestSchema, SiteViewSchema),
    delete: defineRpc(Subjects.trafficSitesDelete, SiteIdSchema, DeletedReplySchema),
  },
  /** Traffic search (seed 000 §4), answered by traffic-logger. Statements stop at 5 s (504 SEARCH_TIMEOUT): wait longer. */
  trafficSearch: {
    run: defineRpc(Subjects.trafficSearchRun, TrafficSearchRequestSchema, TrafficSearchPageSchema, { timeoutMs: 15_000 }),
    journey: defineRpc(Subjects.trafficSearchJourney, TrafficJourneyRequestSchema, TrafficJourneySchema, { timeoutMs: 10_000 }),
    savedList: defineRpc(Subjects.trafficSavedList, TrafficOwnerRequestSchema, SavedSearchListSchema),
    savedCreate: defineRpc(Subjects.trafficSavedCreate, SavedSearchCreateRequestSchema, SavedSearchViewSchema),
    savedDelete: defineRpc(Subjects.trafficSavedDelete, SavedSearchDeleteRequestSchema, DeletedReplySchema),
    history: defineRpc(Subjects.trafficHistoryList, TrafficOwnerRequestSchema, SearchHistoryListSchema),
    historyClear: defineRpc(Subjects.trafficHistoryClear, TrafficOwnerRequestSchema, ClearedReplySchema),
    /** Validates, counts (up to 1M + 1) and takes the caller's one export slot. */
    exportTicket: defineRpc(Subjects.trafficExportTicket, TrafficExportTicketRequestSchema, TrafficExportTicketSchema, { timeoutMs: 15_000 }),
  },
  /** `<service>.health`: every service answers its own. */
  health: (service: ServiceName) => defineRpc(Subjects.health(service), EmptyRequestSchema, ServiceHealthReportSchema),
  /** The media library (issue 13), answered by media. */
  media: {
    list: defineRpc(Subjects.mediaVideosList, ListVideosSchema, VideoPageSchema),
    get: defineRpc(Subjects.mediaVideosGet, VideoIdSchema, VideoViewSchema),
    update: defineRpc(Subjects.mediaVideosUpdate, UpdateVideoRequestSchema, VideoViewSchema),
    delete: defineRpc(Subjects.mediaVideosDelete, VideoIdSchema, DeletedReplySchema),
    reprocess: defineRpc(Subjects.mediaVideosReprocess, VideoIdSchema, VideoViewSchema),
  },
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
  /** A new dashboard notification (monitoring); every gateway replica pushes it to its dashboards. */
  notifications: defineEvent(Subjects.monitoringNotifications, NotificationEventSchema),
  /** Warn+ log records of one process, in batches (JetStream stream APP_LOGS, consumed by monitoring). */
  appLogs: defineEvent(Subjects.appLogs, AppLogBatchSchema),
  /** app_logs rows just stored (monitoring); the gateway relays them to the live log stream. */
  logsStored: defineEvent(Subjects.monitoringLogsStored, LogsStoredSchema),
  /** One minute of one process's request rollups (JetStream stream API_METRICS, consumed by monitoring). */
  apiMetrics: defineEvent(Subjects.apiMetrics, ApiRollupBatchSchema),
  backupProgress: defineEvent(Subjects.backupsProgress, BackupProgressSchema),
  backupRestored: defineEvent(Subjects.backupsRestored, z.object({ restoreId: z.uuid(), backupId: z.uuid().nullable(), database: z.string() })),
  /** Live-channel viewers and egress per access log, from the traffic-logger every 5 s. */
  trafficViewers: defineEvent(Subjects.trafficViewers, TrafficViewersSchema),
  /** Tracker events just stored (site analytics live feed), from the traffic-logger. */
  trafficEvents: defineEvent(Subjects.trafficEvents, TrafficLiveEventsSchema),
  /** Ad account paused, failing or synced again (campaigns). */
  campaignEvents: defineEvent(Subjects.campaignsEvents, CampaignEventSchema),
} as const;
