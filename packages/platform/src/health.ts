import { Controller, Get, Inject, Injectable, Optional, Type } from '@nestjs/common';
import { type DependencyHealth, type HealthStatus, Rpc, type ServiceHealthReport, type ServiceName } from '@castline/contracts';
import type { Redis } from 'ioredis';
import { HandleRpc, NatsClient } from './nats';
import { PrismaService } from './prisma.service';
import { Public } from './public';
import { REDIS, SERVICE_NAME } from './tokens';

const CHECK_TIMEOUT_MS = 1_500;

/** Runs one dependency check with a deadline; a slow dependency is a down dependency. */
export async function checkDependency(name: string, probe: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name, status: 'up', latencyMs: round(performance.now() - started) };
  } catch (error) {
    return { name, status: 'down', latencyMs: round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The worst of some statuses: down, else degraded, else up. */
export const worstStatus = (statuses: readonly HealthStatus[]): HealthStatus =>
  statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'up';

/**
 * Checks this process's own dependencies (whichever of Postgres, Redis and NATS it uses), plus the checks a
 * service adds (`addCheck`) for its own state: one `degraded` makes the report degraded, one `down` down.
 */
@Injectable()
export class HealthService {
  private readonly version = process.env.npm_package_version ?? '0.1.0';
  private readonly extraChecks: Array<() => Promise<DependencyHealth>> = [];

  constructor(
    @Inject(SERVICE_NAME) private readonly service: ServiceName,
    private readonly nats: NatsClient,
    @Optional() private readonly prisma?: PrismaService,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
  ) {}

  /** A service's own check, run with every report (it should answer quickly: cache what is slow). */
  addCheck(check: () => Promise<DependencyHealth>): void {
    this.extraChecks.push(check);
  }

  async report(): Promise<ServiceHealthReport> {
    const checks = await Promise.all([
      this.prisma ? checkDependency('postgres', () => this.prisma!.$queryRaw`SELECT 1`) : undefined,
      this.redis ? checkDependency('redis', () => this.redis!.ping()) : undefined,
      checkDependency('nats', () => this.nats.rtt()),
      ...this.extraChecks.map((check) => check()),
    ]);
    const present = checks.filter((check): check is DependencyHealth => check !== undefined);
    return {
      service: this.service,
      status: worstStatus(present.map((check) => check.status)),
      version: this.version,
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime()),
      checks: present,
    };
  }
}

/**
 * `<service>.health` over NATS and GET /healthz over HTTP (for container healthchecks). Built per service
 * because the subject is part of the decorator.
 */
export function createHealthController(service: ServiceName): Type<unknown> {
  @Controller()
  @Public()
  class HealthController {
    constructor(private readonly health: HealthService) {}

    @HandleRpc(Rpc.health(service))
    report(): Promise<ServiceHealthReport> {
      return this.health.report();
    }

    @Get('healthz')
    liveness(): { status: 'ok' } {
      return { status: 'ok' };
    }
  }
  return HealthController;
}
