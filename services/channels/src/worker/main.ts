import { startWorker } from './worker-app';

/** A live-channels worker process; SIGTERM/SIGINT hand its channels back to the queue before it exits. */
startWorker().then(
  (worker) => {
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
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
