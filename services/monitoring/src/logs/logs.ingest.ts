import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type AppLogBatch, Events } from '@castline/contracts';
import { CONFIG, EventBus } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import { LogsRepository, toLogView } from './logs.repository';

export const APP_LOGS_STREAM = 'APP_LOGS';
export const APP_LOGS_DURABLE = 'monitoring-app-logs';
const PRUNE_EVERY_MS = 3_600_000;

/**
 * App logs in: the APP_LOGS JetStream stream keeps every process's shipped batches (a day) while monitoring is
 * down; the durable consumer stores each batch in app_logs (a record key is stored once; 4 batches at once, as
 * they are independent) and acks after the
 * commit, then announces the new rows for the live stream. Rows older than APP_LOGS_RETENTION_DAYS are pruned hourly.
 */
@Injectable()
export class LogsIngest implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LogsIngest.name);
  private stop?: () => Promise<void>;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    private readonly bus: EventBus,
    private readonly repository: LogsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      this.stop = await this.bus.consumeDurably(Events.appLogs, { stream: APP_LOGS_STREAM, durable: APP_LOGS_DURABLE, maxAgeMs: 86_400_000, concurrency: 4 }, async (batch) => {
        await this.store(batch);
      });
    } catch (error) {
      this.logger.warn(`app logs are not consumed: ${(error as Error).message}`);
    }
    this.pruneTimer = setInterval(() => void this.prune().catch((error: unknown) => this.logger.warn(`app_logs prune failed: ${(error as Error).message}`)), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.stop?.();
  }

  async store(batch: AppLogBatch): Promise<number> {
    const rows = await this.repository.insert(batch.records);
    if (rows.length > 0) {
      rows.sort((a, b) => (a.id < b.id ? -1 : 1));
      this.bus.publish(Events.logsStored, { items: rows.map(toLogView) });
    }
    return rows.length;
  }

  prune(now = new Date()): Promise<number> {
    return this.repository.prune(new Date(now.getTime() - this.config.APP_LOGS_RETENTION_DAYS * 86_400_000));
  }
}
