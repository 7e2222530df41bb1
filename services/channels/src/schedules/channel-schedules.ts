import { Injectable } from '@nestjs/common';
import { type ChannelScheduleJob, type CreateChannel, Queues } from '@castline/contracts';
import { Jobs } from '@castline/platform';

type Schedule = NonNullable<CreateChannel['schedule']>;
type ScheduleAction = ChannelScheduleJob['action'];

export const scheduleJobSchedulerId = (channelId: string, action: ScheduleAction) => `${channelId}:${action}`;

export interface ScheduleNextRuns {
  nextStartAt: string | null;
  nextStopAt: string | null;
}

/** A channel's start/stop schedule as two job schedulers (cron + time zone) on the `channel-schedules` queue. */
@Injectable()
export class ChannelSchedules {
  private readonly queue;

  constructor(jobs: Jobs) {
    this.queue = jobs.queue(Queues.channelSchedules);
  }

  /** Creates or replaces both schedulers; a null schedule removes them. */
  async apply(channelId: string, schedule: Schedule | null): Promise<void> {
    if (!schedule) return this.remove(channelId);
    for (const action of ['start', 'stop'] as const) {
      await this.queue.upsertScheduler(
        scheduleJobSchedulerId(channelId, action),
        { pattern: schedule[action], timezone: schedule.timezone },
        { name: action, data: { channelId, action }, options: { removeOnComplete: true, removeOnFail: 100 } },
      );
    }
  }

  async remove(channelId: string): Promise<void> {
    await this.queue.removeScheduler(scheduleJobSchedulerId(channelId, 'start'));
    await this.queue.removeScheduler(scheduleJobSchedulerId(channelId, 'stop'));
  }

  async nextRuns(channelId: string): Promise<ScheduleNextRuns> {
    const [start, stop] = await Promise.all(
      (['start', 'stop'] as const).map((action) => this.queue.nextRun(scheduleJobSchedulerId(channelId, action))),
    );
    return { nextStartAt: start?.toISOString() ?? null, nextStopAt: stop?.toISOString() ?? null };
  }
}
