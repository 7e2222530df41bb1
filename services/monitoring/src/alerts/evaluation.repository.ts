import { Injectable } from '@nestjs/common';
import type { Alert, AlertGroup, AlertRule, AlertRuleState, MaintenanceWindow, Prisma, Silence } from '@castline/db';
import { PrismaService } from '@castline/platform';
import { createHash } from 'node:crypto';
import type { AlertPayload, Notification } from './receivers';

/** sha256 of the group (or series), its notification number and the receiver: the same notification, the same key. */
export const notificationKey = (scope: string, sequence: string, receiverId: string) => createHash('sha256').update(`${scope}\n${sequence}\n${receiverId}`).digest('hex');

export type Tx = Prisma.TransactionClient;

/** The reads and writes of one evaluation: rules, rule states, alerts, groups, silences, windows, outbox. */
@Injectable()
export class EvaluationRepository {
  constructor(readonly prisma: PrismaService) {}

  rules(): Promise<AlertRule[]> {
    return this.prisma.alertRule.findMany({ where: { enabled: true } });
  }

  states(): Promise<AlertRuleState[]> {
    return this.prisma.alertRuleState.findMany();
  }

  silences(now: Date): Promise<Silence[]> {
    return this.prisma.silence.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } });
  }

  windows(): Promise<MaintenanceWindow[]> {
    return this.prisma.maintenanceWindow.findMany();
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, { timeout: 60_000, maxWait: 10_000 });
  }

  async saveState(tx: Tx, state: Omit<AlertRuleState, 'updatedAt'>): Promise<void> {
    const data = { ...state, labels: state.labels as Prisma.InputJsonValue };
    await tx.alertRuleState.upsert({ where: { ruleId_fingerprint: { ruleId: state.ruleId, fingerprint: state.fingerprint } }, create: data, update: data });
  }

  async deleteState(tx: Tx, ruleId: string, fingerprint: string): Promise<void> {
    await tx.alertRuleState.deleteMany({ where: { ruleId, fingerprint } });
  }

  createAlert(tx: Tx, data: Prisma.AlertUncheckedCreateInput): Promise<Alert> {
    return tx.alert.create({ data });
  }

  async updateAlerts(tx: Tx, ids: string[], data: Prisma.AlertUpdateManyMutationInput): Promise<void> {
    if (ids.length > 0) await tx.alert.updateMany({ where: { id: { in: ids } }, data });
  }

  /** Alerts a group flush may send: open ones, and resolved ones whose firing went out but whose resolution did not. */
  candidates(tx: Tx): Promise<Alert[]> {
    return tx.alert.findMany({ where: { OR: [{ isResolved: false }, { isResolved: true, notifiedAt: { not: null }, resolvedNotifiedAt: null }] }, orderBy: { createdAt: 'asc' } });
  }

  groups(tx: Tx, keys: string[]): Promise<AlertGroup[]> {
    return tx.alertGroup.findMany({ where: { key: { in: keys } } });
  }

  /** Records a flush of the group and returns its number (part of the notification's idempotency key). */
  async flushGroup(tx: Tx, key: string, ruleId: string, labels: Record<string, string>, at: Date): Promise<number> {
    const group = await tx.alertGroup.upsert({
      where: { key },
      create: { key, ruleId, labels, lastFlushAt: at, flushes: 1 },
      update: { lastFlushAt: at, flushes: { increment: 1 } },
    });
    return group.flushes;
  }

  /** One outbox row per enabled receiver for a notification (keys from `scope` + `sequence`). */
  async enqueueNotification(tx: Tx, scope: string, sequence: string, notification: Omit<Notification, 'idempotencyKey'>, alertId: string): Promise<number> {
    const receivers = await tx.alertReceiver.findMany({ where: { enabled: true }, select: { id: true } });
    if (receivers.length === 0) return 0;
    const result = await tx.alertOutbox.createMany({
      data: receivers.map((receiver) => ({
        idempotencyKey: notificationKey(scope, sequence, receiver.id),
        alertId,
        receiverId: receiver.id,
        transition: notification.transition,
        groupKey: notification.group.key,
        payload: notification as unknown as Prisma.InputJsonValue,
      })),
      skipDuplicates: true,
    });
    return result.count;
  }
}

/** An alert as a notification carries it. */
export function alertPayload(alert: Alert): AlertPayload {
  return {
    id: alert.id,
    rule: alert.rule,
    fingerprint: alert.fingerprint,
    severity: alert.severity,
    message: alert.message,
    labels: alert.labels as Record<string, string>,
    value: alert.metricValue,
    status: alert.isResolved ? 'resolved' : 'firing',
    startsAt: alert.createdAt.toISOString(),
    endsAt: alert.resolvedAt?.toISOString() ?? null,
  };
}
