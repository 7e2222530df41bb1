import 'reflect-metadata';
import { startWorkerProcess } from '@castline/platform';
import { loadMediaConfig } from '../config';
import { startMediaWorker } from './worker-app';

/**
 * The transcode worker process (startWorkerProcess: pino logs, CPU pinning to WORKER_CPUS, /metrics and
 * /health on WORKER_PORT); SIGTERM/SIGINT stop its FFmpegs and hand the jobs back to the queue.
 */
async function main(): Promise<void> {
  const config = loadMediaConfig();
  await startWorkerProcess({
    name: 'media-worker',
    config,
    cpus: config.WORKER_CPUS,
    port: config.WORKER_PORT,
    start: async ({ jobs, logger }) => {
      const worker = await startMediaWorker(process.env, { jobs, logger });
      return { checks: worker.checks, close: () => worker.close() };
    },
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
