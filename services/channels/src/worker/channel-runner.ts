import { mkdir, readFile, statfs } from 'node:fs/promises';
import { Events } from '@castline/contracts';
import type { EventBus } from '@castline/platform';
import type { PrismaClient } from '@castline/db';
import { buildLiveCommand, hlsOutputPaths } from '@castline/ffmpeg';
import type { ChannelsConfig } from '../config';
import { announceChannelEvent, type ChannelEventInput, type ChannelStateChange, changeChannelState } from '../live/channel-state';
import { categorizeFailure } from '../supervision/failure-category';
import { type FailureCategory, RestartPolicy } from '../supervision/restart-policy';
import { deleteUnlistedSegments } from '../supervision/segment-cleanup';
import { probeSource } from '../supervision/source-probe';
import type { UploadStorage } from '../uploads/upload-storage.repository';
import { type RunnableChannel, toLiveEncodeSpec } from './encode-spec';
import { FfmpegProcess } from './ffmpeg-process';
import type { WorkerTelemetry } from './telemetry/worker-telemetry';

const PLAYLIST_POLL_MS = 200;
/** Safety net for a lost control message: Postgres' desiredState is re-read this often. */
const DESIRED_STATE_CHECK_MS = 2_000;
/** Once running, the playlist is read this often for the segment watchdog. */
const SEGMENT_CHECK_MS = 1_000;
/** ffprobe's read timeout when checking whether the primary source is back. */
const PRIMARY_PROBE_TIMEOUT_SECONDS = 5;

export type RunOutcome = 'stopped' | 'error' | 'handed-back';
type Request = 'stop' | 'restart' | 'hand-back';

/** How one FFmpeg run ended. */
type RunEnd =
  | { kind: 'exited'; failure: string }
  | { kind: 'stalled'; failure: string }
  /** The primary source answered again while a backup was on the air. */
  | { kind: 'failback' };

export interface RunnerDeps {
  prisma: PrismaClient;
  bus: EventBus;
  uploads: UploadStorage;
  config: Pick<
    ChannelsConfig,
    | 'HLS_ROOT'
    | 'HLS_MIN_FREE_BYTES'
    | 'INPUT_TIMEOUT_SECONDS'
    | 'PRIMARY_PROBE_INTERVAL_MS'
    | 'STALL_PROGRESS_MS'
    | 'STALL_SEGMENT_MS'
    | 'RESTART_MAX'
    | 'RESTART_WINDOW_MS'
    | 'RESTART_COOLDOWN_MS'
  >;
  log: (message: string) => void;
  /** Per-run metrics, stderr logs and thumbnails; absent, the channel runs without them. */
  telemetry?: WorkerTelemetry;
}

/**
 * Runs one channel inside a worker for as long as it should run: FFmpeg in its own process group,
 * `running` once this run's first segment is in the playlist, automatic restarts through RestartPolicy,
 * and cooperative stop / restart / hand-back (BullMQ cannot cancel an active job by itself).
 *
 * Sources: a network failure moves to the next source (wrapping around), a 'failover' event; while a backup
 * is on the air the primary is probed every PRIMARY_PROBE_INTERVAL_MS and taken back when it answers, a
 * 'failback' event. Moving to a source that has not failed since the channel last ran is immediate and free;
 * once every source has failed in a row (a single source: every time), each further failure goes through
 * RestartPolicy's cooldown and budget like an encoding crash, so a channel whose sources are all down still
 * ends in `error`.
 * Stall watchdog: no progress for STALL_PROGRESS_MS or no new segment for STALL_SEGMENT_MS kills the group,
 * a 'stall' event, and counts as an encoding failure (a silent source makes FFmpeg fail with a network error
 * after INPUT_TIMEOUT_SECONDS, before the watchdog fires).
 */
export class ChannelRunner {
  private readonly policy: RestartPolicy;
  private request: Request | undefined;
  private ffmpeg: FfmpegProcess | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Index into the channel's ordered sources of the one on the air (0 = primary). */
  private sourceIndex = 0;
  /** Network failures since the channel last reached `running`. */
  private failuresInRow = 0;

  constructor(
    readonly channelId: string,
    private readonly deps: RunnerDeps,
  ) {
    const { RESTART_MAX, RESTART_WINDOW_MS, RESTART_COOLDOWN_MS } = deps.config;
    this.policy = new RestartPolicy({ maxRestarts: RESTART_MAX, windowMs: RESTART_WINDOW_MS, cooldownMs: RESTART_COOLDOWN_MS });
  }

  async run(): Promise<RunOutcome> {
    this.unsubscribe = this.deps.bus.subscribe(Events.channelControl(this.channelId), (control) => this.ask(control.action));
    try {
      return await this.supervise();
    } finally {
      this.unsubscribe();
    }
  }

  /** Worker shutdown: stop FFmpeg and give the channel back to the queue for another worker. */
  handBack(): void {
    this.ask('hand-back');
  }

  private ask(request: Request): void {
    // A hand-back or stop is never downgraded by a later restart.
    if (this.request === 'hand-back' || (this.request === 'stop' && request === 'restart')) return;
    this.request = request;
    void this.ffmpeg?.stop();
    this.wake?.();
  }

  private async supervise(): Promise<RunOutcome> {
    for (;;) {
      const channel = await this.load();
      if (this.request === 'hand-back') return 'handed-back';
      if (!channel || channel.desiredState === 'stopped' || this.request === 'stop') {
        if (await this.finishStop()) return 'stopped';
        continue;
      }
      if (this.request === 'restart') {
        this.policy.operatorRestart();
        this.request = undefined;
      }

      const lowSpace = await this.lowFreeSpace();
      if (lowSpace) {
        await this.giveUp(lowSpace, 'resource', 'not enough free space in HLS_ROOT');
        return 'error';
      }

      let end: RunEnd;
      try {
        end = await this.runOnce(channel);
      } catch (error) {
        const failure = error instanceof Error ? error.message : String(error);
        await this.giveUp(failure, 'fatal', 'could not start FFmpeg');
        return 'error';
      }
      if (this.request) continue;

      if (end.kind === 'failback') {
        await this.switchSource(channel, 0, { type: 'failback', message: 'the primary source is back' });
        continue;
      }
      const category: FailureCategory = end.kind === 'stalled' ? 'encoding' : categorizeFailure(end.failure);
      const failure = end.failure;
      if (category === 'network') {
        this.failuresInRow += 1;
        if (channel.sources.length > 1) {
          const next = (this.sourceIndex + 1) % channel.sources.length;
          if (this.failuresInRow < channel.sources.length) {
            await this.switchSource(channel, next, { type: 'failover', category, message: 'source failed', details: { lastLines: failure.slice(-2000) } });
            continue;
          }
          this.sourceIndex = next;
        }
      }
      const decision = this.policy.afterFailure(category, channel.autoRestart);
      if (decision.action === 'give-up') {
        await this.giveUp(failure, category, decision.reason);
        return 'error';
      }
      const what = end.kind === 'stalled' ? 'FFmpeg stalled' : 'FFmpeg exited';
      await this.change(
        { status: 'starting', lastError: failure },
        { type: 'restart', category, message: `${what}; restart ${decision.attempt} in ${Math.round(decision.delayMs / 1000)} s on source ${this.positionOf(channel, this.sourceIndex)}`, details: { lastLines: failure.slice(-2000) } },
      );
      await this.sleep(decision.delayMs);
    }
  }

  /** One FFmpeg run, on the current source, until it exits, stalls, is asked to stop, or the primary is back. */
  private async runOnce(channel: RunnableChannel): Promise<RunEnd> {
    const { config } = this.deps;
    const runId = Date.now().toString(36);
    if (channel.sources.length === 0) throw new Error('the channel has no source');
    this.sourceIndex %= channel.sources.length;
    const onBackup = this.sourceIndex !== 0;
    const source = channel.sources[this.sourceIndex] as RunnableChannel['sources'][number];
    const primary = channel.sources[0] as RunnableChannel['sources'][number];
    const spec = toLiveEncodeSpec(channel, {
      hlsRoot: config.HLS_ROOT,
      runId,
      sourceUrl: source.url,
      logoPath: channel.logo ? this.deps.uploads.resolve(channel.logo.storedPath) : undefined,
      inputTimeoutSeconds: config.INPUT_TIMEOUT_SECONDS,
    });
    await mkdir(spec.outputDir, { recursive: true });
    const ffmpegArgs = buildLiveCommand(spec);
    const ffmpeg = new FfmpegProcess(ffmpegArgs);
    this.ffmpeg = ffmpeg;
    this.deps.log(`channel ${channel.slug}: FFmpeg ${ffmpeg.pid} started (run ${runId}, source ${source.position})`);

    const { mediaPlaylists } = hlsOutputPaths(spec);
    const [playlist = hlsOutputPaths(spec).entryPlaylist] = mediaPlaylists;
    const telemetry = ffmpeg.pid === undefined ? undefined : this.deps.telemetry?.startRun({
      channelId: this.channelId, slug: channel.slug, runId, pid: ffmpeg.pid, playlistPath: playlist, progress: ffmpeg.progress, args: ffmpegArgs,
    });
    ffmpeg.onStderrLine = (line) => telemetry?.stderr(line);
    let announced = false;
    let lastDesiredCheck = Date.now();
    let lastSegmentCheck = 0;
    let newestSegment = '';
    let newestSegmentAt = Date.now();
    let lastPrimaryProbe = Date.now();
    let primaryProbe: Promise<void> | undefined;
    let primaryBack = false;
    let stall: string | undefined;
    while (ffmpeg.alive && !this.request && !primaryBack && !stall) {
      await Promise.race([ffmpeg.exited, delay(PLAYLIST_POLL_MS)]);
      if (!ffmpeg.alive || this.request) break;
      const now = Date.now();
      if (!announced || now - lastSegmentCheck >= SEGMENT_CHECK_MS) {
        lastSegmentCheck = now;
        const segment = newestSegmentOf(await readFile(playlist, 'utf8').catch(() => ''), runId);
        if (segment && segment !== newestSegment) {
          newestSegment = segment;
          newestSegmentAt = now;
        }
      }
      if (!announced && newestSegment) {
        announced = true;
        this.failuresInRow = 0;
        await this.change({ status: 'running', startedAt: new Date(), lastError: null }, { type: 'state', message: `running: first segment of run ${runId}` });
      }
      if (now - ffmpeg.lastProgressAt > config.STALL_PROGRESS_MS) {
        stall = `stalled: no progress from FFmpeg for ${Math.round((now - ffmpeg.lastProgressAt) / 1000)} s`;
      } else if (now - newestSegmentAt > config.STALL_SEGMENT_MS) {
        stall = `stalled: no new segment for ${Math.round((now - newestSegmentAt) / 1000)} s`;
      }
      if (onBackup && announced && !primaryProbe && now - lastPrimaryProbe >= config.PRIMARY_PROBE_INTERVAL_MS) {
        primaryProbe = probeSource(primary.url, Math.min(config.INPUT_TIMEOUT_SECONDS, PRIMARY_PROBE_TIMEOUT_SECONDS)).then((answered) => {
          primaryBack = answered;
          lastPrimaryProbe = Date.now();
          primaryProbe = undefined;
        });
      }
      if (now - lastDesiredCheck >= DESIRED_STATE_CHECK_MS) {
        lastDesiredCheck = now;
        const current = await this.deps.prisma.channel.findUnique({ where: { id: this.channelId }, select: { desiredState: true } });
        if (!current || current.desiredState === 'stopped') this.ask('stop');
      }
    }
    if (stall) {
      this.deps.log(`channel ${channel.slug}: FFmpeg ${ffmpeg.pid} ${stall}`);
      await this.change({}, { type: 'stall', category: 'encoding', message: stall });
      await ffmpeg.kill();
    } else if (this.request || primaryBack) {
      await ffmpeg.stop();
    }
    const exit = await ffmpeg.exited;
    await telemetry?.stop();
    this.ffmpeg = undefined;
    this.deps.log(`channel ${channel.slug}: FFmpeg ${ffmpeg.pid} exited (${exit.signal ?? exit.code})`);
    await Promise.all(mediaPlaylists.map((mediaPlaylist) => deleteUnlistedSegments(mediaPlaylist)));
    if (stall) return { kind: 'stalled', failure: `${stall}\n${ffmpeg.lastStderr}`.trim() };
    if (primaryBack && !this.request) return { kind: 'failback' };
    return { kind: 'exited', failure: ffmpeg.lastStderr || `FFmpeg exited with ${exit.signal ?? `code ${exit.code}`}` };
  }

  /** Puts another source on the air for the next run, with its event ('failover' or 'failback'). */
  private async switchSource(channel: RunnableChannel, to: number, event: ChannelEventInput): Promise<void> {
    const from = this.sourceIndex;
    this.sourceIndex = to;
    if (event.type === 'failback') this.failuresInRow = 0;
    const fromPosition = this.positionOf(channel, from);
    const toPosition = this.positionOf(channel, to);
    this.deps.log(`channel ${channel.slug}: ${event.type} from source ${fromPosition} to source ${toPosition}`);
    await this.change(
      { status: 'starting' },
      { ...event, message: `${event.type}: ${event.message}; source ${fromPosition} -> source ${toPosition}`, details: { ...event.details, from: fromPosition, to: toPosition } },
    );
  }

  private positionOf(channel: RunnableChannel, index: number): number {
    return channel.sources[index]?.position ?? index;
  }

  /** Why a channel must not start now for lack of space in HLS_ROOT, or undefined. */
  private async lowFreeSpace(): Promise<string | undefined> {
    const root = this.deps.config.HLS_ROOT;
    await mkdir(root, { recursive: true });
    const stats = await statfs(root);
    const free = stats.bavail * stats.bsize;
    const needed = this.deps.config.HLS_MIN_FREE_BYTES;
    if (free >= needed) return undefined;
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    return `HLS_ROOT ${root} has ${mib(free)} MiB free, less than HLS_MIN_FREE_BYTES (${mib(needed)} MiB)`;
  }

  /**
   * Marks the channel stopped unless an operator started it again meanwhile (the job still held its id, so
   * that start queued nothing): then it runs on. True when stopped.
   */
  private async finishStop(): Promise<boolean> {
    const { count } = await this.deps.prisma.channel.updateMany({
      where: { id: this.channelId, desiredState: 'stopped' },
      data: { status: 'stopped', startedAt: null },
    });
    this.request = undefined;
    if (count === 0) {
      const exists = await this.deps.prisma.channel.count({ where: { id: this.channelId } });
      return exists === 0;
    }
    const stopped = { type: 'state', message: 'stopped' } as const;
    const row = await this.deps.prisma.channelEvent.create({ data: { channelId: this.channelId, ...stopped } });
    announceChannelEvent(this.deps.bus, this.channelId, 'stopped', stopped, row.at);
    return true;
  }

  private async giveUp(lastError: string, category: string, reason: string): Promise<void> {
    // Nothing runs any more, so the desired state follows: a later start is a fresh start.
    await this.change(
      { status: 'error', desiredState: 'stopped', lastError, startedAt: null },
      { type: 'error', category, message: `error: ${reason}`, details: { lastLines: lastError.slice(-2000) } },
    );
  }

  private load(): Promise<RunnableChannel | null> {
    return this.deps.prisma.channel.findUnique({
      where: { id: this.channelId },
      include: { sources: { orderBy: { position: 'asc' } }, preset: true, logo: true },
    });
  }

  private async change(change: ChannelStateChange, event: ChannelEventInput): Promise<void> {
    await changeChannelState(this.deps.prisma, this.channelId, change, event, this.deps.bus);
  }

  /** Waits, but a stop, restart or hand-back ends the wait at once. */
  private async sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.request) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The last segment of this run the playlist lists, or '' before the first. */
function newestSegmentOf(playlist: string, runId: string): string {
  const segments = playlist.split('\n').filter((line) => line.startsWith(`seg_${runId}_`));
  return segments.at(-1) ?? '';
}
