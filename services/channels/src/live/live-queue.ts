import { Injectable } from '@nestjs/common';
import { Queues } from '@castline/contracts';
import { Jobs } from '@castline/platform';

export type UnclaimedRemoval = 'removed' | 'running' | 'absent';

/** The `live-channels` queue as the channels service uses it: one job per running channel, id = channel id. */
@Injectable()
export class LiveQueue {
  private readonly queue;

  constructor(jobs: Jobs) {
    this.queue = jobs.queue(Queues.liveChannels);
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
}
