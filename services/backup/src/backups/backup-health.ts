import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { type DependencyHealth, ErrorCodes } from '@castline/contracts';
import { CONFIG, HealthService, MetricsService } from '@castline/platform';
import { defaultRepeatStrategy } from 'bullmq';
import { Counter, Gauge } from 'prom-client';
import { backupDatabaseUrl, type BackupConfig } from '../config';
import { locatePgTool, serverVersionOf } from '../database/pg-tools';
import { serverVersionNum } from '../database/snapshot';
import { BackupsRepository } from './backups.repository';

/** pg_dump's version is asked again after this long (a health report must answer quickly). */
const CLIENT_CHECK_TTL_MS = 5 * 60_000;

/** Milliseconds between two runs of a cron schedule, from its next two runs after `now`. */
export function scheduleIntervalMs(pattern: string, timezone: string, now = Date.now()): number | undefined {
  const first = defaultRepeatStrategy(now, { pattern, tz: timezone });
  const second = first === undefined ? undefined : defaultRepeatStrategy(first + 1, { pattern, tz: timezone });
  return first === undefined || second === undefined ? undefined : second - first;
}

/**
 * The backup service's own health check (`backups` in its report) and its Prometheus metrics. Degraded when
 * pg_dump's major differs from the server's (every backup would fail) or when the last successful backup is
 * older than twice the schedule's interval (counted from the service's start while there is none).
 */
@Injectable()
export class BackupHealth implements OnModuleInit {
  private readonly startedAt = Date.now();
  private clientCheck?: { at: number; problem?: string };
  readonly failures: Counter<'kind'>;

  constructor(
    @Inject(CONFIG) private readonly config: BackupConfig,
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
    private readonly backups: BackupsRepository,
  ) {
    const registers = [metrics.registry];
    this.failures = new Counter({
      name: 'castline_backup_failures_total',
      help: 'Backup jobs that failed since the service started, by kind (backup, verify: corrupt, restore, restore_test)',
      labelNames: ['kind'],
      registers,
    });
    for (const kind of ['backup', 'verify', 'restore', 'restore_test']) this.failures.inc({ kind }, 0);
    const gauge = (name: string, help: string, read: () => Promise<number>) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read().catch(() => 0));
        },
      });
    gauge('castline_backup_last_success_timestamp_seconds', 'When the newest successful backup completed (Unix seconds; 0: none)', async () =>
      seconds((await this.backups.lastSuccess())?.completedAt),
    );
    gauge('castline_backup_last_duration_seconds', 'How long the newest successful backup took', async () => {
      const last = await this.backups.lastSuccess();
      return last?.completedAt ? (last.completedAt.getTime() - last.startedAt.getTime()) / 1000 : 0;
    });
    gauge('castline_backup_last_size_bytes', 'Bytes stored by the newest successful backup', async () => Number((await this.backups.lastSuccess())?.sizeBytes ?? 0));
    gauge('castline_backup_restore_test_last_success_timestamp_seconds', 'When the newest successful restore test finished (Unix seconds; 0: none)', async () =>
      seconds((await this.backups.lastRestoreTest())?.finishedAt),
    );
    gauge('castline_backup_pg_client_mismatch', '1 while pg_dump is of another major than the server (backups would fail)', async () =>
      (await this.pgClientProblem()) ? 1 : 0,
    );
  }

  onModuleInit(): void {
    this.health.addCheck(() => this.check());
  }

  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    const problems = [await this.pgClientProblem(), await this.staleness()].filter((problem): problem is string => !!problem);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return problems.length ? { name: 'backups', status: 'degraded', latencyMs, error: problems.join('; ') } : { name: 'backups', status: 'up', latencyMs };
  }

  /** BACKUP_PG_CLIENT_MISMATCH's message (or why pg_dump cannot be found), cached for a few minutes. */
  private async pgClientProblem(): Promise<string | undefined> {
    if (this.clientCheck && Date.now() - this.clientCheck.at < CLIENT_CHECK_TTL_MS) return this.clientCheck.problem;
    let problem: string | undefined;
    try {
      const server = serverVersionOf(await serverVersionNum(backupDatabaseUrl(this.config)));
      await locatePgTool('pg_dump', server, this.config.PG_BIN_DIR);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // A database that does not answer is the postgres check's business, not a client problem.
      if (code === ErrorCodes.backupPgClientMismatch || /pg_dump/.test((error as Error).message)) problem = (error as Error).message;
      else return undefined;
    }
    this.clientCheck = { at: Date.now(), problem };
    return problem;
  }

  private async staleness(): Promise<string | undefined> {
    const settings = await this.backups.settings();
    if (!settings.scheduleCron) return undefined;
    const interval = scheduleIntervalMs(settings.scheduleCron, settings.scheduleTimezone);
    if (!interval) return undefined;
    const last = (await this.backups.lastSuccess())?.completedAt;
    const since = last?.getTime() ?? this.startedAt;
    if (Date.now() - since <= 2 * interval) return undefined;
    return last
      ? `the last successful backup completed ${last.toISOString()}, longer ago than twice the schedule (${settings.scheduleCron})`
      : `no successful backup since the service started, longer ago than twice the schedule (${settings.scheduleCron})`;
  }
}

const seconds = (at: Date | null | undefined) => (at ? at.getTime() / 1000 : 0);
