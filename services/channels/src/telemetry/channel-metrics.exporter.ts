import { Injectable } from '@nestjs/common';
import { type ChannelMetrics, ChannelStatusSchema } from '@castline/contracts';
import { MetricsService } from '@castline/platform';
import { Gauge } from 'prom-client';
import { ChannelStatesRepository } from './channel-states.repository';

const STATE_VALUES: Record<string, number> = Object.fromEntries(ChannelStatusSchema.options.map((status, index) => [status, index]));

type ChannelGauge = Gauge<'channel'>;

/**
 * Per-channel gauges on the channels service's /metrics, label `channel` = channel id (bounded by the
 * number of channels). A channel's series exist while its worker reports it and are removed when it stops.
 */
@Injectable()
export class ChannelMetricsExporter {
  private readonly gauges: Array<[ChannelGauge, (metrics: ChannelMetrics) => number | null]>;

  constructor(metrics: MetricsService, states: ChannelStatesRepository) {
    const registers = [metrics.registry];
    const gauge = (name: string, help: string): ChannelGauge => new Gauge({ name, help, labelNames: ['channel'], registers });
    this.gauges = [
      [gauge('castline_channel_fps', 'Frames per second encoded, over the last 10 s'), (m) => m.fps],
      [gauge('castline_channel_speed_ratio', 'Output media time per wall-clock time over the last 10 s (1 = real time)'), (m) => m.speed],
      [gauge('castline_channel_bitrate_bits_per_second', 'Output bitrate from the newest HLS segments'), (m) => (m.bitrateKbps === null ? null : m.bitrateKbps * 1000)],
      [gauge('castline_channel_dropped_frames', "Frames FFmpeg dropped in the current run (FFmpeg's cumulative counter)"), (m) => m.dropFrames],
      [gauge('castline_channel_cpu_ratio', "FFmpeg's CPU over the last second; 1 = one core busy"), (m) => (m.cpuPercent === null ? null : m.cpuPercent / 100)],
      [gauge('castline_channel_memory_rss_bytes', "FFmpeg's resident memory"), (m) => m.rssBytes],
      [gauge('castline_channel_uptime_seconds', 'Seconds since the current FFmpeg run started'), (m) => m.uptimeSeconds],
      [gauge('castline_channel_restarts_total', 'Automatic restarts since the worker took the channel'), (m) => m.restarts],
    ];
    new Gauge({
      name: 'castline_channel_state',
      help: 'Channel status: 0 stopped, 1 starting, 2 running, 3 stopping, 4 error, 5 waiting (for its source)',
      labelNames: ['channel'],
      registers,
      // Read from Postgres at scrape time: every channel, running or not, and a deleted one disappears.
      async collect() {
        const channels = await states.all();
        this.reset();
        for (const { id, status } of channels) this.set({ channel: id }, STATE_VALUES[status] ?? -1);
      },
    });
  }

  update(metrics: ChannelMetrics): void {
    for (const [gauge, value] of this.gauges) {
      const current = value(metrics);
      // A value the worker could not measure yet is left out rather than shown as 0.
      if (current === null) gauge.remove({ channel: metrics.channelId });
      else gauge.set({ channel: metrics.channelId }, current);
    }
  }

  remove(channelId: string): void {
    for (const [gauge] of this.gauges) gauge.remove({ channel: channelId });
  }
}
