import { Inject, Injectable } from '@nestjs/common';
import { type PlatformHealth, Rpc, SERVICE_NAMES, type ServiceHealthReport, type ServiceName, type ServiceStatus } from '@castline/contracts';
import { CONFIG, HealthService, NatsClient, worstStatus } from '@castline/platform';
import type { GatewayConfig } from '../config';

/** The whole platform's health: the gateway's own stores plus each service asked over NATS with a deadline. */
@Injectable()
export class PlatformHealthService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly ownHealth: HealthService,
    private readonly nats: NatsClient,
  ) {}

  async check(): Promise<PlatformHealth> {
    const own = await this.ownHealth.report();
    const others = await Promise.all(SERVICE_NAMES.filter((name) => name !== 'gateway').map((name) => this.ask(name)));
    const services: ServiceStatus[] = [{ name: 'gateway', latencyMs: 0, ...pick(own) }, ...others];
    // A degraded service (working, needs attention) makes the platform degraded, not down.
    const status = worstStatus([...own.checks.map((check) => check.status), ...services.map((service) => service.status)]);
    return { status, checkedAt: new Date().toISOString(), dependencies: own.checks, services };
  }

  private async ask(name: ServiceName): Promise<ServiceStatus> {
    const started = performance.now();
    try {
      const report = await this.nats.call(Rpc.health(name), {}, { timeoutMs: this.config.HEALTH_TIMEOUT_MS });
      return { name, latencyMs: elapsed(started), ...pick(report) };
    } catch (error) {
      return { name, status: 'down', latencyMs: elapsed(started), error: (error as Error).message };
    }
  }
}

const pick = (report: ServiceHealthReport) => ({
  status: report.status,
  pid: report.pid,
  uptimeSeconds: report.uptimeSeconds,
  version: report.version,
  checks: report.checks,
});

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100;
