import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, redisKeyPrefix, spawnNode, type TestDatabase } from '@castline/testkit';

/** WORKER_CPUS pins a worker process, all its threads, and what it starts later, like compose's cpuset. */
const main = path.resolve(__dirname, '../dist/worker/main.js');
let database: TestDatabase;
let worker: ChildProcess | undefined;

const allowedCpus = (pid: number, task: string) =>
  /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8'))?.[1];

beforeAll(async () => {
  database = await createTestDatabase('worker-pinning');
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await database.drop();
});

async function startPinnedWorker(env: Record<string, string>): Promise<ChildProcess> {
  const { child, output } = spawnNode(main, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: redisKeyPrefix('worker-pinning'),
    HLS_ROOT: '/dev/shm/castline-pinning-test',
    ...env,
  });
  const deadline = Date.now() + 20_000;
  // startWorkerProcess logs its /metrics address once the processor listens (pino JSON on stdout).
  while (!output().includes('metrics and health on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

it('pins every thread of the worker to WORKER_CPUS', async () => {
  worker = await startPinnedWorker({ WORKER_CPUS: '0' });
  const tasks = readdirSync(`/proc/${worker.pid}/task`);
  expect(tasks.length).toBeGreaterThan(1);
  expect(tasks.map((task) => allowedCpus(worker!.pid!, task))).toEqual(tasks.map(() => '0'));
  const exited = once(worker, 'exit');
  worker.kill('SIGTERM');
  expect((await exited)[0]).toBe(0);
  worker = undefined;
});

it('refuses a malformed CPU list with a message naming the variable', async () => {
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH, WORKER_CPUS: '0-3;rm -rf /' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, 'exit');
  expect(code).toBe(1);
  expect(stderr).toContain('WORKER_CPUS: a CPU list such as 18-85 or 2,4-7');
});
