import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type ChannelScheduleJob, type CreateChannel, Queues } from '@castline/contracts';
import { CONFIG } from '@castline/platform';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChannelsConfig } from '../config';
import { bullConnection, bullPrefix } from '../live/live-queue';

type Schedule = NonNullable<CreateChannel['schedule']>;
type ScheduleAction = ChannelScheduleJob['action'];

export const scheduleJobSchedulerId = (channelId: string, action: ScheduleAction) => `${channelId}:${action}`;

export interface ScheduleNextRuns {
  nextStartAt: string | null;
  nextStopAt: string | null;
}

/** A channel's start/stop schedule as two BullMQ job schedulers (cron + time zone) on the `channel-schedules` queue. */
@Injectable()
export class ChannelSchedules implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queue: Queue<ChannelScheduleJob>;

  constructor(@Inject(CONFIG) config: ChannelsConfig) {
    this.connection = bullConnection(config);
    this.queue = new Queue<ChannelScheduleJob>(Queues.channelSchedules, { connection: this.connection, prefix: bullPrefix(config) });
  }

  /** Creates or replaces both schedulers; a null schedule removes them. */
  async apply(channelId: string, schedule: Schedule | null): Promise<void> {
    if (!schedule) return this.remove(channelId);
    for (const action of ['start', 'stop'] as const) {
      await this.queue.upsertJobScheduler(
        scheduleJobSchedulerId(channelId, action),
        { pattern: schedule[action], tz: schedule.timezone },
        { name: action, data: { channelId, action }, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    }
  }

  async remove(channelId: string): Promise<void> {
    await this.queue.removeJobScheduler(scheduleJobSchedulerId(channelId, 'start'));
    await this.queue.removeJobScheduler(scheduleJobSchedulerId(channelId, 'stop'));
  }

  async nextRuns(channelId: string): Promise<ScheduleNextRuns> {
    const [start, stop] = await Promise.all(
      (['start', 'stop'] as const).map((action) => this.queue.getJobScheduler(scheduleJobSchedulerId(channelId, action))),
    );
    const at = (next: number | undefined) => (next === undefined ? null : new Date(next).toISOString());
    return { nextStartAt: at(start?.next), nextStopAt: at(stop?.next) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
