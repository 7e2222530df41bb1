import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ChannelScheduleJob, ErrorCodes, Queues } from '@castline/contracts';
import { AppError, CONFIG } from '@castline/platform';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ChannelsService } from '../channels/channels.service';
import type { ChannelsConfig } from '../config';
import { bullConnection, bullPrefix } from '../live/live-queue';

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
  private connection?: Redis;
  private worker?: Worker<ChannelScheduleJob>;
  private readonly logger = new Logger(ScheduleWorker.name);

  constructor(
    @Inject(CONFIG) private readonly config: ChannelsConfig,
    private readonly channels: ChannelsService,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = bullConnection(this.config);
    this.worker = new Worker<ChannelScheduleJob>(Queues.channelSchedules, (job) => runScheduleJob(this.channels, job.data), {
      connection: this.connection,
      prefix: bullPrefix(this.config),
      concurrency: 1,
    });
    this.worker.on('completed', (job, outcome: string) => this.logger.log(`schedule: ${job.data.action} channel ${job.data.channelId} -> ${outcome}`));
    this.worker.on('failed', (job, error) => this.logger.error(`schedule: ${job?.data.action} channel ${job?.data.channelId} failed: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}
