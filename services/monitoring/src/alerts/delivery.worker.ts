import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Queues } from '@castline/contracts';
import { CONFIG, Jobs, UnrecoverableError } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import { AlertsRepository, type OutboxWithParts } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { NotificationsService } from './notifications.service';
import { ReceiverSender } from './receiver-sender';
import type { Notification } from './receivers';

const MAX_DELAY_MS = 3_600_000;
const MAX_RETRY_AFTER_MS = 86_400_000;

/** A failed attempt that may succeed later; `retryAfterMs` from the receiver's Retry-After. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Exponential backoff with ±20 % jitter, capped at an hour; a Retry-After wins (capped at 24 h). */
export function deliveryBackoff(attemptsMade: number, error: Error, baseMs: number, random = Math.random): number {
  if (error instanceof RetryableDeliveryError && error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), MAX_DELAY_MS);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** Sends each `alert-deliveries` job to its receiver and logs the attempt. */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryWorker.name);

  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    private readonly jobs: Jobs,
    private readonly alerts: AlertsRepository,
    private readonly service: AlertsService,
    private readonly sender: ReceiverSender,
    private readonly notifications: NotificationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.process(Queues.alertDeliveries, async (job) => this.deliver(BigInt(job.data.outboxId), job.attemptsMade + 1 >= (job.opts.attempts ?? 1)), {
      concurrency: 4,
      backoffStrategy: (attemptsMade, error) => deliveryBackoff(attemptsMade, error, this.config.ALERTS_RETRY_BASE_MS),
      onError: (error) => this.logger.warn(`alert-deliveries: ${error.message}`),
    });
  }

  /** One attempt. Throws RetryableDeliveryError to retry, UnrecoverableError to stop. */
  async deliver(outboxId: bigint, lastAttempt: boolean): Promise<void> {
    const row = await this.alerts.outbox(outboxId);
    if (!row || row.deliveredAt || row.failedAt) return;
    let config: unknown;
    try {
      config = this.service.openConfig(row.receiver);
    } catch (error) {
      return this.fail(row, `receiver settings cannot be opened: ${(error as Error).message}`);
    }
    const result = await this.sender.send(row.receiver.kind, config, this.notification(row));
    const attempt = { statusCode: result.statusCode, reply: result.reply, latencyMs: result.latencyMs, error: result.error };
    if (result.ok) {
      await this.alerts.recordAttempt(row.id, { ...attempt, outcome: 'delivered' }, 'delivered');
      return;
    }
    if (!result.retryable || lastAttempt) {
      await this.alerts.recordAttempt(row.id, { ...attempt, outcome: 'failed' }, 'failed');
      await this.notifications.receiverFailing(row.receiver, `gave up on a notification: ${result.error ?? 'failed'}`);
      throw new UnrecoverableError(result.error ?? 'failed');
    }
    await this.alerts.recordAttempt(row.id, { ...attempt, outcome: 'retrying' }, 'retrying');
    throw new RetryableDeliveryError(result.error ?? 'failed', result.retryAfterMs);
  }

  private async fail(row: OutboxWithParts, reason: string): Promise<never> {
    await this.alerts.recordAttempt(row.id, { statusCode: null, reply: null, latencyMs: null, error: reason, outcome: 'failed' }, 'failed');
    await this.notifications.receiverFailing(row.receiver, reason);
    throw new UnrecoverableError(reason);
  }

  private notification(row: OutboxWithParts): Notification {
    return { ...(row.payload as unknown as Omit<Notification, 'idempotencyKey'>), idempotencyKey: row.idempotencyKey };
  }
}
