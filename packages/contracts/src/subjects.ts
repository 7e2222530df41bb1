import type { ServiceName } from './services';

/** NATS request/reply subjects. Handlers and callers both import these; never spell a subject inline. */
export const Subjects = {
  health: (service: ServiceName) => `${service}.health` as const,
  monitoringRecentActivity: 'monitoring.activity.recent',
  monitoringSystem: 'monitoring.system',
  monitoringProcesses: 'monitoring.processes',
  monitoringStreams: 'monitoring.streams',
  monitoringChecksList: 'monitoring.checks.list',
  monitoringChecksCreate: 'monitoring.checks.create',
  monitoringChecksUpdate: 'monitoring.checks.update',
  monitoringChecksDelete: 'monitoring.checks.delete',
  monitoringChecksHistory: 'monitoring.checks.history',
  monitoringReceiversList: 'monitoring.receivers.list',
  monitoringReceiversCreate: 'monitoring.receivers.create',
  monitoringReceiversDeliveries: 'monitoring.receivers.deliveries',
  monitoringReceiversUpdate: 'monitoring.receivers.update',
  monitoringReceiversDelete: 'monitoring.receivers.delete',
  monitoringReceiversTest: 'monitoring.receivers.test',
  monitoringRulesList: 'monitoring.rules.list',
  monitoringRulesCreate: 'monitoring.rules.create',
  monitoringRulesUpdate: 'monitoring.rules.update',
  monitoringRulesDelete: 'monitoring.rules.delete',
  monitoringAlertsList: 'monitoring.alerts.list',
  monitoringAlertsAck: 'monitoring.alerts.ack',
  monitoringSilencesList: 'monitoring.silences.list',
  monitoringSilencesCreate: 'monitoring.silences.create',
  monitoringSilencesDelete: 'monitoring.silences.delete',
  monitoringMaintenanceList: 'monitoring.maintenance.list',
  monitoringMaintenanceCreate: 'monitoring.maintenance.create',
  monitoringMaintenanceDelete: 'monitoring.maintenance.delete',
  monitoringNotificationsList: 'monitoring.notifications.list',
  monitoringNotificationsRead: 'monitoring.notifications.read',
  /** An event, not a request: a new dashboard notification; the gateway pushes it to dashboards (the bell). */
  monitoringNotifications: 'monitoring.notifications',
  channelsList: 'channels.list',
  channelsGet: 'channels.get',
  channelsCreate: 'channels.create',
  channelsUpdate: 'channels.update',
  channelsDelete: 'channels.delete',
  channelsStart: 'channels.start',
  channelsStop: 'channels.stop',
  channelsRestart: 'channels.restart',
  channelsBulk: 'channels.bulk',
  channelsPlayback: 'channels.playback',
  /** Ends every signed playback URL of the channel (a new signing version; a running channel restarts). */
  channelsPlaybackRevoke: 'channels.playback.revoke',
  channelsSchedule: 'channels.schedule',
  /** A channel's stored event history (channel_events), newest first. */
  channelsHistory: 'channels.history',
  /** An event, not a request: `ChannelControl` for the worker that runs the channel (it subscribes while it does). */
  channelControl: (channelId: string) => `channels.control.${channelId}` as const,
  /** An event, not a request: `ChannelMetrics` of one running channel, from its worker every second. */
  channelsMetrics: 'channels.metrics',
  /** An event, not a request: `ChannelEventMessage` after every channel status change or channel_events row. */
  channelsEvents: 'channels.events',
  channelsMetricsGet: 'channels.metrics.get',
  /**
   * An event, not a request: `{ kind: 'user' | 'api-key', id }` whose credentials were just revoked (sign out
   * everywhere, user disabled or changed, API key revoked); every gateway replica ends that owner's live connections.
   */
  gatewayCredentialsRevoked: 'gateway.credentials.revoked',
  /** The gateway's latest audit entries (it owns audit_log); monitoring's recent activity asks for them. */
  gatewayAuditRecent: 'gateway.audit.recent',
  channelsLogsGet: 'channels.logs.get',
  channelsThumbnailGet: 'channels.thumbnail.get',
  presetsList: 'channels.presets.list',
  presetsCreate: 'channels.presets.create',
  presetsUpdate: 'channels.presets.update',
  presetsDelete: 'channels.presets.delete',
  uploadsLogo: 'channels.uploads.logo',
  uploadsDelete: 'channels.uploads.delete',
  uploadsContent: 'channels.uploads.content',
  // media (issue 13): the transcode worker's progress, relayed by the gateway.
  mediaVideosProgress: 'media.videos.progress',
  // backup (one block, appended)
  backupsList: 'backup.backups.list',
  backupsGet: 'backup.backups.get',
  backupsCreate: 'backup.backups.create',
  backupsDelete: 'backup.backups.delete',
  backupsVerify: 'backup.backups.verify',
  backupsRestore: 'backup.backups.restore',
  backupsRestoreList: 'backup.restores.list',
  backupsRestoreGet: 'backup.restores.get',
  backupsRestoreUndo: 'backup.restores.undo',
  backupsSettingsGet: 'backup.settings.get',
  backupsSettingsUpdate: 'backup.settings.update',
  backupsRetentionPreview: 'backup.retention.preview',
  /** An event: progress of the running backup job. */
  backupsProgress: 'backup.progress',
  /** An event after a restore switched the database: services drop caches. */
  backupsRestored: 'backup.restored',
  /** An event, not a request: `TrafficViewers` of one access log, from the traffic-logger every 5 s. */
  trafficViewers: 'traffic.viewers',
  campaignsList: 'campaigns.list',
  campaignsGet: 'campaigns.get',
  campaignsCreate: 'campaigns.create',
  campaignsUpdate: 'campaigns.update',
  campaignsDelete: 'campaigns.delete',
  campaignsAnalytics: 'campaigns.analytics',
  campaignsCreatives: 'campaigns.creatives',
  campaignsAccountsList: 'campaigns.accounts.list',
  campaignsAccountsGet: 'campaigns.accounts.get',
  campaignsAccountsConnect: 'campaigns.accounts.connect',
  campaignsAccountsUpdate: 'campaigns.accounts.update',
  campaignsAccountsPause: 'campaigns.accounts.pause',
  campaignsAccountsResume: 'campaigns.accounts.resume',
  campaignsAccountsSyncNow: 'campaigns.accounts.sync-now',
  campaignsAccountsRuns: 'campaigns.accounts.runs',
  campaignsLinksList: 'campaigns.links.list',
  campaignsLinksCreate: 'campaigns.links.create',
  campaignsLinksDelete: 'campaigns.links.delete',
  campaignsConversionsRecord: 'campaigns.conversions.record',
  /** A visit session's tracking and click ids (answered by traffic-logger; campaigns asks while attributing). */
  trafficSessionsGet: 'traffic-logger.sessions.get',
  /** An event, not a request: `CampaignEvent` when an ad account is paused, fails a sync or syncs again. */
  campaignsEvents: 'campaigns.events',
} as const;
