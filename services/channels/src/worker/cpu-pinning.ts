import { execFileSync } from 'node:child_process';

/**
 * Pins this worker process — every thread, and so every FFmpeg it starts later (children inherit the
 * affinity) — to WORKER_CPUS, natively what `cpuset` does in compose. taskset comes with util-linux.
 */
export function pinToCpus(cpus: string): void {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(process.pid)], { stdio: 'ignore' });
}
