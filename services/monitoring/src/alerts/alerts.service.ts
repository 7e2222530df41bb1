import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type CreateReceiver, ErrorCodes, fieldProblem, type ReceiverView } from '@castline/contracts';
import type { AlertReceiver, Prisma } from '@castline/db';
import { AppError, CONFIG, SecretBox } from '@castline/platform';
import type { MonitoringConfig } from '../config';
import type { Transition } from '../checks/check-state';
import { CheckScheduler } from '../checks/check-scheduler.service';
import type { CheckRow } from '../checks/checks.repository';
import { GuardedHttp, TargetForbiddenError } from '../checks/guarded-http';
import { AlertsRepository } from './alerts.repository';
import { OutboxDispatcher } from './outbox-dispatcher';

export const receiverAad = (id: string) => `alert_receivers:${id}:config`;

/**
 * The seeded "check DOWN" rule: a check going DOWN fires a critical alert (group_wait 0), its recovery
 * resolves it. Both are written with their outbox rows in the transaction that records the run, so a crash
 * never loses one; a PENDING streak that recovers fires nothing.
 */
@Injectable()
export class AlertsService implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    private readonly alerts: AlertsRepository,
    private readonly scheduler: CheckScheduler,
    private readonly dispatcher: OutboxDispatcher,
    private readonly http: GuardedHttp,
    private readonly box: SecretBox,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.withinTransition((tx, check, transition, at) => this.onCheckTransition(tx, check, transition, at));
    this.scheduler.onResult(async (_check, transition) => {
      if (transition.outage) await this.dispatcher.flush();
    });
  }

  async onCheckTransition(tx: Prisma.TransactionClient, check: CheckRow, transition: Transition, at: Date): Promise<void> {
    const fingerprint = `check-down:${check.id}`;
    if (transition.outage === 'opened') {
      await this.alerts.fire(tx, {
        rule: 'check-down',
        fingerprint,
        alertType: 'check_down',
        severity: 'critical',
        message: `${check.name} is DOWN: ${transition.reason ?? 'failed'}`,
        labels: { check: check.name, kind: check.kind },
        createdAt: at,
      });
    } else if (transition.outage === 'closed') {
      await this.alerts.resolve(tx, fingerprint, at);
    }
  }

  async listReceivers(): Promise<{ items: ReceiverView[] }> {
    return { items: (await this.alerts.receivers()).map((receiver) => this.toView(receiver)) };
  }

  async createReceiver(body: CreateReceiver): Promise<ReceiverView> {
    if (await this.alerts.receiverNameTaken(body.name)) throw AppError.conflict(`a receiver named "${body.name}" exists`, fieldProblem('name', 'already taken'));
    try {
      await this.http.approve(new URL(body.config.url));
    } catch (error) {
      if (error instanceof TargetForbiddenError) {
        throw new AppError(ErrorCodes.targetForbidden, `config.url: ${error.message}`, HttpStatus.BAD_REQUEST, fieldProblem('config.url', error.message));
      }
      throw error;
    }
    const id = randomUUID();
    const receiver = await this.alerts.createReceiver(id, { name: body.name, kind: body.kind, enabled: body.enabled, config: this.box.seal(JSON.stringify(body.config), receiverAad(id)) });
    return this.toView(receiver);
  }

  async deliveries(receiverId: string, limit: number) {
    if (!(await this.alerts.receiver(receiverId))) throw AppError.notFound('Receiver');
    const rows = await this.alerts.deliveries(receiverId, limit);
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    return {
      items: rows.map((row) => ({
        idempotencyKey: row.idempotencyKey,
        alertId: row.alertId,
        message: row.alert.message,
        transition: row.transition as 'firing' | 'resolved',
        createdAt: row.createdAt.toISOString(),
        deliveredAt: iso(row.deliveredAt),
        failedAt: iso(row.failedAt),
        attempts: row.tries.map((attempt) => ({
          at: attempt.at.toISOString(),
          outcome: attempt.outcome as 'delivered' | 'retrying' | 'failed',
          statusCode: attempt.statusCode,
          reply: attempt.reply,
          latencyMs: attempt.latencyMs,
          error: attempt.error,
        })),
      })),
    };
  }

  /** The receiver's settings, opened (only the delivery worker needs them). */
  openConfig(receiver: AlertReceiver): unknown {
    return JSON.parse(this.box.open(receiver.config, receiverAad(receiver.id)));
  }

  private toView(receiver: AlertReceiver): ReceiverView {
    const config = this.openConfig(receiver) as { url: string; secret?: string };
    return {
      id: receiver.id,
      name: receiver.name,
      kind: receiver.kind as ReceiverView['kind'],
      enabled: receiver.enabled,
      targetHost: new URL(config.url).host,
      signed: Boolean(config.secret),
      createdAt: receiver.createdAt.toISOString(),
    };
  }
}
