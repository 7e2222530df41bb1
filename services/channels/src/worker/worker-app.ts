import 'reflect-metadata';
import { type LiveChannelJob, Queues } from '@castline/contracts';
import { connectNats, createProcessLogger, EventBus, HANDED_BACK, Jobs, type JobContext } from '@castline/platform';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { SourcePolicy } from '../channels/source-policy';
import { loadChannelsConfig } from '../config';
import { Redis } from 'ioredis';
import { ChannelLeases } from '../live/channel-lease';
import { UploadStorage } from '../uploads/upload-storage.repository';
import { ChannelRunner } from './channel-runner';
import { RunnerRepository } from './runner.repository';
import { WorkerTelemetry } from './telemetry/worker-telemetry';

/**
 * A lost worker's channels go back to the queue after lockDuration; the stalled check runs every
 * stalledInterval, so a killed worker's channel runs elsewhere within 10-15 s.
 */
const LOCK_DURATION_MS = 10_000;
const STALLED_INTERVAL_MS = 5_000;
/** A channel runs for weeks: surviving any number of worker crashes matters more than catching a poison job. */
const MAX_STALLED_COUNT = 1_000;

export interface LiveWorker {
  /** Stops taking channels, hands the running ones back to the queue (for other workers) and disconnects. */
  close(): Promise<void>;
  /** Channel ids this worker runs now. */
  readonly channels: () => string[];
  /** Health checks of this worker's own connections (the job module checks Redis). */
  readonly checks: Record<string, () => Promise<unknown>>;
}

/** What `startWorkerProcess` lends the worker; tests starting workers in-process leave it out. */
export interface WorkerHost {
  jobs: Jobs;
  logger: Logger;
}

/** A live-channels worker: `worker/main.ts` passes process.env and its process's job module, tests their own env. */
export async function startWorker(env: Record<string, string | undefined> = process.env, host?: WorkerHost): Promise<LiveWorker> {
  const config = loadChannelsConfig(env);
  const jobs = host?.jobs ?? new Jobs(config);
  const logger = host?.logger ?? createProcessLogger('channels-worker', config.LOG_LEVEL);
  const log = (level: 'info' | 'warn' | 'error', message: string) => logger[level](message);
  const warn = (message: string) => log('warn', message);
  // The worker's one NATS connection; events (metrics, channel events, control) go through the typed bus.
  const nats = await connectNats(config, `channels-worker-${process.pid}`);
  const bus = EventBus.over(nats, { warn, error: (error, context) => log('error', `${context ?? 'error'}: ${(error as Error)?.message ?? String(error)}`) });
  const channels = RunnerRepository.connect(config.DATABASE_URL, bus);
  const uploads = new UploadStorage(config);
  const sources = new SourcePolicy(config);
  const telemetry = await WorkerTelemetry.create(config, bus, warn);
  const runners = new Map<string, ChannelRunner>();
  const leaseRedis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2 });
  const leases = new ChannelLeases(leaseRedis, telemetry.workerId);

  const run = async (job: Job<LiveChannelJob>, { signal }: JobContext) => {
    // Taken just as this worker stops: straight back to the queue, the channel never started here.
    if (signal.aborted) return HANDED_BACK;
    const { channelId } = job.data;
    if (runners.has(channelId)) {
      // A second job for a channel this worker runs (queued again after Redis lost the first): it just ends.
      log('info', `channel ${channelId}: already runs in this worker; the extra job ends`);
      return;
    }
    const runner = new ChannelRunner(channelId, { channels, bus, uploads, config, log, telemetry, leases, sources });
    runners.set(channelId, runner);
    // The worker is stopping: the runner stops FFmpeg and ends with 'handed-back'.
    const handBack = () => runner.handBack();
    signal.addEventListener('abort', handBack);
    try {
      const outcome = await runner.run();
      if (outcome === 'handed-back') {
        await channels.writeState(
          channelId,
          { status: 'starting', statusDetail: 'Handed back by a stopping worker; another worker takes it' },
          { type: 'state', message: 'starting: handed back by a stopping worker' },
          { desiredState: 'running' },
        );
        return HANDED_BACK;
      }
    } finally {
      signal.removeEventListener('abort', handBack);
      if (runners.get(channelId) === runner) runners.delete(channelId);
      telemetry.forget(channelId);
    }
  };

  const processor = await jobs.process(Queues.liveChannels, run, {
    concurrency: config.WORKER_SLOTS,
    lockDurationMs: LOCK_DURATION_MS,
    stalledIntervalMs: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    onFailed: (job, error) => logger.warn(`channel ${job?.data.channelId}: job failed: ${error.message}`),
    onError: (error) => logger.warn(`queue error: ${error.message}`),
  });
  logger.info(`taking live channels (${config.WORKER_SLOTS} slots)`);

  let closing: Promise<void> | undefined;
  return {
    channels: () => [...runners.keys()],
    checks: {
      postgres: () => channels.ping(),
      nats: () => nats.rtt(),
    },
    close: () => {
      closing ??= (async () => {
        // Stops fetching and aborts each running job's signal; the jobs end once their runner has handed back.
        await processor.close(config.SHUTDOWN_TIMEOUT_MS);
        await telemetry.close();
        await leaseRedis.quit().catch(() => leaseRedis.disconnect());
        await nats.drain();
        await channels.close();
        if (!host) await jobs.close();
      })();
      return closing;
    },
  };
}
