import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createPrismaClient } from '@castline/db';
import { Jobs } from '@castline/platform';
import { createTestDatabase, redisKeyPrefix, spawnNode, type TestDatabase } from '@castline/testkit';
import { LiveQueue } from '../src/live/live-queue';
import { freeUdpPort, processesFor } from './live-support';

/** WORKER_CPUS pins a worker process, all its threads, and what it starts later, like compose's cpuset. */
const main = path.resolve(__dirname, '../dist/worker/main.js');
const HLS_ROOT = '/dev/shm/castline-pinning-test';
const prefix = redisKeyPrefix('worker-pinning');
let database: TestDatabase;
let worker: ChildProcess | undefined;
/** What the last started worker wrote (its log), for failure messages. */
let workerLog = () => '';

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
    REDIS_KEY_PREFIX: prefix,
    HLS_ROOT,
    // The test's source is a local UDP port; loopback sources must be allowed by name.
    SOURCE_ALLOWED_NETWORKS: 'udp:127.0.0.1/32',
    ...env,
  });
  workerLog = output;
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

it('pins the FFmpegs the worker starts to WORKER_CPUS too, at FFMPEG_NICE', async () => {
  worker = await startPinnedWorker({ WORKER_CPUS: '0', FFMPEG_NICE: '10', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const prisma = createPrismaClient(database.url);
  const jobs = new Jobs({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix });
  const queue = new LiveQueue(jobs);
  try {
    // A channel whose source sends nothing: FFmpeg starts and waits for it, long enough to read its affinity.
    const channel = await prisma.channel.create({
      data: {
        name: 'Pinned', slug: 'pinned', desiredState: 'running', status: 'starting',
        presetId: (await prisma.encodingPreset.findFirstOrThrow()).id,
        sources: { create: [{ position: 0, url: `udp://127.0.0.1:${await freeUdpPort()}` }] },
      },
    });
    await queue.enqueue(channel.id);
    const deadline = Date.now() + 20_000;
    let ffmpeg: number | undefined;
    // FFmpeg itself: `nice -n 10 ffmpeg ...` carries the same arguments for the moment before it sets its
    // priority and execs, and read then it is still at 0.
    const isFfmpeg = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg';
      } catch {
        return false;
      }
    };
    while (!(ffmpeg = (await processesFor(path.join(HLS_ROOT, 'pinned'))).find(isFfmpeg))) {
      if (Date.now() > deadline) throw new Error(`no FFmpeg started for the channel (job: ${await queue.jobState(channel.id)}); worker log:\n${workerLog()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const tasks = readdirSync(`/proc/${ffmpeg}/task`);
    expect(tasks.map((task) => allowedCpus(ffmpeg!, task))).toEqual(tasks.map(() => '0'));
    // And at FFMPEG_NICE (10 here; the default 0 leaves both as they are): every thread, and its session's autogroup.
    const niceOf = (task: string) => Number(readFileSync(`/proc/${ffmpeg}/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    expect(tasks.map(niceOf)).toEqual(tasks.map(() => 10));
    const autogroup = `/proc/${ffmpeg}/autogroup`;
    if (existsSync(autogroup)) expect(readFileSync(autogroup, 'utf8')).toMatch(/ nice 10$/m);
    await prisma.channel.update({ where: { id: channel.id }, data: { desiredState: 'stopped' } });
  } finally {
    const exited = once(worker!, 'exit');
    worker!.kill('SIGTERM');
    await exited;
    worker = undefined;
    await jobs.close();
    await prisma.$disconnect();
  }
}, 40_000);

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
