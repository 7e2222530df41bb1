import { z } from 'zod';
import { ChannelStatusSchema } from './channels';

/**
 * Live-channel telemetry. A worker publishes one `ChannelMetrics` per running channel every second on
 * `channels.metrics` (an event, plain JSON); the channels and monitoring services keep the latest per channel.
 */
const count = z.number().nonnegative();
const rate = z.number().nonnegative().nullable();

export const ChannelMetricsSchema = z.object({
  channelId: z.uuid(),
  slug: z.string(),
  /** hostname:pid of the worker process that runs the channel. */
  workerId: z.string(),
  /** FFmpeg's pid on the worker's host. */
  pid: z.number().int().positive(),
  runId: z.string(),
  /** Seconds since this FFmpeg run started. */
  uptimeSeconds: count,
  /** Frames per second over the last 10 s; null before two progress reports. */
  fps: rate,
  /** Output media time per wall-clock time over the last 10 s (1 = real time). */
  speed: rate,
  /** Output bitrate from the newest segments on disk (bytes * 8 / their durations). */
  bitrateKbps: rate,
  /** FFmpeg's counters for this run. */
  dropFrames: count,
  dupFrames: count,
  /** FFmpeg's CPU over the last second; 100 = one core busy the whole second. */
  cpuPercent: rate,
  rssBytes: count,
  threads: count,
  /** rchar / wchar rates: bytes through read()/write() (tmpfs included, unlike read_bytes; recvmsg on sockets is not); null when /proc/<pid>/io is unreadable. */
  readBytesPerSecond: rate,
  writeBytesPerSecond: rate,
  /** Automatic restarts since the worker took the channel. */
  restarts: z.number().int().nonnegative(),
  /**
   * The output's picture size (the first rendition's, with a ladder), probed once per run from its newest
   * segment; null until then. Logo coordinates are in these pixels.
   */
  outputWidth: z.number().int().positive().nullable(),
  outputHeight: z.number().int().positive().nullable(),
  /**
   * Seconds since this run's newest segment appeared in its playlist; null before its first. The dashboard
   * says "Live" only while this stays within a few segment durations.
   */
  lastSegmentAgeSeconds: z.number().nonnegative().nullable().optional(),
  sampledAt: z.string(),
});
export type ChannelMetrics = z.infer<typeof ChannelMetricsSchema>;

/**
 * Published on `channels.events` (plain JSON) after every committed status change and/or channel_events row,
 * by whoever made it (the channels service or a worker); the gateway pushes it to dashboards.
 */
export const ChannelEventMessageSchema = z.object({
  channelId: z.uuid(),
  /** The channel's status after the change, when the change set one. */
  status: ChannelStatusSchema.optional(),
  /** 'state', 'restart', 'error', 'failover', 'failback', 'stall'. */
  type: z.string(),
  /** Error category ('network', 'encoding', 'resource', 'fatal') of an error event. */
  category: z.string().optional(),
  message: z.string(),
  at: z.string(),
  /** The channel_events row's id, when the event was stored: consumers dedup by it (JetStream delivers at least once). */
  eventId: z.string().optional(),
});
export type ChannelEventMessage = z.infer<typeof ChannelEventMessageSchema>;

export const ChannelLogRunSchema = z.object({
  runId: z.string(),
  startedAt: z.string(),
  /** The first lines of the run's stderr (starting with a synthetic "run <id> started" line). */
  head: z.array(z.string()),
  /** The last lines of the run's stderr (they may repeat head lines of a short run). */
  tail: z.array(z.string()),
});
export const ChannelLogsSchema = z.object({ runs: z.array(ChannelLogRunSchema) });
export type ChannelLogs = z.infer<typeof ChannelLogsSchema>;

export const ChannelThumbnailSchema = z.object({ jpegBase64: z.string(), capturedAt: z.string() });
export type ChannelThumbnail = z.infer<typeof ChannelThumbnailSchema>;

/** Reply of `monitoring.processes`: every FFmpeg process the workers reported in the last 10 s. */
export const MonitoringProcessesSchema = z.object({
  processes: z.array(
    ChannelMetricsSchema.pick({
      pid: true,
      channelId: true,
      slug: true,
      workerId: true,
      runId: true,
      uptimeSeconds: true,
      cpuPercent: true,
      rssBytes: true,
      threads: true,
      readBytesPerSecond: true,
      writeBytesPerSecond: true,
      sampledAt: true,
    }),
  ),
});
export type MonitoringProcesses = z.infer<typeof MonitoringProcessesSchema>;

/** Reply of `monitoring.streams`: the channels running now with their output. */
export const MonitoringStreamsSchema = z.object({
  streams: z.array(
    ChannelMetricsSchema.pick({ channelId: true, slug: true, bitrateKbps: true, fps: true, speed: true, uptimeSeconds: true, sampledAt: true }).extend({
      /** Distinct viewers in the traffic-logger's window (traffic.viewers); null when no count is fresh. */
      viewers: z.number().int().nonnegative().nullable(),
      /** Bits per second nginx sent for the channel over that window; null with viewers. */
      egressBitsPerSecond: z.number().nonnegative().nullable(),
    }),
  ),
});
export type MonitoringStreams = z.infer<typeof MonitoringStreamsSchema>;
