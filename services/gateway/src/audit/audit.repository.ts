import { Injectable } from '@nestjs/common';
import type { AuditLog, Prisma } from '@castline/db';
import { type ActivityEntry, type AUDIT_SORT_FIELDS, ROUTINE_AUDIT_ACTIONS, type Sort } from '@castline/contracts';
import { PrismaService } from '@castline/platform';
import { toOrderBy } from '../common/pagination';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  result?: string;
  from?: Date;
  to?: Date;
  includeRefreshes?: boolean;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(entry: Prisma.AuditLogCreateInput): Promise<void> {
    await this.prisma.auditLog.create({ data: entry });
  }

  /** Deletes rows older than `before`; returns how many. */
  async deleteOlderThan(before: Date): Promise<number> {
    const { count } = await this.prisma.auditLog.deleteMany({ where: { at: { lt: before } } });
    return count;
  }

  async list(
    filter: AuditFilter,
    sort: Sort<(typeof AUDIT_SORT_FIELDS)[number]>,
    page: { skip: number; take: number },
  ): Promise<{ items: AuditLog[]; total: number }> {
    const where: Prisma.AuditLogWhereInput = {
      actorId: filter.actorId,
      action: filter.action ?? (filter.includeRefreshes ? undefined : { notIn: [...ROUTINE_AUDIT_ACTIONS] }),
      targetType: filter.targetType,
      targetId: filter.targetId,
      result: filter.result,
      at: filter.from || filter.to ? { gte: filter.from, lt: filter.to } : undefined,
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.auditLog.findMany({ where, orderBy: toOrderBy(sort, []) as Prisma.AuditLogOrderByWithRelationInput[], ...page }),
      this.prisma.auditLog.count({ where }),
    ]);
    return { items, total };
  }

  /** The newest entries, as the overview's recent activity shows them. */
  async latest(limit: number): Promise<ActivityEntry[]> {
    const rows = await this.prisma.auditLog.findMany({
      // Who did what: neither routine token refreshes nor requests without a credential.
      where: { action: { notIn: [...ROUTINE_AUDIT_ACTIONS] }, actorType: { not: 'anonymous' } },
      orderBy: { at: 'desc' },
      take: limit,
      select: { id: true, at: true, actorLabel: true, action: true, targetType: true, targetId: true, result: true, statusCode: true },
    });
    return rows.map((row) => ({ ...row, id: row.id.toString(), at: row.at.toISOString() }));
  }
}
