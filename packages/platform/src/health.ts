import { Controller, Get, Inject, Injectable, Optional, Type } from '@nestjs/common';
import { type DependencyHealth, Rpc, type ServiceHealthReport, type ServiceName } from '@castline/contracts';
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

/** Checks this process's own dependencies (whichever of Postgres, Redis and NATS it uses). */
@Injectable()
export class HealthService {
  private readonly version = process.env.npm_package_version ?? '0.1.0';
  private readonly indicators = new Map<string, () => DependencyHealth | null>();

  /**
   * A service's own check besides its stores (e.g. the traffic-logger's GeoIP databases): a `degraded` answer
   * makes the report `degraded` (working, with less), `down` makes it `down`, null leaves it out.
   */
  addIndicator(name: string, check: () => DependencyHealth | null): void {
    this.indicators.set(name, check);
  }

  constructor(
    @Inject(SERVICE_NAME) private readonly service: ServiceName,
    private readonly nats: NatsClient,
    @Optional() private readonly prisma?: PrismaService,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
  ) {}

  async report(): Promise<ServiceHealthReport> {
    const checks = await Promise.all([
      this.prisma ? checkDependency('postgres', () => this.prisma!.$queryRaw`SELECT 1`) : undefined,
      this.redis ? checkDependency('redis', () => this.redis!.ping()) : undefined,
      checkDependency('nats', () => this.nats.rtt()),
    ]);
    const own = [...this.indicators.values()].map((check) => check());
    const present = [...checks, ...own].filter((check): check is DependencyHealth => check !== undefined && check !== null);
    return {
      service: this.service,
      status: present.some((check) => check.status === 'down') ? 'down' : present.some((check) => check.status === 'degraded') ? 'degraded' : 'up',
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
