import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ChannelMetrics, Events } from '@castline/contracts';
import type { EventBus } from '@castline/platform';
import { buildFrameSizeProbeCommand, buildThumbnailCommand, minimalEnv, parseFrameSize, type ProgressParser } from '@castline/ffmpeg';
import type { Redis } from 'ioredis';
import {
  LOG_HEAD_LINES,
  LOG_RUNS_KEPT,
  LOG_TAIL_LINES,
  LOG_TTL_SECONDS,
  type LogRunEntry,
  TelemetryKeys,
  THUMBNAIL_TTL_SECONDS,
} from '../../telemetry/telemetry-keys';
import { cpuPercent, parsePidIo, parsePidStat, parsePidStatus, perSecond } from './proc-pid';
import { RunLogBuffer } from './run-log-buffer';
import { playlistBitrateKbps } from './segment-bitrate';

const run = promisify(execFile);
const SAMPLE_INTERVAL_MS = 1_000;
const THUMBNAIL_WIDTH = 320;
const THUMBNAIL_TIMEOUT_MS = 10_000;

export interface RunInfo {
  channelId: string;
  slug: string;
  runId: string;
  pid: number;
  /** The media playlist FFmpeg writes (the first rendition's with a ladder). */
  playlistPath: string;
  progress: ProgressParser;
  /** The FFmpeg arguments, for the synthetic first log line. */
  args: string[];
  restarts: number;
}

export interface RunTelemetryDeps {
  bus: EventBus;
  redis: Redis;
  workerId: string;
  /** A private temp directory (never under HLS_ROOT, which nginx serves). */
  thumbnailDir: string;
  thumbnailIntervalMs: number;
  log: (message: string) => void;
}

interface ProcReading {
  atMs: number;
  cpuTicks: number;
  readChars: number | null;
  writeChars: number | null;
}

/**
 * Telemetry of one FFmpeg run: every second /proc/<pid> and the progress parser become a `channels.metrics`
 * message and the stderr lines gathered meanwhile go to Redis in one round trip; every
 * THUMBNAIL_INTERVAL_MS a JPEG of the newest segment goes to Redis.
 */
export class RunTelemetry {
  private readonly startedAtMs = Date.now();
  private readonly logs = new RunLogBuffer(LOG_HEAD_LINES, LOG_TAIL_LINES);
  private readonly thumbnailPath: string;
  private previous: ProcReading | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private thumbnailTimer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private thumbnailing: Promise<void> | undefined;
  private newestSegment = '';
  private newestSegmentAtMs = 0;
  /** Probed after the first thumbnail (a segment exists then); FFmpeg keeps one size for the whole run. */
  private outputSize: { width: number; height: number } | null = null;
  private logsReady: Promise<void>;
  private stopped = false;

  constructor(
    private readonly info: RunInfo,
    private readonly deps: RunTelemetryDeps,
  ) {
    this.thumbnailPath = path.join(deps.thumbnailDir, `${info.channelId}.jpg`);
    this.logs.add(`run ${info.runId} started: ffmpeg ${redactArgs(info.args).join(' ')}`);
    this.logsReady = this.registerRun().catch((error: unknown) => this.deps.log(`logs of run ${info.runId}: ${(error as Error).message}`));
    this.sampleTimer = setInterval(() => {
      this.sampling ??= this.sample().finally(() => (this.sampling = undefined));
    }, SAMPLE_INTERVAL_MS);
    this.thumbnailTimer = setInterval(() => {
      this.thumbnailing ??= this.captureThumbnail().finally(() => (this.thumbnailing = undefined));
    }, deps.thumbnailIntervalMs);
    // Telemetry alone must not keep a worker alive.
    this.sampleTimer.unref();
    this.thumbnailTimer.unref();
  }

  stderr(line: string): void {
    if (!this.stopped) this.logs.add(line);
  }

  /** FFmpeg has exited: no more samples; the remaining stderr lines are written. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sampleTimer);
    clearInterval(this.thumbnailTimer);
    await Promise.all([this.sampling, this.thumbnailing]);
    await this.flushLogs();
    await rm(this.thumbnailPath, { force: true });
  }

  private async sample(): Promise<void> {
    const metrics = await this.readMetrics().catch(() => undefined);
    // The process is gone (or not yet readable): nothing to report this second.
    if (metrics && !this.stopped) this.deps.bus.publish(Events.channelMetrics, metrics);
    await this.flushLogs();
  }

  private async readMetrics(): Promise<ChannelMetrics | undefined> {
    const procDir = `/proc/${this.info.pid}`;
    const [statText, statusText, ioText, playlistText] = await Promise.all([
      readFile(`${procDir}/stat`, 'utf8'),
      readFile(`${procDir}/status`, 'utf8'),
      readFile(`${procDir}/io`, 'utf8').catch(() => undefined),
      readFile(this.info.playlistPath, 'utf8').catch(() => ''),
    ]);
    const atMs = performance.now();
    const stat = parsePidStat(statText);
    const status = parsePidStatus(statusText);
    const io = ioText === undefined ? undefined : parsePidIo(ioText);
    const current: ProcReading = { atMs, cpuTicks: stat.cpuTicks, readChars: io?.readChars ?? null, writeChars: io?.writeChars ?? null };
    const previous = this.previous;
    this.previous = current;
    const wallMs = previous ? atMs - previous.atMs : 0;

    const averages = this.info.progress.averages();
    const latest = this.info.progress.latest;
    return {
      channelId: this.info.channelId,
      slug: this.info.slug,
      workerId: this.deps.workerId,
      pid: this.info.pid,
      runId: this.info.runId,
      uptimeSeconds: (Date.now() - this.startedAtMs) / 1000,
      fps: nonNegative(averages.averageFps),
      speed: nonNegative(averages.averageSpeed),
      bitrateKbps: playlistText ? await playlistBitrateKbps(playlistText, this.info.playlistPath) : null,
      dropFrames: latest?.dropFrames ?? 0,
      dupFrames: latest?.dupFrames ?? 0,
      cpuPercent: previous ? cpuPercent(previous.cpuTicks, current.cpuTicks, wallMs) : null,
      rssBytes: status.rssBytes,
      threads: status.threads,
      readBytesPerSecond: perSecond(previous?.readChars, current.readChars, wallMs),
      writeBytesPerSecond: perSecond(previous?.writeChars, current.writeChars, wallMs),
      restarts: this.info.restarts,
      outputWidth: this.outputSize?.width ?? null,
      outputHeight: this.outputSize?.height ?? null,
      lastSegmentAgeSeconds: this.segmentAge(playlistText),
      sampledAt: new Date().toISOString(),
    };
  }

  /** Seconds since this run's newest listed segment first showed up (null before the first). */
  private segmentAge(playlistText: string): number | null {
    const newest = playlistText.split('\n').filter((line) => line.startsWith(`seg_${this.info.runId}_`)).at(-1);
    if (newest && newest !== this.newestSegment) {
      this.newestSegment = newest;
      this.newestSegmentAtMs = Date.now();
    }
    return this.newestSegment ? (Date.now() - this.newestSegmentAtMs) / 1000 : null;
  }

  /** Lists the run in the channel's log index; the runs that fall out of the last LOG_RUNS_KEPT are deleted. */
  private async registerRun(): Promise<void> {
    const { channelId, runId } = this.info;
    const entry: LogRunEntry = { runId, startedAt: new Date(this.startedAtMs).toISOString() };
    const evicted = await this.deps.redis.lrange(TelemetryKeys.logRuns(channelId), LOG_RUNS_KEPT - 1, -1);
    const transaction = this.deps.redis
      .multi()
      .lpush(TelemetryKeys.logRuns(channelId), JSON.stringify(entry))
      .ltrim(TelemetryKeys.logRuns(channelId), 0, LOG_RUNS_KEPT - 1)
      .expire(TelemetryKeys.logRuns(channelId), LOG_TTL_SECONDS);
    for (const raw of evicted) {
      const old = JSON.parse(raw) as LogRunEntry;
      transaction.del(TelemetryKeys.logHead(channelId, old.runId), TelemetryKeys.logTail(channelId, old.runId));
    }
    await transaction.exec();
  }

  private async flushLogs(): Promise<void> {
    await this.logsReady;
    if (!this.logs.pending) return;
    const { channelId, runId } = this.info;
    const { head, tail } = this.logs.take();
    const headKey = TelemetryKeys.logHead(channelId, runId);
    const tailKey = TelemetryKeys.logTail(channelId, runId);
    const transaction = this.deps.redis.multi();
    if (head.length > 0) transaction.rpush(headKey, ...head).expire(headKey, LOG_TTL_SECONDS);
    transaction.rpush(tailKey, ...tail).ltrim(tailKey, -LOG_TAIL_LINES, -1).expire(tailKey, LOG_TTL_SECONDS);
    await transaction.exec().catch((error: unknown) => this.deps.log(`logs of run ${runId}: ${(error as Error).message}`));
  }

  /**
   * One frame of the newest segment, scaled down, into a private temp file and from there to Redis; the first
   * time one succeeds, the output's picture size too.
   */
  private async captureThumbnail(): Promise<void> {
    try {
      await run('ffmpeg', buildThumbnailCommand(this.info.playlistPath, this.thumbnailPath, THUMBNAIL_WIDTH), {
        timeout: THUMBNAIL_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        env: minimalEnv(),
      });
      const jpeg = await readFile(this.thumbnailPath);
      if (this.stopped) return;
      const key = TelemetryKeys.thumbnail(this.info.channelId);
      await this.deps.redis
        .multi()
        .hset(key, { jpeg, capturedAt: new Date().toISOString() })
        .expire(key, THUMBNAIL_TTL_SECONDS)
        .exec();
      if (!this.outputSize) {
        const { stdout } = await run('ffprobe', buildFrameSizeProbeCommand(this.info.playlistPath), { timeout: THUMBNAIL_TIMEOUT_MS, killSignal: 'SIGKILL', env: minimalEnv() });
        this.outputSize = parseFrameSize(stdout);
      }
    } catch {
      // No playlist yet, or a segment was deleted under FFmpeg's feet: the next interval tries again.
    }
  }
}

/** Source URLs may carry credentials (rtmp://user:pass@, ?token=): logs show only scheme and host. */
export function redactArgs(args: string[]): string[] {
  return args.map((arg) => {
    const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(arg);
    if (!match) return arg;
    const host = (match[2] ?? '').replace(/^.*@/, '');
    return `${match[1]}://${host}/<redacted>`;
  });
}

function nonNegative(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) || value < 0 ? null : value;
}
