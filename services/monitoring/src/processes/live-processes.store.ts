import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ChannelMetrics, Events, type MonitoringProcesses, type MonitoringStreams } from '@castline/contracts';
import { EventBus, LatestByKey } from '@castline/platform';

/** A channel whose worker has not reported for this long is no longer running. */
export const PROCESS_MAX_AGE_MS = 10_000;

/**
 * The FFmpeg processes of the live channels, from the `channels.metrics` messages the workers publish every
 * second (the workers may run on other hosts, so /proc here would not see them). A bus subscription without
 * a queue group, so every monitoring replica sees every channel.
 */
@Injectable()
export class LiveProcessesStore implements OnModuleInit, OnModuleDestroy {
  private readonly latest = new LatestByKey<ChannelMetrics>(PROCESS_MAX_AGE_MS);
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(Events.channelMetrics, (metrics) => this.latest.set(metrics.channelId, metrics));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
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

  /** Reports younger than PROCESS_MAX_AGE_MS, by slug. */
  private current(): ChannelMetrics[] {
    return this.latest.values().sort((a, b) => a.slug.localeCompare(b.slug));
  }
}
