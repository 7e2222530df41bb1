export * from './cpu-pinning';
export * from './job-metrics';
export * from './job-processor';
export * from './job-queue';
export * from './jobs';
export * from './worker-process';
