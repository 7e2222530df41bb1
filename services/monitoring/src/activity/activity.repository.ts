import { Injectable } from '@nestjs/common';
import { type ActivityEntry, ROUTINE_AUDIT_ACTIONS } from '@castline/contracts';
import { PrismaService } from '@castline/platform';

@Injectable()
export class ActivityRepository {
  constructor(private readonly prisma: PrismaService) {}

  async latest(limit: number): Promise<ActivityEntry[]> {
    const rows = await this.prisma.auditLog.findMany({
      // Who did what: neither routine token refreshes nor requests without a credential.
      where: { action: { notIn: [...ROUTINE_AUDIT_ACTIONS] }, actorType: { not: 'anonymous' } },
      orderBy: { at: 'desc' },
      take: limit,
      select: {
        id: true,
        at: true,
        actorLabel: true,
        action: true,
        targetType: true,
        targetId: true,
        result: true,
        statusCode: true,
      },
    });
    return rows.map((row) => ({ ...row, id: row.id.toString(), at: row.at.toISOString() }));
  }
}
