import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_NAMES } from '@castline/contracts';
import type { Prisma } from '@castline/db';
import { CONFIG, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { MonitoringConfig } from '../config';
import { nextCheckState } from './check-state';
import { CheckProbes } from './check-probes';
import { type CheckRow, ChecksRepository } from './checks.repository';

/** Default timeout of a check: 0.8 x its interval. */
export const defaultTimeoutMs = (intervalSeconds: number) => Math.round(intervalSeconds * 800);

const CLAIM = `return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])`;

/**
 * Runs each enabled check once per interval across every monitoring instance: a run is the slot
 * floor(now / interval), and only the instance that claims the slot's Redis key (SET NX) runs it. Results are
 * recorded by ChecksRepository.recordRun (sample, state, outage, rollups in one transaction).
 */
@Injectable()
export class CheckScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CheckScheduler.name);
  private readonly instance = randomUUID();
  private readonly lastSlot = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private lastPruneHour = -1;

  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly checks: ChecksRepository,
    private readonly probes: CheckProbes,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.checks.ensureBuiltins(this.builtinChecks());
    if (this.config.CHECKS_TICK_MS > 0) {
      this.timer = setInterval(() => {
        if (this.ticking) return;
        this.ticking = true;
        this.tick(new Date())
          .catch((error: unknown) => this.logger.warn(`check tick failed: ${(error as Error).message}`))
          .finally(() => (this.ticking = false));
      }, this.config.CHECKS_TICK_MS);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** Starts the due checks of this moment (those whose slot this instance claims); resolves when they are recorded. */
  async tick(now: Date): Promise<number> {
    const due = (await this.checks.list({ enabled: true })).filter((check) => {
      const slot = Math.floor(now.getTime() / (check.intervalSeconds * 1000));
      if (this.lastSlot.get(check.id) === slot) return false;
      this.lastSlot.set(check.id, slot);
      return true;
    });
    const runs: Array<Promise<void>> = [];
    for (const check of due) {
      const slot = Math.floor(now.getTime() / (check.intervalSeconds * 1000));
      const claimed = await this.redis.eval(CLAIM, 1, `check-run:${check.id}:${slot}`, this.instance, String(check.intervalSeconds * 2000));
      if (claimed !== 'OK') continue;
      const run = this.run(check, now);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
      runs.push(run);
    }
    await this.maybePrune(now);
    await Promise.all(runs);
    return runs.length;
  }

  /** Runs one check now and records the result. */
  async run(check: CheckRow, at: Date = new Date()): Promise<void> {
    try {
      const result = await this.probes.run(check);
      await this.checks.recordRun(check.id, result, at, (current) =>
        nextCheckState(
          { status: current.status, failures: current.failures, failingSince: current.failingSince },
          result,
          { retries: current.retries, slowMs: current.slowMs, certExpiryDays: current.certExpiryDays },
          at,
        ),
      );
    } catch (error) {
      this.logger.warn(`check ${check.name} could not be recorded: ${(error as Error).message}`);
    }
  }

  private async maybePrune(now: Date): Promise<void> {
    const hour = Math.floor(now.getTime() / 3_600_000);
    if (hour === this.lastPruneHour) return;
    this.lastPruneHour = hour;
    const claimed = await this.redis.eval(CLAIM, 1, `check-prune:${hour}`, this.instance, '3600000');
    if (claimed === 'OK') await this.checks.prune(now);
  }

  private builtinChecks(): Prisma.MonitorCheckCreateInput[] {
    const interval = this.config.CHECKS_BUILTIN_INTERVAL_SECONDS;
    const base = { builtin: true, intervalSeconds: interval, timeoutMs: defaultTimeoutMs(interval), retries: 1, expectedStatuses: [] };
    return [
      ...SERVICE_NAMES.map((service) => ({ ...base, name: `service:${service}`, kind: 'service', target: service })),
      { ...base, name: 'postgres', kind: 'postgres' },
      { ...base, name: 'redis', kind: 'redis' },
      { ...base, name: 'nats', kind: 'nats' },
      ...(this.config.NGINX_HEALTH_URL === 'off' ? [] : [{ ...base, name: 'nginx', kind: 'nginx', target: this.config.NGINX_HEALTH_URL }]),
    ];
  }
}
