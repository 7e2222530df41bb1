import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Queues } from '@castline/contracts';
import { CONFIG, Jobs, UnrecoverableError } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import { GuardedHttp } from '../checks/guarded-http';
import { AlertsRepository, type OutboxWithParts } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { RECEIVER_KINDS, type Notification } from './receivers';

const REPLY_BYTES = 1024;
const MAX_DELAY_MS = 3_600_000;
const MAX_RETRY_AFTER_MS = 86_400_000;
/** Statuses worth another try: the receiver may answer later. Other 4xx fail at once. */
const RETRIED = new Set([408, 425, 429]);

/** A failed attempt that may succeed later; `retryAfterMs` from the receiver's Retry-After. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
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
    private readonly http: GuardedHttp,
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
    const kind = RECEIVER_KINDS[row.receiver.kind];
    if (!kind) return this.fail(row, `unknown receiver kind ${row.receiver.kind}`);
    const request = kind.render(this.notification(row), kind.parseConfig(this.service.openConfig(row.receiver)), new Date());
    const started = performance.now();
    let status: number | null = null;
    let reply: string | null = null;
    let retryAfterMs: number | undefined;
    let error: string | null = null;
    try {
      const response = await this.http.request({ url: request.url, method: 'POST', headers: request.headers, body: request.body, timeoutMs: 10_000, maxBodyBytes: REPLY_BYTES });
      status = response.status;
      reply = response.body;
      retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    } catch (caught) {
      error = (caught as Error).message;
    }
    const attempt = { statusCode: status, reply, latencyMs: Math.round(performance.now() - started), error };
    if (status !== null && status >= 200 && status < 300) {
      await this.alerts.recordAttempt(row.id, { ...attempt, outcome: 'delivered' }, 'delivered');
      return;
    }
    const retryable = status === null ? !error?.includes('TARGET_FORBIDDEN') && !/refuse|is a .* address/.test(error ?? '') : RETRIED.has(status) || status >= 500;
    if (!retryable || lastAttempt) {
      await this.alerts.recordAttempt(row.id, { ...attempt, outcome: 'failed' }, 'failed');
      throw new UnrecoverableError(error ?? `status ${status}`);
    }
    await this.alerts.recordAttempt(row.id, { ...attempt, outcome: 'retrying' }, 'retrying');
    throw new RetryableDeliveryError(error ?? `status ${status}`, retryAfterMs);
  }

  private async fail(row: OutboxWithParts, reason: string): Promise<never> {
    await this.alerts.recordAttempt(row.id, { statusCode: null, reply: null, latencyMs: null, error: reason, outcome: 'failed' }, 'failed');
    throw new UnrecoverableError(reason);
  }

  private notification(row: OutboxWithParts): Notification {
    return { ...(row.payload as unknown as Omit<Notification, 'idempotencyKey'>), idempotencyKey: row.idempotencyKey };
  }
}
