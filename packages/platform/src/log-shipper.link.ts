import { type BeforeApplicationShutdown, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Counter, Gauge } from 'prom-client';
import { LogShipper } from './log-shipper';
import { MetricsService } from './metrics';
import { NATS_CONNECTION } from './nats/connection';
import { CONFIG } from './tokens';
import type { BaseConfig } from './config';

export const LOG_SHIPPER = Symbol('LOG_SHIPPER');
const PINO_LEVELS: Record<string, number> = { fatal: 60, error: 50, warn: 40, info: 30 };

/** The process's shipper (one per app), or none when LOG_SHIP_LEVEL is off. */
export const createLogShipper = (service: string, config: BaseConfig): LogShipper | undefined =>
  config.LOG_SHIP_LEVEL === 'off' ? undefined : new LogShipper({ service, minLevel: PINO_LEVELS[config.LOG_SHIP_LEVEL], maxBuffer: config.LOG_SHIP_BUFFER });

/**
 * Connects the shipper (and the API rollups, unless API_ROLLUPS=off) to the process's NATS connection once it exists, exposes its counters on /metrics, and
 * sends what is still buffered when the app shuts down (before NATS drains), so a record logged right before
 * exit reaches app_logs.
 */
@Injectable()
export class LogShipperLink implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    @Inject(LOG_SHIPPER) private readonly shipper: LogShipper | null,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(CONFIG) private readonly config: BaseConfig,
    private readonly metrics: MetricsService,
  ) {
    const live = this.shipper;
    if (!live) return;
    new Counter({
      name: 'castline_log_records_dropped_total',
      help: 'Warn+ log records not shipped to app_logs because the buffer was full (NATS away)',
      registers: [metrics.registry],
      collect() {
        this.reset();
        this.inc(live.dropped);
      },
    });
    new Gauge({
      name: 'castline_log_records_pending',
      help: 'Log records waiting to be shipped to app_logs',
      registers: [metrics.registry],
      collect() {
        this.set(live.pending);
      },
    });
  }

  onModuleInit(): void {
    this.shipper?.attach(this.connection);
    if (this.config.API_ROLLUPS === 'on') this.metrics.rollups.attach(this.connection);
    else this.metrics.rollups.enabled = false;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.metrics.rollups.detach();
    if (!this.shipper) return;
    await this.shipper.flush();
    this.shipper.detach();
  }
}
