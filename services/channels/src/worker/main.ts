import { startWorkerProcess } from '@castline/platform';
import { loadChannelsConfig } from '../config';
import { startWorker } from './worker-app';

/**
 * A live-channels worker process (startWorkerProcess: pino logs, CPU pinning to WORKER_CPUS, /metrics and
 * /health on WORKER_PORT); SIGTERM/SIGINT hand its channels back to the queue before it exits.
 */
async function main(): Promise<void> {
  const config = loadChannelsConfig();
  await startWorkerProcess({
    name: 'channels-worker',
    config,
    cpus: config.WORKER_CPUS,
    port: config.WORKER_PORT,
    start: async ({ jobs, logger }) => {
      const worker = await startWorker(process.env, { jobs, logger });
      return { checks: worker.checks, close: () => worker.close() };
    },
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
