import { mkdir, readFile, statfs } from 'node:fs/promises';
import { Events } from '@castline/contracts';
import type { EventBus } from '@castline/platform';
import { buildLiveCommand, FfmpegProcess, hlsOutputPaths, secretRedactor } from '@castline/ffmpeg';
import type { SourcePolicy } from '../channels/source-policy';
import type { ChannelsConfig } from '../config';
import { type ChannelLeases, LEASE_RENEW_MS, LEASE_TTL_MS } from '../live/channel-lease';
import type { ChannelEventInput, ChannelStateChange } from '../live/channel-state';
import { removeRevokedSignedDirs } from '../live/playback';
import { describeSource, judgeRun, type RunVerdict } from '../supervision/failure-category';
import { RestartPolicy } from '../supervision/restart-policy';
import { deleteUnlistedSegments } from '../supervision/segment-cleanup';
import { probeSource } from '../supervision/source-probe';
import type { UploadStorage } from '../uploads/upload-storage.repository';
import { type RunnableChannel, toLiveEncodeSpec } from './encode-spec';
import type { RunnerRepository } from './runner.repository';
import type { WorkerTelemetry } from './telemetry/worker-telemetry';

const PLAYLIST_POLL_MS = 200;
/** Safety net for a lost control message: Postgres' desiredState is re-read this often. */
const DESIRED_STATE_CHECK_MS = 2_000;
/** Once running, the playlist is read this often for the segment watchdog. */
const SEGMENT_CHECK_MS = 1_000;
/** ffprobe's read timeout when checking whether the primary source is back. */
const PRIMARY_PROBE_TIMEOUT_SECONDS = 5;

/** `duplicate`: another worker holds the channel's lease (this job is a leftover); the job just ends. */
export type RunOutcome = 'stopped' | 'error' | 'handed-back' | 'duplicate';
type Request = 'stop' | 'restart' | 'hand-back' | 'lease-lost';

/** First probe delay while `waiting`; it doubles up to SOURCE_PROBE_MAX_MS. */
const FIRST_PROBE_MS = 5_000;

/** How one FFmpeg run ended. */
type RunEnd =
  | { kind: 'exited'; failure: string; verdict: RunVerdict }
  | { kind: 'stalled'; failure: string; verdict: RunVerdict }
  /** The primary source answered again while a backup was on the air. */
  | { kind: 'failback' };

export interface RunnerDeps {
  /** The channel's rows in PostgreSQL: load, desired state, status changes. */
  channels: RunnerRepository;
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
    | 'RESTART_BACKOFF_MAX_MS'
    | 'SOURCE_OPEN_ATTEMPTS'
    | 'SOURCE_PROBE_MAX_MS'
    | 'FFMPEG_NICE'
  >;
  /** One runner per channel across workers; absent (unit use), no lease is taken. */
  leases?: ChannelLeases;
  /** The worker's log: warn and error reach the stored app logs (and the alert rules on them), info does not. */
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Opens the sealed source URLs and checks each (its host resolved again) right before FFmpeg starts. */
  sources: SourcePolicy;
  /** Per-run metrics, stderr logs and thumbnails; absent, the channel runs without them. */
  telemetry?: WorkerTelemetry;
}

/**
 * Runs one channel inside a worker for as long as it should run: FFmpeg in its own process group at low CPU
 * priority, `running` once this run's first segment is in the playlist, automatic restarts through
 * RestartPolicy, and cooperative stop / restart / hand-back (BullMQ cannot cancel an active job by itself).
 *
 * Each finished run is judged from facts (judgeRun): how it ended, whether it was on the air, how long its
 * source had been silent. A run that was on the air is never abandoned: a crash (a signal the platform did
 * not send) or any other failure restarts at once, a silent source fails over to the next source (a
 * 'failover' event) or is retried. While a backup is on the air the primary is probed every
 * PRIMARY_PROBE_INTERVAL_MS and taken back when it answers ('failback').
 * A source that cannot be opened SOURCE_OPEN_ATTEMPTS times in a row (each source, with backups) puts the
 * channel in `waiting`: its sources are probed after 5 s, then ever more slowly up to SOURCE_PROBE_MAX_MS, and
 * the channel starts by itself when one answers. A crash loop (RESTART_MAX in RESTART_WINDOW_MS) is an
 * alert ('cooldown' event, status `error`, desiredState still running) and a growing wait, then a new try.
 * Stall watchdog: no progress for STALL_PROGRESS_MS or no new segment for STALL_SEGMENT_MS kills the group,
 * a 'stall' event. Every transition is a channel event in plain words, and the channel's status_detail.
 */
export class ChannelRunner {
  private readonly policy: RestartPolicy;
  private request: Request | undefined;
  private ffmpeg: FfmpegProcess | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Index into the channel's ordered sources of the one on the air (0 = primary). */
  private sourceIndex = 0;
  /** Network failures of runs that were on the air since the channel last reached `running`. */
  private failuresInRow = 0;
  /** Runs in a row whose source could not be opened. */
  private openFailures = 0;
  /** This runner's name on the channel's lease (unique even within one worker). */
  private readonly leaseToken: string;

  constructor(
    readonly channelId: string,
    private readonly deps: RunnerDeps,
  ) {
    const { RESTART_MAX, RESTART_WINDOW_MS, RESTART_COOLDOWN_MS, RESTART_BACKOFF_MAX_MS } = deps.config;
    this.policy = new RestartPolicy({ maxRestarts: RESTART_MAX, windowMs: RESTART_WINDOW_MS, cooldownMs: RESTART_COOLDOWN_MS, backoffMaxMs: RESTART_BACKOFF_MAX_MS });
    this.leaseToken = deps.leases?.newToken() ?? '';
  }

  async run(): Promise<RunOutcome> {
    if (!(await this.takeLease())) return 'duplicate';
    const renewal = setInterval(() => void this.renewLease(), LEASE_RENEW_MS);
    this.unsubscribe = this.deps.bus.subscribe(Events.channelControl(this.channelId), (control) => this.ask(control.action));
    try {
      const outcome = await this.supervise();
      return this.request === 'lease-lost' ? 'duplicate' : outcome;
    } finally {
      clearInterval(renewal);
      this.unsubscribe?.();
      if (this.request !== 'lease-lost') await this.deps.leases?.release(this.channelId, this.leaseToken).catch(() => undefined);
    }
  }

  /** Worker shutdown: stop FFmpeg and give the channel back to the queue for another worker. */
  handBack(): void {
    this.ask('hand-back');
  }

  /**
   * The channel's lease, waiting up to its TTL for a dead holder's lease to expire. False (with a log line)
   * when another worker runs the channel: a leftover job, e.g. queued again after Redis lost its data.
   */
  private async takeLease(): Promise<boolean> {
    const leases = this.deps.leases;
    if (!leases) return true;
    const until = Date.now() + LEASE_TTL_MS + LEASE_RENEW_MS;
    for (;;) {
      const taken = await leases.take(this.channelId, this.leaseToken).catch(() => true);
      if (taken) return true;
      if (Date.now() > until) {
        const holder = await leases.holderOf(this.channelId).catch(() => null);
        this.deps.log('info', `channel ${this.channelId}: already runs on worker ${holder ?? '?'}; this job ends without starting FFmpeg`);
        return false;
      }
      await delay(LEASE_RENEW_MS);
    }
  }

  private async renewLease(): Promise<void> {
    const taken = await this.deps.leases?.take(this.channelId, this.leaseToken).catch(() => true);
    if (taken === false && !this.request) {
      this.deps.log('warn', `channel ${this.channelId}: another worker took the channel's lease; stopping this FFmpeg`);
      this.ask('lease-lost');
    }
  }

  private ask(request: Request): void {
    // A hand-back, lease loss or stop is never downgraded by a later restart.
    if (this.request === 'hand-back' || this.request === 'lease-lost' || (this.request === 'stop' && request === 'restart')) return;
    this.request = request;
    void this.ffmpeg?.stop();
    this.wake?.();
  }

  private async supervise(): Promise<RunOutcome> {
    for (;;) {
      const channel = await this.loadOrSay();
      if (this.request === 'hand-back' || this.request === 'lease-lost') return 'handed-back';
      if (channel === 'unreadable') {
        await this.sleep(DESIRED_STATE_CHECK_MS);
        continue;
      }
      if (!channel || channel.desiredState === 'stopped' || this.request === 'stop') {
        if (await this.finishStop()) return 'stopped';
        continue;
      }
      if (this.request === 'restart') {
        this.policy.operatorRestart();
        this.openFailures = 0;
        this.request = undefined;
      }

      const lowSpace = await this.lowFreeSpace();
      if (lowSpace) {
        await this.giveUp(lowSpace, 'resource', 'not enough free space in HLS_ROOT');
        return 'error';
      }

      if (this.openFailures >= Math.max(this.deps.config.SOURCE_OPEN_ATTEMPTS, channel.sources.length)) {
        await this.waitForSource(channel);
        continue;
      }

      let end: RunEnd;
      try {
        end = await this.runOnce(channel);
      } catch (error) {
        const failure = error instanceof Error ? error.message : String(error);
        await this.giveUp(failure, 'fatal', `could not start FFmpeg: ${failure}`);
        return 'error';
      }
      if (this.request) continue;

      if (end.kind === 'failback') {
        await this.switchSource(channel, 0, { type: 'failback', message: 'the primary source is back' });
        continue;
      }
      const { verdict, failure } = end;
      const { category } = verdict;
      const source = channel.sources[this.sourceIndex];
      const details = { lastLines: failure.slice(-2000), source: source ? describeSource(source.url) : null };
      this.deps.log('warn', `channel ${channel.slug}: run judged ${category}${verdict.openFailure ? ' (source did not open)' : ''}: ${verdict.reason}`);
      if (verdict.openFailure) this.openFailures += 1;
      else if (category !== 'crash' && category !== 'resource') this.openFailures = 0;
      if (category === 'network' || verdict.openFailure) {
        if (!verdict.openFailure) this.failuresInRow += 1;
        if (channel.sources.length > 1) {
          const next = (this.sourceIndex + 1) % channel.sources.length;
          // On air a moment ago: the next source at once. Never opened: rotate too, through the policy's spacing.
          if (!verdict.openFailure && this.failuresInRow < channel.sources.length) {
            await this.switchSource(channel, next, { type: 'failover', category, message: verdict.reason, details });
            continue;
          }
          this.sourceIndex = next;
        }
        if (this.openFailures >= Math.max(this.deps.config.SOURCE_OPEN_ATTEMPTS, channel.sources.length)) continue;
      }
      const decision = this.policy.afterFailure(category, channel.autoRestart, verdict.immediate);
      if (decision.action === 'give-up') {
        await this.giveUp(failure, category, `${verdict.reason}; ${decision.reason}`);
        return 'error';
      }
      const next = this.positionOf(channel, this.sourceIndex);
      if (decision.action === 'cooldown') {
        const at = clockTime(Date.now() + decision.delayMs);
        const detail = `${decision.reason}; trying again at ${at} (in ${secondsText(decision.delayMs)})`;
        await this.change(
          { status: 'error', lastError: failure, statusDetail: `Crash loop: ${detail}` },
          { type: 'cooldown', category, message: `Crash loop (${verdict.reason}): ${detail}`, details },
        );
      } else {
        const when = decision.delayMs > 0 ? `trying again in ${secondsText(decision.delayMs)}` : 'restarting now';
        const what = verdict.reason;
        await this.change(
          { status: 'starting', lastError: failure, statusDetail: `${what}; ${when}` },
          { type: 'restart', category, message: `${what}; ${when} (restart ${decision.attempt}, source ${next})`, details },
        );
      }
      await this.sleep(decision.delayMs);
    }
  }

  /**
   * `waiting` (for the source): probes the channel's sources after FIRST_PROBE_MS, then ever more slowly up to
   * SOURCE_PROBE_MAX_MS; returns when one answers (it goes on the air next), or on stop / restart / hand-back.
   */
  private async waitForSource(channel: RunnableChannel): Promise<void> {
    const { SOURCE_PROBE_MAX_MS, INPUT_TIMEOUT_SECONDS } = this.deps.config;
    const names = channel.sources.map((source) => describeSource(source.url)).join(', ');
    let wait = Math.min(FIRST_PROBE_MS, SOURCE_PROBE_MAX_MS);
    const detail = `Waiting for source: ${names} did not open ${this.openFailures} times in a row; checking every ${secondsText(SOURCE_PROBE_MAX_MS)} at most`;
    this.deps.log('warn', `channel ${channel.slug}: ${detail}`);
    await this.change({ status: 'waiting', startedAt: null, statusDetail: detail }, { type: 'waiting', category: 'network', message: detail });
    for (;;) {
      await this.sleep(wait);
      if (this.request) return;
      const desired = await this.deps.channels.desiredState(this.channelId);
      if (desired === null || desired === 'stopped') return;
      for (const [index, source] of channel.sources.entries()) {
        if (this.request) return;
        // The stored url has its secrets masked (it is also what describeSource shows); ffprobe needs the real one.
        if (await probeSource(this.deps.sources.secrets.reveal(source), Math.min(INPUT_TIMEOUT_SECONDS, PRIMARY_PROBE_TIMEOUT_SECONDS))) {
          this.sourceIndex = index;
          this.openFailures = 0;
          this.failuresInRow = 0;
          const message = `${describeSource(source.url)} answers again; starting`;
          this.deps.log('info', `channel ${channel.slug}: ${message}`);
          await this.change({ status: 'starting', statusDetail: message }, { type: 'state', message });
          return;
        }
      }
      wait = Math.min(wait * 2, SOURCE_PROBE_MAX_MS);
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
    const sourceUrl = this.deps.sources.secrets.reveal(source);
    const primaryUrl = this.deps.sources.secrets.reveal(primary);
    // DNS rebinding: the host must still resolve to an allowed address now, not only when it was saved.
    const refused = await this.deps.sources.problemWith(sourceUrl);
    if (refused) throw new Error(refused);
    const redact = secretRedactor(channel.sources.map((each) => this.deps.sources.secrets.reveal(each)));
    const spec = toLiveEncodeSpec(channel, {
      hlsRoot: config.HLS_ROOT,
      runId,
      sourceUrl,
      logoPath: channel.logo ? this.deps.uploads.resolve(channel.logo.storedPath) : undefined,
      inputTimeoutSeconds: config.INPUT_TIMEOUT_SECONDS,
    });
    await mkdir(spec.outputDir, { recursive: true });
    await removeRevokedSignedDirs(config.HLS_ROOT, channel);
    const ffmpegArgs = buildLiveCommand(spec);
    const oomBefore = await oomKillCount();
    const ffmpeg = new FfmpegProcess(ffmpegArgs, config.FFMPEG_NICE, redact);
    this.ffmpeg = ffmpeg;
    this.deps.log('info', `channel ${channel.slug}: FFmpeg ${ffmpeg.pid} started (run ${runId}, source ${source.position})`);

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
    let segments = 0;
    let linesAtSegment = 0;
    let lastPrimaryProbe = Date.now();
    let primaryProbe: Promise<void> | undefined;
    let primaryBack = false;
    let stall: string | undefined;
    const checkSegments = async (now: number) => {
      lastSegmentCheck = now;
      const segment = newestSegmentOf(await readFile(playlist, 'utf8').catch(() => ''), runId);
      if (segment && segment !== newestSegment) {
        newestSegment = segment;
        newestSegmentAt = now;
        segments += 1;
        linesAtSegment = ffmpeg.linesSeen;
      }
    };
    while (ffmpeg.alive && !this.request && !primaryBack && !stall) {
      await Promise.race([ffmpeg.exited, delay(PLAYLIST_POLL_MS)]);
      if (!ffmpeg.alive || this.request) break;
      const now = Date.now();
      if (!announced || now - lastSegmentCheck >= SEGMENT_CHECK_MS) await checkSegments(now);
      if (!announced && newestSegment) {
        announced = true;
        this.failuresInRow = 0;
        this.openFailures = 0;
        const detail = onBackup ? `On backup source ${source.position} since ${clockTime(now)}` : null;
        await this.change({ status: 'running', startedAt: new Date(), lastError: null, statusDetail: detail }, { type: 'state', message: `running: first segment of run ${runId}${detail ? ` (${detail})` : ''}` });
      }
      if (now - ffmpeg.lastProgressAt > config.STALL_PROGRESS_MS) {
        stall = `stalled: no progress from FFmpeg for ${Math.round((now - ffmpeg.lastProgressAt) / 1000)} s`;
      } else if (now - newestSegmentAt > config.STALL_SEGMENT_MS) {
        stall = `stalled: no new segment for ${Math.round((now - newestSegmentAt) / 1000)} s`;
      }
      if (onBackup && announced && !primaryProbe && now - lastPrimaryProbe >= config.PRIMARY_PROBE_INTERVAL_MS) {
        primaryProbe = probeSource(primaryUrl, Math.min(config.INPUT_TIMEOUT_SECONDS, PRIMARY_PROBE_TIMEOUT_SECONDS)).then((answered) => {
          primaryBack = answered;
          lastPrimaryProbe = Date.now();
          primaryProbe = undefined;
        });
      }
      if (now - lastDesiredCheck >= DESIRED_STATE_CHECK_MS) {
        lastDesiredCheck = now;
        const desired = await this.deps.channels.desiredState(this.channelId);
        if (desired === null || desired === 'stopped') this.ask('stop');
      }
    }
    if (stall) {
      this.deps.log('warn', `channel ${channel.slug}: FFmpeg ${ffmpeg.pid} ${stall}`);
      await this.change({}, { type: 'stall', category: 'encoding', message: stall });
      await ffmpeg.kill();
    } else if (this.request || primaryBack) {
      await ffmpeg.stop();
    }
    const exit = await ffmpeg.exited;
    const endedAt = Date.now();
    // Segments FFmpeg finished just before it ended still count for this run.
    await checkSegments(endedAt);
    await telemetry?.stop();
    this.ffmpeg = undefined;
    this.deps.log('info', `channel ${channel.slug}: FFmpeg ${ffmpeg.pid} exited (${exit.signal ?? exit.code})`);
    await Promise.all(mediaPlaylists.map((mediaPlaylist) => deleteUnlistedSegments(mediaPlaylist)));
    if (primaryBack && !this.request && !stall) return { kind: 'failback' };
    const oomAfter = await oomKillCount();
    const verdict = judgeRun({
      code: exit.code,
      signal: exit.signal,
      signalledByPlatform: ffmpeg.signalledByPlatform,
      segments,
      msSinceLastSegment: endedAt - newestSegmentAt,
      linesAfterLastSegment: ffmpeg.linesSince(linesAtSegment),
      oomKilled: oomBefore !== undefined && oomAfter !== undefined && oomAfter > oomBefore,
      inputTimeoutMs: config.INPUT_TIMEOUT_SECONDS * 1000,
      sourceUrl: source.url,
    });
    if (stall) {
      // Stuck before its first segment: the source delivers nothing usable, an open failure like a timeout.
      const stalledVerdict: RunVerdict = segments > 0
        ? { ...verdict, category: 'encoding', openFailure: false, immediate: true, reason: stall }
        : { category: 'network', openFailure: true, immediate: false, reason: `No data from ${describeSource(source.url)} for ${Math.round((endedAt - newestSegmentAt) / 1000)} s (${stall})` };
      return { kind: 'stalled', failure: `${stall}\n${ffmpeg.lastStderr}`.trim(), verdict: stalledVerdict };
    }
    return { kind: 'exited', failure: ffmpeg.lastStderr || `FFmpeg exited with ${exit.signal ?? `code ${exit.code}`}`, verdict };
  }

  /** Puts another source on the air for the next run, with its event ('failover' or 'failback'). */
  private async switchSource(channel: RunnableChannel, to: number, event: ChannelEventInput): Promise<void> {
    const from = this.sourceIndex;
    this.sourceIndex = to;
    if (event.type === 'failback') this.failuresInRow = 0;
    const fromPosition = this.positionOf(channel, from);
    const toPosition = this.positionOf(channel, to);
    this.deps.log(event.type === 'failover' ? 'warn' : 'info', `channel ${channel.slug}: ${event.type} from source ${fromPosition} to source ${toPosition}`);
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
   * that start queued nothing): then it runs on. True when stopped (or the channel is gone).
   */
  private async finishStop(): Promise<boolean> {
    this.request = undefined;
    const stopped = await this.deps.channels.writeState(
      this.channelId,
      { status: 'stopped', startedAt: null, statusDetail: null },
      { type: 'state', message: 'stopped' },
      { desiredState: 'stopped' },
    );
    if (stopped) return true;
    return !(await this.deps.channels.exists(this.channelId));
  }

  private async giveUp(lastError: string, category: string, reason: string): Promise<void> {
    this.deps.log('error', `channel ${this.channelId}: error, not retried: ${reason}`);
    // Nothing runs any more, so the desired state follows: a later start is a fresh start.
    await this.change(
      { status: 'error', desiredState: 'stopped', lastError, startedAt: null, statusDetail: reason },
      { type: 'error', category, message: `error: ${reason}`, details: { lastLines: lastError.slice(-2000) } },
    );
  }

  /**
   * The channel with what FFmpeg needs; null when it is gone (said in the worker's log: the job ends), or
   * 'unreadable' when the database did not answer (said in the log, and in an event when possible; retried).
   */
  private async loadOrSay(): Promise<RunnableChannel | null | 'unreadable'> {
    try {
      const channel = await this.deps.channels.loadRunnable(this.channelId);
      if (!channel) this.deps.log('warn', `channel ${this.channelId}: got a job for a channel that does not exist (deleted?); the job ends`);
      return channel;
    } catch (error) {
      const message = `this worker cannot load the channel: ${error instanceof Error ? error.message.split('\n').at(-1) : String(error)}; trying again`;
      this.deps.log('error', `channel ${this.channelId}: ${message}`);
      await this.change({}, { type: 'error', category: 'resource', message }).catch(() => undefined);
      return 'unreadable';
    }
  }

  private async change(change: ChannelStateChange, event: ChannelEventInput): Promise<void> {
    await this.deps.channels.writeState(this.channelId, change, event);
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

/** "18:20:31 UTC": when something happened or will, in an event's plain words. */
const clockTime = (epochMs: number) => `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
const secondsText = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * The kernel's OOM kills in this process's cgroup so far (cgroup v2 memory.events), or undefined where it
 * cannot be read: a SIGKILLed FFmpeg counts as `resource` when this grew during its run.
 */
async function oomKillCount(): Promise<number | undefined> {
  const events = await readFile('/sys/fs/cgroup/memory.events', 'utf8').catch(() => '');
  const match = /^oom_kill (\d+)$/m.exec(events);
  return match ? Number(match[1]) : undefined;
}

/** The last segment of this run the playlist lists, or '' before the first. */
function newestSegmentOf(playlist: string, runId: string): string {
  const segments = playlist.split('\n').filter((line) => line.startsWith(`seg_${runId}_`));
  return segments.at(-1) ?? '';
}
