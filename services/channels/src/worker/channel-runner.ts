import { mkdir, readFile } from 'node:fs/promises';
import { ChannelControlSchema, Subjects } from '@castline/contracts';
import type { PrismaClient } from '@castline/db';
import { buildLiveCommand, hlsOutputPaths } from '@castline/ffmpeg';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { ChannelsConfig } from '../config';
import { type ChannelEventInput, type ChannelStateChange, changeChannelState } from '../live/channel-state';
import { categorizeFailure } from '../supervision/failure-category';
import { RestartPolicy } from '../supervision/restart-policy';
import type { UploadStorage } from '../uploads/upload-storage.repository';
import { type RunnableChannel, toLiveEncodeSpec } from './encode-spec';
import { FfmpegProcess } from './ffmpeg-process';

const PLAYLIST_POLL_MS = 200;
/** Safety net for a lost control message: Postgres' desiredState is re-read this often. */
const DESIRED_STATE_CHECK_MS = 2_000;

export type RunOutcome = 'stopped' | 'error' | 'handed-back';
type Request = 'stop' | 'restart' | 'hand-back';

export interface RunnerDeps {
  prisma: PrismaClient;
  nats: NatsConnection;
  uploads: UploadStorage;
  config: Pick<ChannelsConfig, 'HLS_ROOT'>;
  log: (message: string) => void;
}

/**
 * Runs one channel inside a worker for as long as it should run: FFmpeg in its own process group,
 * `running` once this run's first segment is in the playlist, automatic restarts through RestartPolicy,
 * and cooperative stop / restart / hand-back (BullMQ cannot cancel an active job by itself).
 */
export class ChannelRunner {
  private readonly policy = new RestartPolicy();
  private request: Request | undefined;
  private ffmpeg: FfmpegProcess | undefined;
  private wake: (() => void) | undefined;
  private subscription: Subscription | undefined;

  constructor(
    readonly channelId: string,
    private readonly deps: RunnerDeps,
  ) {}

  async run(): Promise<RunOutcome> {
    this.subscription = this.deps.nats.subscribe(Subjects.channelControl(this.channelId), {
      callback: (error, message) => {
        if (error) return;
        // Nest's NATS client wraps an emitted event as { pattern, data }.
        const parsed = ChannelControlSchema.safeParse((message.json() as { data?: unknown }).data);
        if (parsed.success) this.ask(parsed.data.action);
      },
    });
    try {
      return await this.supervise();
    } finally {
      this.subscription.unsubscribe();
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

      let failure: string;
      try {
        failure = await this.runOnce(channel);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        await this.giveUp(failure, 'fatal', 'could not start FFmpeg');
        return 'error';
      }
      if (this.request) continue;

      const category = categorizeFailure(failure);
      const decision = this.policy.afterFailure(category, channel.autoRestart);
      if (decision.action === 'give-up') {
        await this.giveUp(failure, category, decision.reason);
        return 'error';
      }
      await this.change(
        { status: 'starting', lastError: failure },
        { type: 'restart', category, message: `FFmpeg exited; restart ${decision.attempt} in ${Math.round(decision.delayMs / 1000)} s`, details: { lastLines: failure.slice(-2000) } },
      );
      await this.sleep(decision.delayMs);
    }
  }

  /** One FFmpeg run; resolves with its last stderr lines when it has exited, for whatever reason. */
  private async runOnce(channel: RunnableChannel): Promise<string> {
    const runId = Date.now().toString(36);
    const primary = channel.sources[0];
    if (!primary) throw new Error('the channel has no source');
    const spec = toLiveEncodeSpec(channel, {
      hlsRoot: this.deps.config.HLS_ROOT,
      runId,
      sourceUrl: primary.url,
      logoPath: channel.logo ? this.deps.uploads.resolve(channel.logo.storedPath) : undefined,
    });
    await mkdir(spec.outputDir, { recursive: true });
    const ffmpeg = new FfmpegProcess(buildLiveCommand(spec));
    this.ffmpeg = ffmpeg;
    this.deps.log(`channel ${channel.slug}: FFmpeg ${ffmpeg.pid} started (run ${runId})`);

    const [playlist = hlsOutputPaths(spec).entryPlaylist] = hlsOutputPaths(spec).mediaPlaylists;
    let announced = false;
    let lastDesiredCheck = Date.now();
    while (ffmpeg.alive && !this.request) {
      await Promise.race([ffmpeg.exited, delay(PLAYLIST_POLL_MS)]);
      if (!ffmpeg.alive || this.request) break;
      if (!announced && (await readFile(playlist, 'utf8').catch(() => '')).includes(`seg_${runId}_`)) {
        announced = true;
        await this.change({ status: 'running', startedAt: new Date(), lastError: null }, { type: 'state', message: `running: first segment of run ${runId}` });
      }
      if (Date.now() - lastDesiredCheck >= DESIRED_STATE_CHECK_MS) {
        lastDesiredCheck = Date.now();
        const current = await this.deps.prisma.channel.findUnique({ where: { id: this.channelId }, select: { desiredState: true } });
        if (!current || current.desiredState === 'stopped') this.ask('stop');
      }
    }
    if (this.request) await ffmpeg.stop();
    const exit = await ffmpeg.exited;
    this.ffmpeg = undefined;
    this.deps.log(`channel ${channel.slug}: FFmpeg ${ffmpeg.pid} exited (${exit.signal ?? exit.code})`);
    return ffmpeg.lastStderr || `FFmpeg exited with ${exit.signal ?? `code ${exit.code}`}`;
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
    await this.deps.prisma.channelEvent.create({ data: { channelId: this.channelId, type: 'state', message: 'stopped' } });
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
    await changeChannelState(this.deps.prisma, this.channelId, change, event);
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
