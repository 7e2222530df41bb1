import { Injectable } from '@nestjs/common';
import type { AuditLog, Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  result?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(entry: Prisma.AuditLogCreateInput): Promise<void> {
    await this.prisma.auditLog.create({ data: entry });
  }

  async list(filter: AuditFilter, page: { skip: number; take: number }): Promise<{ items: AuditLog[]; total: number }> {
    const where: Prisma.AuditLogWhereInput = {
      actorId: filter.actorId,
      action: filter.action,
      targetType: filter.targetType,
      targetId: filter.targetId,
      result: filter.result,
      at: filter.from || filter.to ? { gte: filter.from, lt: filter.to } : undefined,
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.auditLog.findMany({ where, orderBy: { at: 'desc' }, ...page }),
      this.prisma.auditLog.count({ where }),
    ]);
    return { items, total };
  }
}
