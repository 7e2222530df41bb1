import 'reflect-metadata';
import { type LiveChannelJob, Queues } from '@castline/contracts';
import { connectNats, EventBus } from '@castline/platform';
import { DelayedError, type Job, Worker } from 'bullmq';
import { SourcePolicy } from '../channels/source-policy';
import { loadChannelsConfig } from '../config';
import { Redis } from 'ioredis';
import { ChannelLeases } from '../live/channel-lease';
import { bullConnection, bullPrefix } from '../live/live-queue';
import { UploadStorage } from '../uploads/upload-storage.repository';
import { ChannelRunner } from './channel-runner';
import { RunnerRepository } from './runner.repository';
import { WorkerTelemetry } from './telemetry/worker-telemetry';

/**
 * A lost worker's channels go back to the queue after lockDuration; the stalled check runs every
 * stalledInterval (ENVIRONMENT.md measured ~11 s from a worker SIGKILL to the channel running elsewhere).
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
}

/** A live-channels worker: `worker/main.ts` passes process.env, tests pass their own. */
export async function startWorker(env: Record<string, string | undefined> = process.env): Promise<LiveWorker> {
  const config = loadChannelsConfig(env);
  const log = (message: string) => {
    if (config.LOG_LEVEL !== 'silent') console.warn(`[worker ${process.pid}] ${message}`);
  };
  // The worker's one NATS connection; events (metrics, channel events, control) go through the typed bus.
  const nats = await connectNats(config.NATS_URL, `channels-worker-${process.pid}`);
  const bus = EventBus.over(nats, { warn: log, error: (error, context) => log(`${context ?? 'error'}: ${(error as Error)?.message ?? String(error)}`) });
  const channels = RunnerRepository.connect(config.DATABASE_URL, bus);
  const uploads = new UploadStorage(config);
  const sources = new SourcePolicy(config);
  const telemetry = await WorkerTelemetry.create(config, bus, log);
  const runners = new Map<string, ChannelRunner>();
  const connection = bullConnection(config);
  const leaseRedis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX, maxRetriesPerRequest: 2 });
  const leases = new ChannelLeases(leaseRedis, telemetry.workerId);

  const processor = async (job: Job<LiveChannelJob>, token?: string) => {
    const { channelId } = job.data;
    if (runners.has(channelId)) {
      // A second job for a channel this worker runs (queued again after Redis lost the first): it just ends.
      log(`channel ${channelId}: already runs in this worker; the extra job ends`);
      return;
    }
    const runner = new ChannelRunner(channelId, { channels, bus, uploads, config, log, telemetry, leases, sources });
    runners.set(channelId, runner);
    try {
      const outcome = await runner.run();
      if (outcome === 'handed-back') {
        await channels.writeState(
          channelId,
          { status: 'starting', statusDetail: 'Handed back by a stopping worker; another worker takes it' },
          { type: 'state', message: 'starting: handed back by a stopping worker' },
          { desiredState: 'running' },
        );
        await job.moveToDelayed(Date.now(), token);
        // Tells BullMQ the job was moved on purpose (not completed, not failed).
        throw new DelayedError();
      }
    } finally {
      if (runners.get(channelId) === runner) runners.delete(channelId);
      telemetry.forget(channelId);
    }
  };

  const worker = new Worker<LiveChannelJob>(Queues.liveChannels, processor, {
    connection,
    prefix: bullPrefix(config),
    concurrency: config.WORKER_SLOTS,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
  });
  worker.on('failed', (job, error) => log(`channel ${job?.data.channelId}: job failed: ${error.message}`));
  worker.on('error', (error) => log(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  log(`taking live channels (${config.WORKER_SLOTS} slots)`);

  let closing: Promise<void> | undefined;
  return {
    channels: () => [...runners.keys()],
    close: () => {
      closing ??= (async () => {
        // close() stops fetching and waits for the active jobs, which end once their runner has handed back.
        const closed = worker.close();
        for (const runner of runners.values()) runner.handBack();
        await closed;
        await telemetry.close();
        await leaseRedis.quit().catch(() => leaseRedis.disconnect());
        await nats.drain();
        await channels.close();
        await connection.quit().catch(() => connection.disconnect());
      })();
      return closing;
    },
  };
}
