import { Events, type MediaTranscodeJob, MediaErrorCodes, Queues } from '@castline/contracts';
import { connectNats, createProcessLogger, EventBus, HANDED_BACK, Jobs, type JobContext } from '@castline/platform';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { loadMediaConfig } from '../config';
import { MediaStorage } from '../storage/media-storage';
import { Probe } from '../storage/probe';
import { TRANSCODE_ATTEMPTS } from '../videos/transcode-queue';
import { VideosRepository } from '../videos/videos.repository';
import { Transcoder } from './transcoder';

/** A killed worker's transcode is taken by another one within 10-15 s (lock 10 s, stalled check every 5 s). */
const LOCK_DURATION_MS = 10_000;
const STALLED_INTERVAL_MS = 5_000;
/** A job whose worker died this many times is failed: it may be the job that kills them. */
const MAX_STALLED_COUNT = 2;

export interface MediaWorker {
  close(): Promise<void>;
  readonly checks: Record<string, () => Promise<unknown>>;
}

export interface WorkerHost {
  jobs: Jobs;
  logger: Logger;
}

/** The transcode worker: MEDIA_TRANSCODE_SLOTS jobs of `media-transcode` at once, each one FFmpeg at MEDIA_FFMPEG_NICE. */
export async function startMediaWorker(env: Record<string, string | undefined> = process.env, host?: WorkerHost): Promise<MediaWorker> {
  const config = loadMediaConfig(env);
  const jobs = host?.jobs ?? new Jobs(config);
  const logger = host?.logger ?? createProcessLogger('media-worker', config.LOG_LEVEL);
  const log = (message: string) => logger.info(message);
  const nats = await connectNats(config, `media-worker-${process.pid}`);
  const bus = EventBus.over(nats, { warn: log, error: (error, context) => log(`${context ?? 'error'}: ${(error as Error)?.message ?? String(error)}`) });
  const videos = VideosRepository.connect(config.DATABASE_URL, { publish: (progress) => bus.publish(Events.mediaVideoProgress, progress) });
  const storage = new MediaStorage(config.MEDIA_ROOT);
  await storage.ensureLayout();
  const transcoder = new Transcoder({ config, videos, storage, probe: new Probe(), log });

  const run = async (job: Job<MediaTranscodeJob>, { signal }: JobContext) => {
    if (signal.aborted) return HANDED_BACK;
    const outcome = await transcoder.run(job.data.videoId, signal);
    if (outcome === HANDED_BACK) {
      await videos.transition(job.data.videoId, ['transcoding'], { status: 'queued' }).catch(() => false);
      return HANDED_BACK;
    }
    return outcome;
  };

  const processor = await jobs.process(Queues.mediaTranscode, run, {
    concurrency: config.MEDIA_TRANSCODE_SLOTS,
    lockDurationMs: LOCK_DURATION_MS,
    stalledIntervalMs: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    onFailed: (job, error) => {
      if (!job) return;
      const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? TRANSCODE_ATTEMPTS);
      logger.warn(`video ${job.data.videoId}: attempt ${job.attemptsMade} failed${final ? ' (final)' : ', retried'}: ${error.message}`);
      const videoId = job.data.videoId;
      void (async () => {
        await storage.removeWork(videoId).catch(() => undefined);
        if (final) {
          const code = error.message.startsWith(MediaErrorCodes.notVideo) ? MediaErrorCodes.notVideo : MediaErrorCodes.transcodeFailed;
          await videos.transition(videoId, ['queued', 'transcoding'], { status: 'failed', errorCode: code, errorMessage: error.message.slice(0, 2000) });
        } else {
          await videos.transition(videoId, ['transcoding'], { status: 'queued', progress: 0 });
        }
      })().catch((failure: Error) => logger.warn(`video ${videoId}: could not record the failure: ${failure.message}`));
    },
    onError: (error) => logger.warn(`queue error: ${error.message}`),
  });
  logger.info(`taking transcodes (${config.MEDIA_TRANSCODE_SLOTS} slots, ${config.MEDIA_TRANSCODE_THREADS} threads, nice ${config.MEDIA_FFMPEG_NICE})`);

  let closing: Promise<void> | undefined;
  return {
    checks: { postgres: () => videos.ping(), nats: () => nats.rtt() },
    close: () => {
      closing ??= (async () => {
        await processor.close(config.SHUTDOWN_TIMEOUT_MS);
        await nats.drain();
        await videos.close();
        if (!host) await jobs.close();
      })();
      return closing;
    },
  };
}
