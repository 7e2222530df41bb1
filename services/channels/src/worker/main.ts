import { loadChannelsConfig } from '../config';
import { pinToCpus } from './cpu-pinning';
import { startWorker } from './worker-app';

/** A live-channels worker process; SIGTERM/SIGINT hand its channels back to the queue before it exits. */
async function main(): Promise<void> {
  const cpus = loadChannelsConfig().WORKER_CPUS;
  if (cpus) pinToCpus(cpus);
  const worker = await startWorker();
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
