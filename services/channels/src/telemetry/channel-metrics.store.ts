import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ChannelMetrics, ChannelMetricsSchema, Subjects } from '@castline/contracts';
import { CONFIG, natsConnectionOptions } from '@castline/platform';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ChannelsConfig } from '../config';
import { ChannelMetricsExporter } from './channel-metrics.exporter';

/** A channel whose worker has not reported for this long is no longer running (stopped, or its worker died). */
export const METRICS_MAX_AGE_MS = 10_000;
const SWEEP_INTERVAL_MS = 1_000;

/**
 * The latest `channels.metrics` of each running channel, in memory. Its own NATS subscription without a
 * queue group: every replica of the service sees every channel (Nest's handlers share a queue group).
 */
@Injectable()
export class ChannelMetricsStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChannelMetricsStore.name);
  private readonly latest = new Map<string, { metrics: ChannelMetrics; receivedAt: number }>();
  private connection: NatsConnection | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: ChannelsConfig,
    private readonly exporter: ChannelMetricsExporter,
  ) {}

  async onModuleInit(): Promise<void> {
    this.connection = await connect({ ...natsConnectionOptions(this.config), name: `channels-metrics-${process.pid}` });
    this.connection.subscribe(Subjects.channelsMetrics, {
      callback: (error, message) => {
        if (error) return;
        const parsed = ChannelMetricsSchema.safeParse(message.json());
        if (!parsed.success) {
          this.logger.warn(`ignored a malformed ${Subjects.channelsMetrics} message`);
          return;
        }
        this.latest.set(parsed.data.channelId, { metrics: parsed.data, receivedAt: Date.now() });
        this.exporter.update(parsed.data);
      },
    });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await this.connection?.drain();
  }

  get(channelId: string): ChannelMetrics | undefined {
    this.sweep();
    return this.latest.get(channelId)?.metrics;
  }

  private sweep(): void {
    const oldest = Date.now() - METRICS_MAX_AGE_MS;
    for (const [channelId, entry] of this.latest) {
      if (entry.receivedAt >= oldest) continue;
      this.latest.delete(channelId);
      this.exporter.remove(channelId);
    }
  }
}
