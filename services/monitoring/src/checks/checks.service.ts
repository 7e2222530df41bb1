import { HttpStatus, Injectable } from '@nestjs/common';
import { type CheckHistory, type CheckView, type CreateCheck, ErrorCodes, fieldProblem, type UpdateCheckSchema } from '@castline/contracts';
import type { Prisma } from '@castline/db';
import { AppError } from '@castline/platform';
import type { z } from 'zod';
import { defaultTimeoutMs } from './check-scheduler.service';
import { type CheckRow, ChecksRepository, type RollupResolution, uptimePercent } from './checks.repository';
import { GuardedHttp, TargetForbiddenError } from './guarded-http';

type UpdateCheck = z.infer<typeof UpdateCheckSchema>;
const BUILTIN_FIELDS = new Set(['enabled', 'intervalSeconds', 'timeoutMs', 'retries', 'slowMs']);
const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toCheckView(check: CheckRow, uptime24hPercent: number | null = null): CheckView {
  return {
    id: check.id,
    name: check.name,
    kind: check.kind as CheckView['kind'],
    target: check.target,
    builtin: check.builtin,
    enabled: check.enabled,
    method: check.method,
    expectedStatuses: check.expectedStatuses,
    keyword: check.keyword,
    certExpiryDays: check.certExpiryDays,
    intervalSeconds: check.intervalSeconds,
    timeoutMs: check.timeoutMs,
    retries: check.retries,
    slowMs: check.slowMs,
    status: check.status,
    failures: check.failures,
    lastCheckedAt: iso(check.lastCheckedAt),
    lastChangeAt: iso(check.lastChangeAt),
    lastError: check.lastError,
    uptime24hPercent: uptime24hPercent === null ? null : Math.round(uptime24hPercent * 1000) / 1000,
  };
}

/** Operator checks: create/update/delete with the target checked by the SSRF guard; history for the Health page. */
@Injectable()
export class ChecksService {
  constructor(
    private readonly checks: ChecksRepository,
    private readonly http: GuardedHttp,
  ) {}

  async list(): Promise<{ items: CheckView[] }> {
    const [rows, uptime] = await Promise.all([this.checks.list(), this.checks.uptimeSince(new Date(Date.now() - 86_400_000))]);
    return { items: rows.map((row) => toCheckView(row, uptime.get(row.id) ?? null)) };
  }

  async create(body: CreateCheck): Promise<CheckView> {
    await this.assertNameFree(body.name);
    await this.assertTarget(body.kind, body.target);
    const row = await this.checks.create({
      name: body.name,
      kind: body.kind,
      target: body.target,
      enabled: body.enabled,
      intervalSeconds: body.intervalSeconds,
      timeoutMs: body.timeoutMs ?? defaultTimeoutMs(body.intervalSeconds),
      retries: body.retries,
      slowMs: body.slowMs ?? null,
      ...(body.kind === 'http'
        ? { method: body.method, expectedStatuses: body.expectedStatuses, keyword: body.keyword ?? null, certExpiryDays: body.certExpiryDays ?? null }
        : { expectedStatuses: [] }),
    });
    return toCheckView(row);
  }

  async update(id: string, changes: UpdateCheck): Promise<CheckView> {
    const check = await this.require(id);
    if (check.builtin) {
      const refused = Object.keys(changes).filter((key) => !BUILTIN_FIELDS.has(key));
      if (refused.length > 0) {
        throw AppError.badRequest(`a built-in check takes only ${[...BUILTIN_FIELDS].join(', ')}`, { fields: refused.map((path) => ({ path, message: 'not changeable on a built-in check' })) });
      }
    }
    if (changes.name !== undefined) await this.assertNameFree(changes.name, id);
    if (changes.target !== undefined) await this.assertTarget(check.kind, changes.target);
    const intervalSeconds = changes.intervalSeconds ?? check.intervalSeconds;
    const timeoutMs = changes.timeoutMs ?? (changes.intervalSeconds !== undefined ? defaultTimeoutMs(intervalSeconds) : check.timeoutMs);
    if (timeoutMs > intervalSeconds * 1000) throw AppError.badRequest('timeoutMs: at most the interval', fieldProblem('timeoutMs', 'at most the interval'));
    const data: Prisma.MonitorCheckUpdateInput = { ...changes, intervalSeconds, timeoutMs };
    return toCheckView(await this.checks.update(id, data));
  }

  async delete(id: string): Promise<{ deleted: true }> {
    const check = await this.require(id);
    if (check.builtin) throw AppError.conflict('a built-in check can be disabled, not deleted');
    await this.checks.delete(id);
    return { deleted: true };
  }

  async history(id: string, resolution: RollupResolution, hours: number): Promise<CheckHistory> {
    const check = await this.require(id);
    const since = new Date(Date.now() - hours * 3_600_000);
    const [samples, outages, rollups] = await this.checks.history(id, resolution, since);
    const uptime = uptimePercent(rollups);
    return {
      check: toCheckView(check, uptime),
      samples: samples.map((sample) => ({
        checkedAt: sample.checkedAt.toISOString(),
        status: sample.status,
        responseTimeMs: sample.responseTimeMs,
        statusCode: sample.statusCode,
        errorMessage: sample.errorMessage,
        certExpiresAt: iso(sample.certExpiresAt),
      })),
      outages: outages.map((outage) => ({
        downtimeStart: outage.downtimeStart.toISOString(),
        downtimeEnd: iso(outage.downtimeEnd),
        downtimeDurationSeconds: outage.downtimeDuration,
        reason: outage.reason,
      })),
      rollups: rollups.map((row) => ({
        bucket: row.bucket.toISOString(),
        total: row.total,
        up: row.up,
        degraded: row.degraded,
        down: row.down,
        avgLatencyMs: row.total > 0 ? Math.round((row.latencySumMs / row.total) * 100) / 100 : null,
        maxLatencyMs: row.latencyMaxMs,
        maintenance: row.maintenance,
      })),
      uptimePercent: uptime,
    };
  }

  private async require(id: string): Promise<CheckRow> {
    const check = await this.checks.findById(id);
    if (!check) throw AppError.notFound('Check');
    return check;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    if (await this.checks.nameTaken(name, exceptId)) throw AppError.conflict(`a check named "${name}" exists`, fieldProblem('name', 'already taken'));
  }

  /** 400 TARGET_FORBIDDEN when the SSRF guard refuses the target's host (it is checked again at every run). */
  private async assertTarget(kind: string, target: string): Promise<void> {
    try {
      if (kind === 'http') {
        let url: URL;
        try {
          url = new URL(target);
        } catch {
          throw AppError.badRequest('target: not a URL', fieldProblem('target', 'not a URL'));
        }
        await this.http.approve(url);
      } else if (kind === 'tcp') {
        const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
        if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) throw AppError.badRequest('target: host:port', fieldProblem('target', 'host:port'));
        await this.http.approveHost(match[1] as string, 'tcp');
      }
    } catch (error) {
      if (error instanceof TargetForbiddenError) {
        throw new AppError(ErrorCodes.targetForbidden, `target: ${error.message}`, HttpStatus.BAD_REQUEST, fieldProblem('target', error.message));
      }
      throw error;
    }
  }
}
