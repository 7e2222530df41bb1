import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@castline/db';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { ADMIN, bearer, eventually, inProcessServiceEnv, login, redisKeyPrefix, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import { startChannels } from '../src/channels-app';
import { type LiveWorker, startWorker } from '../src/worker/worker-app';
import { freeUdpPort, killGroup, processesFor, startLiveEncoder } from './live-support';

/**
 * Postgres' desiredState is the truth: the platform stopped, Redis emptied (no persistence, a lost volume)
 * and started again brings a running channel back by itself; Restart works from `starting` with no job.
 */
const hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-hls-'));
const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-uploads-'));
const redisPrefix = redisKeyPrefix('live-reconcile');

let gateway: TestGateway;
let channels: NestFastifyApplication | undefined;
let worker: LiveWorker | undefined;
let token: string;
let prisma: ReturnType<typeof createPrismaClient>;
let encoder: ChildProcess;
let sourceUrl: string;
let env: Record<string, string | undefined>;

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
const statusOf = async (id: string): Promise<string> => (await api('GET', `/channels/${id}`)).json().status;
const waitForStatus = (id: string, status: string, timeoutMs: number) =>
  eventually(async () => ((await statusOf(id)) === status ? true : undefined), timeoutMs);

async function startPlatform(): Promise<void> {
  channels = await startChannels(env, { handleSignals: false });
  worker = await startWorker(env);
}

async function stopPlatform(): Promise<void> {
  await worker?.close();
  await channels?.close();
  worker = undefined;
  channels = undefined;
}

/** Everything this file has in Redis, gone: what a Redis without persistence looks like after a restart. */
async function emptyRedis(): Promise<number> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) removed += await redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  gateway = await startTestGateway('live-reconcile');
  env = {
    ...inProcessServiceEnv(gateway.databaseUrl),
    REDIS_KEY_PREFIX: redisPrefix,
    UPLOADS_DIR: uploadsDir,
    HLS_ROOT: hlsRoot,
    WORKER_SLOTS: '2',
    // Slow on purpose: the tests show what the reconciler's first pass and Restart do on their own.
    RECONCILE_INTERVAL_MS: '60000',
  };
  await startPlatform();
  prisma = createPrismaClient(gateway.databaseUrl);
  const adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  token = (await userWithRole(gateway.app, adminToken, 'operator')).accessToken;
  const port = await freeUdpPort();
  sourceUrl = `udp://127.0.0.1:${port}`;
  encoder = startLiveEncoder(port);
}, 60_000);

afterAll(async () => {
  await stopPlatform();
  for (const pid of await processesFor(hlsRoot)) killGroup(pid);
  killGroup(encoder?.pid);
  await prisma?.$disconnect();
  await gateway?.close();
  rmSync(hlsRoot, { recursive: true, force: true });
  rmSync(uploadsDir, { recursive: true, force: true });
}, 30_000);

it('the platform stopped, Redis emptied, the platform started: the running channel is back by itself', async () => {
  const created = await api('POST', '/channels', { name: 'Survivor', sources: [{ url: sourceUrl }], output: { x264Preset: 'ultrafast', width: 320, height: 180, fps: 25, crf: 30, audioBitrateKbps: 32 } });
  const id = created.json().id as string;
  await api('POST', `/channels/${id}/start`);
  await waitForStatus(id, 'running', 30_000);

  await stopPlatform();
  expect(await processesFor(path.join(hlsRoot, created.json().slug))).toEqual([]);
  expect(await emptyRedis()).toBeGreaterThan(0);
  const restartedAt = Date.now();
  await startPlatform();
  await waitForStatus(id, 'running', 30_000);
  console.log(`platform started with Redis empty -> running: ${Date.now() - restartedAt} ms`);
  const reconciled = await prisma.channelEvent.findMany({ where: { channelId: id, type: 'reconcile', at: { gte: new Date(restartedAt) } } });
  expect(reconciled).toEqual([expect.objectContaining({ message: expect.stringMatching(/no worker had it .*queued again$/) })]);
  expect(await processesFor(path.join(hlsRoot, created.json().slug))).toHaveLength(1);

  await api('POST', `/channels/${id}/stop`);
  await waitForStatus(id, 'stopped', 15_000);
}, 90_000);

it('Restart from `starting` with no job anywhere starts the channel', async () => {
  const created = await api('POST', '/channels', { name: 'Stuck', sources: [{ url: sourceUrl }], output: { x264Preset: 'ultrafast', width: 320, height: 180, fps: 25, crf: 30, audioBitrateKbps: 32 } });
  const id = created.json().id as string;
  // What a lost job leaves behind: the channel should run and says `starting`, but nothing runs it.
  await prisma.channel.update({ where: { id }, data: { desiredState: 'running', status: 'starting', statusSince: new Date() } });
  const restarted = await api('POST', `/channels/${id}/restart`);
  expect(restarted.statusCode).toBe(200);
  await waitForStatus(id, 'running', 30_000);
  expect(await processesFor(path.join(hlsRoot, created.json().slug))).toHaveLength(1);
  await api('POST', `/channels/${id}/stop`);
  await waitForStatus(id, 'stopped', 15_000);
}, 60_000);
