/** BullMQ queue names and the payload of each queue's jobs. */
export const Queues = {
  liveChannels: 'live-channels',
  channelSchedules: 'channel-schedules',
  mediaTranscode: 'media-transcode',
  backups: 'backups',
  adSync: 'ad-sync',
} as const;

export type QueueName = (typeof Queues)[keyof typeof Queues];

/** One long-running job per running channel; the job id is the channel id so a channel never runs twice. */
export interface LiveChannelJob {
  channelId: string;
}

/** Fired by a channel's cron job scheduler: start or stop that channel. */
export interface ChannelScheduleJob {
  channelId: string;
  action: 'start' | 'stop';
}

export interface MediaTranscodeJob {
  videoId: string;
}

export interface BackupJob {
  trigger: 'manual' | 'schedule';
  requestedBy?: string;
}

export interface AdSyncJob {
  platform: 'meta' | 'google';
  accountId: string;
  /** Inclusive day range, YYYY-MM-DD. */
  since: string;
  until: string;
}

export interface QueuePayloads {
  'live-channels': LiveChannelJob;
  'channel-schedules': ChannelScheduleJob;
  'media-transcode': MediaTranscodeJob;
  backups: BackupJob;
  'ad-sync': AdSyncJob;
}
