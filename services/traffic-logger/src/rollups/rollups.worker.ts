import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queues } from '@castline/contracts';
import { CONFIG, type JobProcessor, Jobs, MetricsService } from '@castline/platform';
import { Gauge } from 'prom-client';
import type { TrafficLoggerConfig } from '../config';
import { TRAFFIC_STORE } from '../store/store.provider';
import type { RollupReport, TrafficStore } from '../store/traffic-store';
import { runRollups } from './rollups';

/** BullMQ job scheduler id: one firing per minute across replicas. */
export const ROLLUPS_SCHEDULER = 'traffic-rollups-minutely';

/**
 * Runs `traffic-rollups` in the traffic-logger: at start and every minute (TRAFFIC_ROLLUP_CRON), rebuilding the
 * last TRAFFIC_ROLLUP_HOURS hours plus the current one. A failed run is only logged: the next one redoes the same
 * hours. castline_traffic_rollup_last_success_seconds tells how fresh the analytics are.
 */
@Injectable()
export class RollupsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupsWorker.name);
  private processor?: JobProcessor<typeof Queues.trafficRollups>;
  private readonly lastSuccess: Gauge;

  constructor(
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
    @Inject(TRAFFIC_STORE) private readonly store: TrafficStore,
    private readonly jobs: Jobs,
    metrics: MetricsService,
  ) {
    this.lastSuccess = new Gauge({
      name: 'castline_traffic_rollup_last_success_seconds',
      help: 'Unix time of the last successful analytics rollup run',
      registers: [metrics.registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.jobs.queue(Queues.trafficRollups);
    await queue.upsertScheduler(ROLLUPS_SCHEDULER, { pattern: this.config.TRAFFIC_ROLLUP_CRON, timezone: 'UTC' }, { name: 'rollup', data: { trigger: 'schedule' } });
    this.processor = await this.jobs.process(Queues.trafficRollups, () => this.run(), {
      concurrency: 1,
      onFailed: (_job, error) => this.logger.error(`traffic rollups failed: ${error.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor?.close();
  }

  async run(): Promise<RollupReport> {
    const report = await runRollups(this.store, this.config.TRAFFIC_ROLLUP_HOURS);
    this.lastSuccess.set(Date.now() / 1000);
    return report;
  }
}
