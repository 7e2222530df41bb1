import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queues } from '@castline/contracts';
import { CONFIG, type JobProcessor, Jobs, MetricsService } from '@castline/platform';
import { Gauge } from 'prom-client';
import type { TrafficLoggerConfig } from '../config';
import { TRAFFIC_STORE } from '../store/store.provider';
import type { TrafficStore } from '../store/traffic-store';
import { type MaintenancePolicy, type MaintenanceReport, runTrafficMaintenance } from './maintenance';

/** BullMQ job scheduler id: one hourly maintenance for every replica (BullMQ runs each firing once). */
export const MAINTENANCE_SCHEDULER = 'traffic-maintenance-hourly';

/**
 * Runs `traffic-maintenance` inside the traffic-logger: once at start (so today's partitions exist before the
 * first write) and hourly from a job scheduler. Rows in a DEFAULT partition are logged as an error and shown as
 * castline_traffic_default_partition_rows (alert on > 0).
 */
@Injectable()
export class MaintenanceWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceWorker.name);
  private processor?: JobProcessor<typeof Queues.trafficMaintenance>;
  private readonly policy: MaintenancePolicy;
  private readonly defaultRows: Gauge<'table'>;

  constructor(
    @Inject(CONFIG) config: TrafficLoggerConfig,
    @Inject(TRAFFIC_STORE) private readonly store: TrafficStore,
    private readonly jobs: Jobs,
    metrics: MetricsService,
  ) {
    this.policy = {
      partitionsAheadDays: config.TRAFFIC_PARTITIONS_AHEAD_DAYS,
      retentionDays: {
        requests: config.TRAFFIC_RETENTION_REQUESTS_DAYS,
        view_sessions: config.TRAFFIC_RETENTION_VIEWS_DAYS,
        events: config.TRAFFIC_RETENTION_ANALYTICS_DAYS,
        sessions: config.TRAFFIC_RETENTION_ANALYTICS_DAYS,
      },
      rollupRetentionDays: config.TRAFFIC_RETENTION_ANALYTICS_DAYS,
    };
    this.defaultRows = new Gauge({
      name: 'castline_traffic_default_partition_rows',
      help: 'Rows in a DEFAULT partition (written while their day had no partition); alert when above 0',
      labelNames: ['table'],
      registers: [metrics.registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.run().catch((error: unknown) => this.logger.error(error, 'traffic maintenance at start failed; the hourly job retries'));
    const queue = this.jobs.queue(Queues.trafficMaintenance);
    await queue.upsertScheduler(MAINTENANCE_SCHEDULER, { pattern: '7 * * * *', timezone: 'UTC' }, { name: 'maintain', data: { trigger: 'schedule' } });
    this.processor = await this.jobs.process(Queues.trafficMaintenance, () => this.run(), {
      concurrency: 1,
      onFailed: (_job, error) => this.logger.error(`traffic maintenance failed: ${error.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.close();
  }

  async run(): Promise<MaintenanceReport> {
    const report = await runTrafficMaintenance(this.store, this.policy);
    for (const [table, rows] of Object.entries(report.defaultRows)) {
      this.defaultRows.set({ table }, rows);
      if (rows > 0) this.logger.error(`traffic.${table}_default holds ${rows} rows: a day had no partition`);
    }
    if (report.created.length > 0 || report.dropped.length > 0) {
      this.logger.log(`traffic partitions: created ${report.created.join(', ') || 'none'}; dropped ${report.dropped.join(', ') || 'none'}`);
    }
    return report;
  }
}
