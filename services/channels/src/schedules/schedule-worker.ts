import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ChannelScheduleJob, ErrorCodes, Queues } from '@castline/contracts';
import { AppError, type JobProcessor, Jobs } from '@castline/platform';
import { ChannelsService } from '../channels/channels.service';

/** Runs one fired schedule job: starts or stops its channel. A channel deleted meanwhile is nothing to do. */
export async function runScheduleJob(channels: Pick<ChannelsService, 'start' | 'stop'>, job: ChannelScheduleJob): Promise<string> {
  try {
    const channel = job.action === 'start' ? await channels.start(job.channelId) : await channels.stop(job.channelId);
    return channel.status;
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCodes.notFound) return 'deleted';
    throw error;
  }
}

/** Consumes `channel-schedules` inside the channels service, one job at a time. */
@Injectable()
export class ScheduleWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private processor?: JobProcessor<typeof Queues.channelSchedules>;
  private readonly logger = new Logger(ScheduleWorker.name);

  constructor(
    private readonly jobs: Jobs,
    private readonly channels: ChannelsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.processor = await this.jobs.process(Queues.channelSchedules, (job) => runScheduleJob(this.channels, job.data), {
      concurrency: 1,
      onCompleted: (job, outcome) => this.logger.log(`schedule: ${job.data.action} channel ${job.data.channelId} -> ${String(outcome)}`),
      onFailed: (job, error) => this.logger.error(`schedule: ${job?.data.action} channel ${job?.data.channelId} failed: ${error.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.close();
  }
}
