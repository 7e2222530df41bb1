import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ChannelMetrics, Events } from '@castline/contracts';
import { EventBus, LatestByKey } from '@castline/platform';
import { ChannelMetricsExporter } from './channel-metrics.exporter';

/** A channel whose worker has not reported for this long is no longer running (stopped, or its worker died). */
export const METRICS_MAX_AGE_MS = 10_000;
const SWEEP_INTERVAL_MS = 1_000;

/**
 * The latest `channels.metrics` of each running channel, in memory. A bus subscription without a queue group:
 * every replica of the service sees every channel.
 */
@Injectable()
export class ChannelMetricsStore implements OnModuleInit, OnModuleDestroy {
  private readonly latest: LatestByKey<ChannelMetrics>;
  private unsubscribe: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly exporter: ChannelMetricsExporter,
  ) {
    this.latest = new LatestByKey(METRICS_MAX_AGE_MS, { onExpire: (channelId) => this.exporter.remove(channelId) });
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(Events.channelMetrics, (metrics) => {
      this.latest.set(metrics.channelId, metrics);
      this.exporter.update(metrics);
    });
    this.sweeper = setInterval(() => this.latest.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    this.unsubscribe?.();
  }

  get(channelId: string): ChannelMetrics | undefined {
    return this.latest.get(channelId);
  }
}
