import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ChannelMetrics, Events, type MonitoringProcesses, type MonitoringStreams, type TrafficViewers } from '@castline/contracts';
import { EventBus, LatestByKey } from '@castline/platform';

/** A channel whose worker has not reported for this long is no longer running. */
export const PROCESS_MAX_AGE_MS = 10_000;
/** The traffic-logger counts every 5 s: three missed counts and a channel's viewers are unknown (null), not 0. */
export const VIEWERS_MAX_AGE_MS = 15_000;

/** Viewers and egress of one channel summed over every fresh access-log count; null without any. */
export function audienceOf(reports: TrafficViewers[], channel: { channelId: string; slug: string }) {
  if (reports.length === 0) return { viewers: null, egressBitsPerSecond: null };
  let viewers = 0;
  let egressBitsPerSecond = 0;
  for (const report of reports) {
    for (const entry of report.channels) {
      if (entry.channelId !== channel.channelId && entry.slug !== channel.slug) continue;
      viewers += entry.viewers;
      egressBitsPerSecond += entry.egressBitsPerSecond;
    }
  }
  return { viewers, egressBitsPerSecond };
}

/**
 * The FFmpeg processes of the live channels, from the `channels.metrics` messages the workers publish every
 * second (the workers may run on other hosts, so /proc here would not see them). A bus subscription without
 * a queue group, so every monitoring replica sees every channel.
 */
@Injectable()
export class LiveProcessesStore implements OnModuleInit, OnModuleDestroy {
  private readonly latest = new LatestByKey<ChannelMetrics>(PROCESS_MAX_AGE_MS);
  /** The latest `traffic.viewers` of each access log. */
  private readonly audience = new LatestByKey<TrafficViewers>(VIEWERS_MAX_AGE_MS);
  private readonly unsubscribes: Array<() => void> = [];

  constructor(private readonly bus: EventBus) {}

  onModuleInit(): void {
    this.unsubscribes.push(
      this.bus.subscribe(Events.channelMetrics, (metrics) => this.latest.set(metrics.channelId, metrics)),
      this.bus.subscribe(Events.trafficViewers, (report) => this.audience.set(report.source, report)),
    );
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
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
    const reports = this.audience.values();
    return {
      streams: this.current().map((m) => ({
        channelId: m.channelId,
        slug: m.slug,
        bitrateKbps: m.bitrateKbps,
        fps: m.fps,
        speed: m.speed,
        uptimeSeconds: m.uptimeSeconds,
        sampledAt: m.sampledAt,
        ...audienceOf(reports, m),
      })),
    };
  }

  /** Reports younger than PROCESS_MAX_AGE_MS, by slug. */
  private current(): ChannelMetrics[] {
    return this.latest.values().sort((a, b) => a.slug.localeCompare(b.slug));
  }
}
