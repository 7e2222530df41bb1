import { execFileSync } from 'node:child_process';

/** A taskset CPU list such as "18-85" or "2,4-7". */
export const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/**
 * Pins this process — every thread, and so every child it starts later (children inherit the affinity) —
 * to a CPU list, natively what `cpuset` does in compose. taskset comes with util-linux.
 */
export function pinToCpus(cpus: string): void {
  if (!CPU_LIST.test(cpus)) throw new Error(`not a CPU list: ${JSON.stringify(cpus)} (expected e.g. 18-85 or 2,4-7)`);
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(process.pid)], { stdio: 'ignore' });
}
