import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type LiveChannelJob, Queues } from '@castline/contracts';
import { CONFIG } from '@castline/platform';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { ChannelsConfig } from '../config';

/** BullMQ needs its own connection: no key prefix (it has its own) and blocking commands that never give up. */
export function bullConnection(config: Pick<ChannelsConfig, 'REDIS_URL'>): Redis {
  return new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
}

/** Every BullMQ key of this install (or test file) sits under REDIS_KEY_PREFIX like the rest of our keys. */
export const bullPrefix = (config: Pick<ChannelsConfig, 'REDIS_KEY_PREFIX'>) => `${config.REDIS_KEY_PREFIX}bull`;

export type UnclaimedRemoval = 'removed' | 'running' | 'absent';

/** The `live-channels` queue as the channels service uses it: one job per running channel, id = channel id. */
@Injectable()
export class LiveQueue implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queue: Queue<LiveChannelJob>;

  constructor(@Inject(CONFIG) config: ChannelsConfig) {
    this.connection = bullConnection(config);
    this.queue = new Queue<LiveChannelJob>(Queues.liveChannels, { connection: this.connection, prefix: bullPrefix(config) });
  }

  /** Adds the channel's job; BullMQ ignores the add while a job with that id exists, so a channel never runs twice. */
  async enqueue(channelId: string): Promise<void> {
    await this.queue.add('channel', { channelId }, { jobId: channelId, removeOnComplete: true, removeOnFail: true });
  }

  /** Removes the channel's job if no worker holds it yet; a running job must be stopped by its worker. */
  async removeUnclaimed(channelId: string): Promise<UnclaimedRemoval> {
    const job = await this.queue.getJob(channelId);
    if (!job) return 'absent';
    if ((await job.getState()) === 'active') return 'running';
    try {
      await job.remove();
      return 'removed';
    } catch {
      // A worker took it between the two calls (remove refuses locked jobs).
      return 'running';
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
