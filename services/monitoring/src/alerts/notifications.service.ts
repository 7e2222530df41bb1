import { Injectable, Logger } from '@nestjs/common';
import { Events, type NotificationView } from '@castline/contracts';
import type { DashboardNotification, Prisma } from '@castline/db';
import { EventBus, PrismaService } from '@castline/platform';

type Created = DashboardNotification;
const RECEIVER_NOTICE_EVERY_MS = 3_600_000;

const toEvent = (row: Created) => ({
  id: row.id,
  createdAt: row.createdAt.toISOString(),
  kind: row.kind as NotificationView['kind'],
  severity: row.severity,
  title: row.title,
  body: row.body,
  alertId: row.alertId,
});

/**
 * Dashboard notifications (the bell): written with what caused them (in the evaluation's transaction),
 * announced on `monitoring.notifications` after the commit for the gateway to push, read state per user.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: EventBus,
  ) {}

  create(tx: Prisma.TransactionClient, data: Prisma.DashboardNotificationUncheckedCreateInput): Promise<Created> {
    return tx.dashboardNotification.create({ data });
  }

  /** After the commit: tells the gateways (a lost announcement only delays the bell until the next fetch). */
  announce(rows: Created[]): void {
    for (const row of rows) {
      try {
        this.bus.publish(Events.notifications, toEvent(row));
      } catch (error) {
        this.logger.warn(`notification ${row.id} not announced: ${(error as Error).message}`);
      }
    }
  }

  /** A receiver gave up on a notification: one bell notice per receiver an hour. */
  async receiverFailing(receiver: { id: string; name: string }, reason: string): Promise<void> {
    const recent = await this.prisma.dashboardNotification.count({
      where: { kind: 'receiver', subjectId: receiver.id, createdAt: { gt: new Date(Date.now() - RECEIVER_NOTICE_EVERY_MS) } },
    });
    if (recent > 0) return;
    const row = await this.prisma.dashboardNotification.create({
      data: { kind: 'receiver', severity: 'warning', title: `Receiver "${receiver.name}" is failing`, body: reason.slice(0, 1_000), subjectId: receiver.id },
    });
    this.announce([row]);
  }

  async list(userId: string, limit: number, unreadOnly: boolean): Promise<{ items: NotificationView[]; unread: number }> {
    const unreadWhere: Prisma.DashboardNotificationWhereInput = { reads: { none: { userId } } };
    const [rows, unread] = await Promise.all([
      this.prisma.dashboardNotification.findMany({
        where: unreadOnly ? unreadWhere : {},
        orderBy: { createdAt: 'desc' },
        take: limit,
        include: { reads: { where: { userId }, select: { userId: true } } },
      }),
      this.prisma.dashboardNotification.count({ where: unreadWhere }),
    ]);
    return { items: rows.map((row) => ({ ...toEvent(row), read: row.reads.length > 0 })), unread };
  }

  async markRead(userId: string, ids: string[] | undefined, all: boolean | undefined): Promise<{ unread: number }> {
    const targets = all
      ? await this.prisma.dashboardNotification.findMany({ where: { reads: { none: { userId } } }, select: { id: true } })
      : await this.prisma.dashboardNotification.findMany({ where: { id: { in: ids ?? [] } }, select: { id: true } });
    await this.prisma.notificationRead.createMany({ data: targets.map((target) => ({ notificationId: target.id, userId })), skipDuplicates: true });
    return { unread: await this.prisma.dashboardNotification.count({ where: { reads: { none: { userId } } } }) };
  }
}
