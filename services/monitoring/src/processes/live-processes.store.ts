import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ChannelMetrics, ChannelMetricsSchema, type MonitoringProcesses, type MonitoringStreams, Subjects } from '@castline/contracts';
import { CONFIG, natsConnectionOptions } from '@castline/platform';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { MonitoringConfig } from '../config';

/** A channel whose worker has not reported for this long is no longer running. */
export const PROCESS_MAX_AGE_MS = 10_000;

/**
 * The FFmpeg processes of the live channels, from the `channels.metrics` messages the workers publish every
 * second (the workers may run on other hosts, so /proc here would not see them). Its own subscription
 * without a queue group, so every monitoring replica sees every channel.
 */
@Injectable()
export class LiveProcessesStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveProcessesStore.name);
  private readonly latest = new Map<string, { metrics: ChannelMetrics; receivedAt: number }>();
  private connection: NatsConnection | undefined;

  constructor(@Inject(CONFIG) private readonly config: MonitoringConfig) {}

  async onModuleInit(): Promise<void> {
    this.connection = await connect({ ...natsConnectionOptions(this.config), name: `monitoring-processes-${process.pid}` });
    this.connection.subscribe(Subjects.channelsMetrics, {
      callback: (error, message) => {
        if (error) return;
        const parsed = ChannelMetricsSchema.safeParse(message.json());
        if (parsed.success) this.latest.set(parsed.data.channelId, { metrics: parsed.data, receivedAt: Date.now() });
        else this.logger.warn(`ignored a malformed ${Subjects.channelsMetrics} message`);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection?.drain();
  }

  processes(): MonitoringProcesses {
    return {
      processes: this.current().map((m) => ({
        pid: m.pid,
        channelId: m.channelId,
        slug: m.slug,
        workerId: m.workerId,
        runId: m.runId,
        uptimeSeconds: m.uptimeSeconds,
        cpuPercent: m.cpuPercent,
        rssBytes: m.rssBytes,
        threads: m.threads,
        readBytesPerSecond: m.readBytesPerSecond,
        writeBytesPerSecond: m.writeBytesPerSecond,
        sampledAt: m.sampledAt,
      })),
    };
  }

  streams(): MonitoringStreams {
    return {
      streams: this.current().map((m) => ({
        channelId: m.channelId,
        slug: m.slug,
        bitrateKbps: m.bitrateKbps,
        fps: m.fps,
        speed: m.speed,
        uptimeSeconds: m.uptimeSeconds,
        sampledAt: m.sampledAt,
        viewers: null,
      })),
    };
  }

  /** Reports younger than PROCESS_MAX_AGE_MS, by slug; older ones are dropped. */
  private current(): ChannelMetrics[] {
    const oldest = Date.now() - PROCESS_MAX_AGE_MS;
    for (const [channelId, entry] of this.latest) if (entry.receivedAt < oldest) this.latest.delete(channelId);
    return [...this.latest.values()].map((entry) => entry.metrics).sort((a, b) => a.slug.localeCompare(b.slug));
  }
}
