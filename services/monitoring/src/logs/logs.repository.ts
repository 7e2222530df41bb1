import { Injectable } from '@nestjs/common';
import { type AppLogRecord, type AppLogView, LOG_LEVELS, type ListLogs, type LogFilter } from '@castline/contracts';
import type { AppLog, Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';

export const toLogView = (row: AppLog): AppLogView => ({
  id: row.id.toString(),
  ts: row.ts.toISOString(),
  level: row.level,
  service: row.service,
  instance: row.instance,
  msg: row.msg,
  reqId: row.reqId,
  method: row.method,
  url: row.url,
  statusCode: row.statusCode,
  responseTimeMs: row.responseTimeMs,
  userId: row.userId,
  errCode: row.errCode,
  errStack: row.errStack,
  meta: (row.meta as Record<string, unknown> | null) ?? null,
  repeats: row.repeats,
});

/** The Prisma filter of the list, export and stream filters. */
export function logWhere(filter: LogFilter): Prisma.AppLogWhereInput {
  return {
    ...(filter.service ? { service: filter.service } : {}),
    ...(filter.level ? { level: { gte: LOG_LEVELS[filter.level] } } : {}),
    ...(filter.route ? { url: filter.route } : {}),
    ...(filter.status ? { statusCode: filter.status } : {}),
    ...(filter.contains ? { msg: { contains: filter.contains, mode: 'insensitive' as const } } : {}),
    ...(filter.from || filter.to ? { ts: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lt: new Date(filter.to) } : {}) } } : {}),
  };
}

/** app_logs: stored once per record key, listed newest first by id (keyset), pruned after the retention. */
@Injectable()
export class LogsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts the records not stored yet (a redelivered batch inserts nothing) and returns the new rows. */
  insert(records: AppLogRecord[]): Promise<AppLog[]> {
    return this.prisma.appLog.createManyAndReturn({
      data: records.map((record) => ({
        recordKey: record.key,
        ts: new Date(record.ts),
        level: record.level,
        service: record.service,
        instance: record.instance,
        msg: record.msg,
        reqId: record.reqId ?? null,
        method: record.method ?? null,
        url: record.url ?? null,
        statusCode: record.statusCode ?? null,
        responseTimeMs: record.responseTimeMs === null || record.responseTimeMs === undefined ? null : Math.round(record.responseTimeMs),
        userId: record.userId ?? null,
        errCode: record.errCode ?? null,
        errStack: record.errStack ?? null,
        meta: (record.meta ?? undefined) as Prisma.InputJsonValue | undefined,
        repeats: record.repeats,
      })),
      skipDuplicates: true,
    });
  }

  list(query: ListLogs): Promise<AppLog[]> {
    const where = logWhere(query);
    if (query.after) {
      return this.prisma.appLog.findMany({ where: { ...where, id: { gt: BigInt(query.after) } }, orderBy: { id: 'asc' }, take: query.limit });
    }
    return this.prisma.appLog.findMany({
      where: { ...where, ...(query.before ? { id: { lt: BigInt(query.before) } } : {}) },
      orderBy: { id: 'desc' },
      take: query.limit,
    });
  }

  get(id: string): Promise<AppLog | null> {
    return this.prisma.appLog.findUnique({ where: { id: BigInt(id) } });
  }

  /** Error records (level >= 50) per service since `since`, repeats included (the app-log rule source). */
  async errorCounts(since: Date): Promise<Array<{ service: string; count: number }>> {
    const rows = await this.prisma.appLog.groupBy({ by: ['service'], where: { ts: { gte: since }, level: { gte: LOG_LEVELS.error } }, _sum: { repeats: true } });
    return rows.map((row) => ({ service: row.service, count: row._sum.repeats ?? 0 }));
  }

  /** Deletes rows older than `before`, 10,000 at a time (a short lock each). Returns how many. */
  async prune(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.prisma.$executeRaw`DELETE FROM app_logs WHERE id IN (SELECT id FROM app_logs WHERE ts < ${before} LIMIT 10000)`;
      total += deleted;
      if (deleted < 10_000) return total;
    }
  }
}
