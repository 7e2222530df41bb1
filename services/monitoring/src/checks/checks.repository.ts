import { Injectable } from '@nestjs/common';
import type { CheckRollup, CheckSample, MonitorCheck, Prisma, UptimeRecord } from '@castline/db';
import { PrismaService } from '@castline/platform';
import { holdMatcher } from '../alerts/rule-engine';
import type { CheckState, ProbeResult, Transition } from './check-state';

export type CheckRow = MonitorCheck;

export const ROLLUP_RESOLUTIONS = ['minute', 'hour', 'day'] as const;
export type RollupResolution = (typeof ROLLUP_RESOLUTIONS)[number];

/** How long each kind of row is kept (issue 14: raw 7 d, minute 14 d, hour 90 d, day 2 y). */
export const RETENTION_DAYS = { samples: 7, minute: 14, hour: 90, day: 730 } as const;

/** Up (or degraded) share of the runs outside maintenance windows, in percent; null without such runs. */
export function uptimePercent(rollups: Array<Pick<CheckRollup, 'total' | 'up' | 'degraded' | 'maintenance'>>): number | null {
  const counted = rollups.reduce((sum, row) => sum + row.total - row.maintenance, 0);
  const up = rollups.reduce((sum, row) => sum + row.up + row.degraded, 0);
  return counted > 0 ? (100 * up) / counted : null;
}

/** Every touch of the check tables: monitor_checks, check_samples, uptime_records, check_rollups. */
@Injectable()
export class ChecksRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(where: Prisma.MonitorCheckWhereInput = {}): Promise<CheckRow[]> {
    return this.prisma.monitorCheck.findMany({ where, orderBy: [{ builtin: 'desc' }, { name: 'asc' }] });
  }

  findById(id: string): Promise<CheckRow | null> {
    return this.prisma.monitorCheck.findUnique({ where: { id } });
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    const found = await this.prisma.monitorCheck.findUnique({ where: { name }, select: { id: true } });
    return found !== null && found.id !== exceptId;
  }

  create(data: Prisma.MonitorCheckCreateInput): Promise<CheckRow> {
    return this.prisma.monitorCheck.create({ data });
  }

  update(id: string, data: Prisma.MonitorCheckUpdateInput): Promise<CheckRow> {
    return this.prisma.monitorCheck.update({ where: { id }, data });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.monitorCheck.delete({ where: { id } });
  }

  /** Creates the built-in checks that are missing (an operator's changes to existing ones stay). */
  async ensureBuiltins(checks: Prisma.MonitorCheckCreateInput[]): Promise<void> {
    await this.prisma.monitorCheck.createMany({ data: checks as Prisma.MonitorCheckCreateManyInput[], skipDuplicates: true });
  }

  /**
   * Records one run in one transaction: the check row is locked, `decide` turns its state and the result into
   * a transition, and the sample, the new state, the outage row and the three rollups are written together.
   */
  recordRun(
    checkId: string,
    result: ProbeResult,
    at: Date,
    decide: (check: CheckRow) => Transition,
  ): Promise<{ check: CheckRow; transition: Transition } | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM monitor_checks WHERE id = ${checkId}::uuid FOR UPDATE`;
      if (locked.length === 0) return null;
      const current = (await tx.monitorCheck.findUnique({ where: { id: checkId } }))!;
      const transition = decide(current);
      const state: CheckState = transition.next;
      await tx.checkSample.create({
        data: {
          checkId,
          checkedAt: at,
          status: transition.sampleStatus,
          responseTimeMs: result.responseTimeMs,
          statusCode: result.statusCode ?? null,
          errorMessage: result.ok ? transition.reason : (result.error ?? transition.reason),
          certExpiresAt: result.certExpiresAt ?? null,
        },
      });
      const check = await tx.monitorCheck.update({
        where: { id: checkId },
        data: {
          status: state.status,
          failures: state.failures,
          failingSince: state.failingSince,
          lastCheckedAt: at,
          lastError: transition.reason,
          ...(transition.changed ? { lastChangeAt: at } : {}),
        },
      });
      if (transition.outage === 'opened') {
        await tx.uptimeRecord.create({
          data: { checkId, serviceName: current.name, downtimeStart: current.failingSince ?? at, reason: transition.reason },
        });
      } else if (transition.outage === 'closed') {
        const open = await tx.uptimeRecord.findFirst({ where: { checkId, downtimeEnd: null }, orderBy: { downtimeStart: 'desc' } });
        if (open) {
          await tx.uptimeRecord.update({
            where: { id: open.id },
            data: { downtimeEnd: at, downtimeDuration: Math.round((at.getTime() - open.downtimeStart.getTime()) / 1000) },
          });
        }
      }
      // A run inside a maintenance window matching the check's labels counts for neither up nor down.
      const windows = await tx.maintenanceWindow.findMany();
      const inMaintenance = holdMatcher([], windows, at)({ check: current.name, kind: current.kind }) ? 1 : 0;
      const counted = (status: boolean) => (status && !inMaintenance ? 1 : 0);
      const up = counted(transition.sampleStatus === 'up');
      const degraded = counted(transition.sampleStatus === 'degraded');
      const down = counted(transition.sampleStatus === 'down' || transition.sampleStatus === 'pending');
      const latency = result.responseTimeMs ?? 0;
      for (const resolution of ROLLUP_RESOLUTIONS) {
        await tx.$executeRaw`
          INSERT INTO check_rollups (check_id, resolution, bucket, total, up, degraded, down, maintenance, latency_sum_ms, latency_max_ms)
          VALUES (${checkId}::uuid, ${resolution}, date_trunc(${resolution}, ${at}::timestamptz, 'UTC'), 1, ${up}, ${degraded}, ${down}, ${inMaintenance}, ${latency}, ${latency})
          ON CONFLICT (check_id, resolution, bucket) DO UPDATE SET
            total = check_rollups.total + 1, up = check_rollups.up + EXCLUDED.up, degraded = check_rollups.degraded + EXCLUDED.degraded,
            down = check_rollups.down + EXCLUDED.down, maintenance = check_rollups.maintenance + EXCLUDED.maintenance,
            latency_sum_ms = check_rollups.latency_sum_ms + EXCLUDED.latency_sum_ms,
            latency_max_ms = GREATEST(check_rollups.latency_max_ms, EXCLUDED.latency_max_ms)`;
      }
      return { check, transition };
    });
  }

  /** Up (or degraded) share of each check's runs since `since` outside maintenance, from the hour rollups; absent without runs. */
  async uptimeSince(since: Date): Promise<Map<string, number>> {
    const rows = await this.prisma.checkRollup.groupBy({
      by: ['checkId'],
      where: { resolution: 'hour', bucket: { gte: new Date(Math.floor(since.getTime() / 3_600_000) * 3_600_000) } },
      _sum: { total: true, up: true, degraded: true, maintenance: true },
    });
    const entries = rows.map((row) => [row.checkId, uptimePercent([{ total: row._sum.total ?? 0, up: row._sum.up ?? 0, degraded: row._sum.degraded ?? 0, maintenance: row._sum.maintenance ?? 0 }])] as const);
    return new Map(entries.filter((entry): entry is readonly [string, number] => entry[1] !== null));
  }

  history(checkId: string, resolution: RollupResolution, since: Date): Promise<[CheckSample[], UptimeRecord[], CheckRollup[]]> {
    return Promise.all([
      this.prisma.checkSample.findMany({ where: { checkId, checkedAt: { gte: since } }, orderBy: { checkedAt: 'desc' }, take: 500 }),
      this.prisma.uptimeRecord.findMany({ where: { checkId, OR: [{ downtimeEnd: null }, { downtimeEnd: { gte: since } }] }, orderBy: { downtimeStart: 'desc' }, take: 200 }),
      this.prisma.checkRollup.findMany({ where: { checkId, resolution, bucket: { gte: since } }, orderBy: { bucket: 'asc' } }),
    ]);
  }

  /** Deletes rows past their retention; counts per kind. */
  async prune(now: Date): Promise<Record<string, number>> {
    const before = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const samples = await this.prisma.checkSample.deleteMany({ where: { checkedAt: { lt: before(RETENTION_DAYS.samples) } } });
    const counts: Record<string, number> = { samples: samples.count };
    for (const resolution of ROLLUP_RESOLUTIONS) {
      counts[resolution] = (await this.prisma.checkRollup.deleteMany({ where: { resolution, bucket: { lt: before(RETENTION_DAYS[resolution]) } } })).count;
    }
    return counts;
  }
}
