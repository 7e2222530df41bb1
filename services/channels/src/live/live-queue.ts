import { Injectable } from '@nestjs/common';
import { Queues } from '@castline/contracts';
import { Jobs } from '@castline/platform';

export type UnclaimedRemoval = 'removed' | 'running' | 'absent';
/** A job that will run or runs: what BullMQ calls waiting, delayed, prioritized or paused ('queued'), or 'active'. */
export type LiveJobState = 'queued' | 'active';
const LIVE_STATES = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

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

  /** Every channel that has a job now, with the job's state (one listing, for the reconciler). */
  async liveJobs(): Promise<Map<string, LiveJobState>> {
    const jobs = new Map<string, LiveJobState>();
    for (const state of LIVE_STATES) {
      for (const job of await this.queue.inState(state)) {
        if (job?.id) jobs.set(job.id, state === 'active' ? 'active' : 'queued');
      }
    }
    return jobs;
  }

  /** The state of the channel's job, or undefined when it has none that will run. */
  async jobState(channelId: string): Promise<LiveJobState | undefined> {
    const job = await this.queue.getJob(channelId);
    if (!job) return undefined;
    const state = await job.getState();
    if (state === 'active') return 'active';
    return (LIVE_STATES as readonly string[]).includes(state) ? 'queued' : undefined;
  }
}
