import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queues } from '@castline/contracts';
import { CONFIG, Jobs } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import { AlertsRepository } from './alerts.repository';

/**
 * Moves committed outbox rows to BullMQ `alert-deliveries`, job id = the row's idempotency key, so a row
 * queued twice (a crash after the add, before the mark; two instances scanning) is one job. Scans at start
 * and every ALERTS_OUTBOX_SCAN_MS, so a row committed just before a crash is queued once monitoring is back.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<number>;
  private again = false;

  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    private readonly alerts: AlertsRepository,
    private readonly jobs: Jobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.flush().catch((error: unknown) => this.logger.warn(`outbox scan failed: ${(error as Error).message}`));
    this.timer = setInterval(() => void this.flush().catch((error: unknown) => this.logger.warn(`outbox scan failed: ${(error as Error).message}`)), this.config.ALERTS_OUTBOX_SCAN_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Queues every unqueued row; resolves with how many were queued. Concurrent calls share one pass (plus one more). */
  flush(): Promise<number> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      let queued = 0;
      do {
        this.again = false;
        const rows = await this.alerts.unqueued();
        if (rows.length > 0 && this.config.ALERTS_TEST_FAULT === 'exit-after-commit') process.kill(process.pid, 'SIGKILL');
        for (const row of rows) {
          await this.jobs.queue(Queues.alertDeliveries).add(
            'deliver',
            { outboxId: row.id.toString() },
            { jobId: row.idempotencyKey, attempts: this.config.ALERTS_DELIVERY_ATTEMPTS, backoff: { type: 'custom' }, removeOnComplete: 1000, removeOnFail: 1000 },
          );
          await this.alerts.markEnqueued(row.id);
          queued += 1;
        }
      } while (this.again);
      return queued;
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }
}
