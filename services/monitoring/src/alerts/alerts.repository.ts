import { Injectable } from '@nestjs/common';
import type { Alert, AlertDeliveryAttempt, AlertOutbox, AlertReceiver, Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';

export type OutboxWithParts = AlertOutbox & { alert: Alert; receiver: AlertReceiver };

/** Receivers, the outbox and the delivery log (the evaluator writes alerts and outbox rows: EvaluationRepository). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Outbox rows not yet handed to BullMQ, oldest first. */
  unqueued(limit = 500): Promise<AlertOutbox[]> {
    return this.prisma.alertOutbox.findMany({ where: { enqueuedAt: null }, orderBy: { id: 'asc' }, take: limit });
  }

  async markEnqueued(id: bigint): Promise<void> {
    await this.prisma.alertOutbox.update({ where: { id }, data: { enqueuedAt: new Date() } });
  }

  outbox(id: bigint): Promise<OutboxWithParts | null> {
    return this.prisma.alertOutbox.findUnique({ where: { id }, include: { alert: true, receiver: true } });
  }

  /** Logs one attempt and updates the row (delivered, failed for good, or still retrying). */
  async recordAttempt(
    outboxId: bigint,
    attempt: Omit<Prisma.AlertDeliveryAttemptCreateManyInput, 'outboxId'>,
    outcome: 'delivered' | 'retrying' | 'failed',
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.alertDeliveryAttempt.create({ data: { ...attempt, outboxId } }),
      this.prisma.alertOutbox.update({
        where: { id: outboxId },
        data: {
          attempts: { increment: 1 },
          lastError: outcome === 'delivered' ? null : (attempt.error ?? `status ${attempt.statusCode}`),
          ...(outcome === 'delivered' ? { deliveredAt: new Date() } : outcome === 'failed' ? { failedAt: new Date() } : {}),
        },
      }),
    ]);
  }

  receivers(): Promise<AlertReceiver[]> {
    return this.prisma.alertReceiver.findMany({ orderBy: { name: 'asc' } });
  }

  receiver(id: string): Promise<AlertReceiver | null> {
    return this.prisma.alertReceiver.findUnique({ where: { id } });
  }

  async receiverNameTaken(name: string): Promise<boolean> {
    return (await this.prisma.alertReceiver.count({ where: { name } })) > 0;
  }

  /** Creates a receiver whose config is sealed with its own id in the AAD (the id is chosen first). */
  createReceiver(id: string, data: { name: string; kind: string; config: string; enabled: boolean }): Promise<AlertReceiver> {
    return this.prisma.alertReceiver.create({ data: { id, ...data } });
  }

  updateReceiver(id: string, data: Prisma.AlertReceiverUpdateInput): Promise<AlertReceiver> {
    return this.prisma.alertReceiver.update({ where: { id }, data });
  }

  /** Every receiver's sealed config (for re-sealing after a key rotation). */
  sealedReceiverConfigs(): Promise<Array<{ id: string; config: string }>> {
    return this.prisma.alertReceiver.findMany({ select: { id: true, config: true } });
  }

  /** Replaces a receiver's sealed config only while the row still holds `from` (a concurrent change wins). */
  async replaceReceiverConfig(id: string, from: string, to: string): Promise<boolean> {
    return (await this.prisma.alertReceiver.updateMany({ where: { id, config: from }, data: { config: to } })).count === 1;
  }

  async deleteReceiver(id: string): Promise<void> {
    await this.prisma.alertReceiver.delete({ where: { id } });
  }

  /** Outbox rows to the receiver neither delivered nor failed yet. */
  pendingDeliveries(receiverId: string): Promise<number> {
    return this.prisma.alertOutbox.count({ where: { receiverId, deliveredAt: null, failedAt: null } });
  }

  deliveries(receiverId: string, limit: number): Promise<Array<AlertOutbox & { tries: AlertDeliveryAttempt[]; alert: Alert }>> {
    return this.prisma.alertOutbox.findMany({
      where: { receiverId },
      orderBy: { id: 'desc' },
      take: limit,
      include: { alert: true, tries: { orderBy: { id: 'asc' } } },
    });
  }
}
