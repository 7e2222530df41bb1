import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@castline/db';
import { Jobs } from '@castline/platform';
import { ADMIN, bearer, inProcessServiceEnv, login, redisKeyPrefix, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import { startMedia } from '../src/media-app';

/** The library API through the gateway's forwarder (HTTP -> gateway -> NATS -> media), on real Postgres/Redis/NATS. */
const prefix = redisKeyPrefix('media-library');
let gateway: TestGateway;
let media: NestFastifyApplication;
let prisma: PrismaClient;
let jobs: Jobs;
let root: string;
let admin: string;
let viewer: string;

async function video(title: string, status: 'ready' | 'transcoding' | 'queued' | 'failed', createdAt: Date) {
  const row = await prisma.video.create({
    data: {
      title, originalFilename: `${title}.mp4`, status, sizeBytes: 123_456_789_012n, createdAt, durationSeconds: 12.5, width: 1280, height: 720,
      versions: status === 'ready' ? { create: [{ kind: 'hls', name: '720p', width: 1280, height: 720, bitrateKbps: 2996, path: '720p/index.m3u8', sizeBytes: 5_000_000n, status: 'ready' }] } : undefined,
    },
  });
  for (const dir of [path.join(root, 'vod', row.id), path.join(root, 'work', row.id, '1')]) {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n');
  }
  await writeFile(path.join(root, 'originals', row.id), 'original');
  return row.id;
}

const api = (method: string, url: string, token: string, body?: unknown) =>
  gateway.app.inject({ method: method as 'GET', url: `/api/v1/media/videos${url}`, headers: bearer(token), ...(body === undefined ? {} : { payload: body as object }) });

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'castline-media-library-'));
  gateway = await startTestGateway('media-library');
  prisma = createPrismaClient(gateway.databaseUrl);
  media = await startMedia({ ...inProcessServiceEnv(gateway.databaseUrl), REDIS_KEY_PREFIX: prefix, MEDIA_ROOT: root }, { handleSignals: false });
  jobs = new Jobs({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix });
  admin = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  viewer = (await userWithRole(gateway.app, admin, 'viewer')).accessToken;
}, 60_000);

afterAll(async () => {
  await jobs?.queue('media-transcode').obliterate().catch(() => undefined);
  await jobs?.close();
  await media?.close();
  await prisma?.$disconnect();
  await gateway?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

it('lists newest first with status filter, title search and paging; gets one with its versions', async () => {
  const older = await video('Evening news', 'ready', new Date('2026-01-01T10:00:00Z'));
  const newer = await video('Morning show', 'transcoding', new Date('2026-01-02T10:00:00Z'));
  const all = await api('GET', '', viewer);
  expect(all.statusCode).toBe(200);
  expect(all.json()).toMatchObject({ total: 2, page: 1, pageSize: 24, items: [{ id: newer }, { id: older }] });
  expect(all.json().items[1]).toMatchObject({ sizeBytes: '123456789012', durationSeconds: 12.5, versions: [{ kind: 'hls', name: '720p', sizeBytes: '5000000' }] });
  expect((await api('GET', '?status=ready', viewer)).json()).toMatchObject({ total: 1, items: [{ id: older }] });
  expect((await api('GET', '?q=MORNING', viewer)).json()).toMatchObject({ total: 1, items: [{ id: newer }] });
  expect((await api('GET', '?pageSize=1&page=2', viewer)).json()).toMatchObject({ total: 2, items: [{ id: older }] });
  expect((await api('GET', '?status=nope', viewer)).statusCode).toBe(400);
  expect((await api('GET', `/${older}`, viewer)).json()).toMatchObject({ id: older, title: 'Evening news', versions: [{ name: '720p' }] });
  expect((await api('GET', '/6b1d9a3e-7c1f-4d7a-9d8e-2b1f3c4d5e6f', viewer)).statusCode).toBe(404);
});

it('PATCH title and visibility (operators and admins); bad bodies 400, viewers 403', async () => {
  const id = await video('Draft', 'ready', new Date());
  const changed = await api('PATCH', `/${id}`, admin, { title: 'Final cut', visibility: 'private' });
  expect(changed.statusCode).toBe(200);
  expect(changed.json()).toMatchObject({ title: 'Final cut', visibility: 'private' });
  expect((await api('PATCH', `/${id}`, admin, { visibility: 'secret' })).statusCode).toBe(400);
  expect((await api('PATCH', `/${id}`, admin, {})).statusCode).toBe(400);
  expect((await api('PATCH', `/${id}`, viewer, { title: 'x' })).statusCode).toBe(403);
});

it('reprocess queues a ready video again; a video already queued is a 409', async () => {
  const id = await video('Again', 'ready', new Date());
  const again = await api('POST', `/${id}/reprocess`, admin);
  expect(again.statusCode).toBe(200);
  expect(again.json()).toMatchObject({ status: 'queued', progress: 0 });
  expect(await jobs.queue('media-transcode').getJob(id)).toBeDefined();
  expect((await api('POST', `/${id}/reprocess`, admin)).statusCode).toBe(409);
});

it('DELETE cancels a transcode, then removes the rows and every file', async () => {
  const id = await video('Gone', 'transcoding', new Date());
  expect((await api('DELETE', `/${id}`, viewer)).statusCode).toBe(403);
  const deleted = await api('DELETE', `/${id}`, admin);
  expect(deleted.statusCode).toBe(200);
  expect(deleted.json()).toEqual({ deleted: true });
  expect(await prisma.video.findUnique({ where: { id } })).toBeNull();
  for (const file of [path.join(root, 'vod', id), path.join(root, 'work', id), path.join(root, 'originals', id)]) expect(existsSync(file)).toBe(false);
  expect((await api('GET', `/${id}`, admin)).statusCode).toBe(404);
});
