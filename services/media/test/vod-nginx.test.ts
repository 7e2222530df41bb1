import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@castline/db';
import { playbackToken } from '@castline/platform';
import { ADMIN, bearer, eventually, freePort, inProcessServiceEnv, login, redisKeyPrefix, startTestGateway, type TestGateway } from '@castline/testkit';
import { startMedia } from '../src/media-app';

/**
 * nginx's /vod/ (rendered from the repo's templates) over a video's output directory: public, then private
 * through the library API (the directory moves), signed paths checked by secure_link.
 */
const root = path.resolve(__dirname, '../../..');
const playbackSecret = 'vod-test-secret-0123456789abcdef';
let work: string;
let mediaRoot: string;
let gateway: TestGateway;
let media: NestFastifyApplication;
let nginx: ChildProcess;
let base: string;
let prisma: PrismaClient;
let adminToken: string;
let readyId: string;

const nginxBinary = () => ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((file) => existsSync(file)) ?? 'nginx';
const portOf = (app: NestFastifyApplication) => (app.getHttpServer().address() as AddressInfo).port;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'castline-vod-'));
  mediaRoot = path.join(work, 'media');
  gateway = await startTestGateway('media-vod');
  prisma = createPrismaClient(gateway.databaseUrl);
  media = await startMedia(
    { ...inProcessServiceEnv(gateway.databaseUrl), REDIS_KEY_PREFIX: redisKeyPrefix('media-vod'), MEDIA_ROOT: mediaRoot, PLAYBACK_SIGNING_SECRET: playbackSecret },
    { handleSignals: false },
  );
  const video = await prisma.video.create({ data: { title: 'Clip', originalFilename: 'clip.mp4', status: 'ready', sizeBytes: 10n } });
  readyId = video.id;
  const dir = path.join(mediaRoot, 'vod', readyId);
  await mkdir(path.join(dir, '360p'), { recursive: true });
  await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000,RESOLUTION=640x360\n360p/index.m3u8\n');
  await writeFile(path.join(dir, '360p', 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg_0.ts\n#EXT-X-ENDLIST\n');
  await writeFile(path.join(dir, '360p', 'seg_0.ts'), Buffer.alloc(188 * 10, 0x47));
  await writeFile(path.join(dir, '360p', 'seg_1.ts.tmp'), Buffer.alloc(188, 0x47));
  await writeFile(path.join(dir, 'sprite.vtt'), 'WEBVTT\n');
  await writeFile(path.join(dir, 'download.mp4'), Buffer.alloc(4096, 1));
  await mkdir(path.join(mediaRoot, 'originals'), { recursive: true });
  await writeFile(path.join(mediaRoot, 'originals', readyId), 'original');
  execFileSync('chmod', ['-R', 'a+rX', work]);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const nginxDir = path.join(work, 'nginx');
  const conf = execFileSync('bash', [path.join(root, 'scripts/render-nginx.sh'), 'local', nginxDir], {
    env: {
      ...process.env, NGINX_PORT: String(port), NGINX_RESOLVER: '127.0.0.1', PLAYBACK_SIGNING_SECRET: playbackSecret,
      GATEWAY_UPSTREAM: `127.0.0.1:${portOf(gateway.app)}`, MEDIA_UPSTREAM: `127.0.0.1:${portOf(media)}`, MEDIA_ROOT: mediaRoot, HLS_ROOT: path.join(work, 'hls'),
    },
  }).toString().trim();
  chmodSync(nginxDir, 0o711);
  nginx = spawn(nginxBinary(), ['-p', nginxDir, '-c', conf, '-e', path.join(nginxDir, 'error.log'), '-g', 'daemon off;'], { stdio: 'inherit' });
  await eventually(() => fetch(`${base}/nginx-health`).then(() => true, () => undefined), 10_000);
  adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
}, 60_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = once(nginx, 'exit');
    nginx.kill('SIGTERM');
    await exited;
  }
  await media?.close();
  await prisma?.$disconnect();
  await gateway?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

it('/vod/ serves a public video; made private, only a valid signed path plays it (403 forged, 410 expired)', async () => {
  const view = async () => (await gateway.app.inject({ method: 'GET', url: `/api/v1/media/videos/${readyId}`, headers: bearer(adminToken) })).json();
  expect((await view()).playbackBase).toBe(`/vod/${readyId}/`);
  const master = await fetch(`${base}/vod/${readyId}/index.m3u8`);
  expect(master.status).toBe(200);
  expect(master.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  expect(master.headers.get('access-control-allow-origin')).toBe('*');
  const variant = (await master.text()).split('\n').find((line) => line.endsWith('.m3u8'))!;
  const segment = await fetch(`${base}/vod/${readyId}/${variant.replace('index.m3u8', 'seg_0.ts')}`);
  expect(segment.status).toBe(200);
  expect(segment.headers.get('cache-control')).toContain('immutable');
  expect((await fetch(`${base}/vod/${readyId}/sprite.vtt`)).headers.get('content-type')).toBe('text/vtt');
  const mp4 = await fetch(`${base}/vod/${readyId}/download.mp4`, { headers: { range: 'bytes=0-15' } });
  expect(mp4.status).toBe(206);
  // A half-written file and everything outside vod/ stay unreachable.
  expect((await fetch(`${base}/vod/${readyId}/360p/seg_1.ts.tmp`)).status).toBe(404);
  expect((await fetch(`${base}/vod/../originals/${readyId}`)).status).not.toBe(200);
  expect((await fetch(`${base}/vod/%2e%2e/originals/${readyId}`)).status).not.toBe(200);

  const patched = await gateway.app.inject({ method: 'PATCH', url: `/api/v1/media/videos/${readyId}`, headers: bearer(adminToken), payload: { visibility: 'private' } });
  expect(patched.statusCode).toBe(200);
  const signedBase = patched.json().playbackBase as string;
  expect(signedBase).toMatch(new RegExp(`^/vod/_signed/[A-Za-z0-9_-]{22}/\\d+/${readyId}/$`));
  expect((await fetch(`${base}/vod/${readyId}/index.m3u8`)).status).toBe(404);
  expect((await fetch(`${base}${signedBase}index.m3u8`)).status).toBe(200);
  expect((await fetch(`${base}${signedBase}${variant}`)).status).toBe(200);
  const [, , , token, expires] = signedBase.split('/');
  // The first character: the last one of a 22-character md5 carries 4 bits nginx ignores.
  const forged = `${token!.startsWith('A') ? 'B' : 'A'}${token!.slice(1)}`;
  expect((await fetch(`${base}/vod/_signed/${forged}/${expires}/${readyId}/index.m3u8`)).status).toBe(403);
  const past = Math.floor(Date.now() / 1000) - 10;
  expect((await fetch(`${base}/vod/_signed/${playbackToken(playbackSecret, readyId, past)}/${past}/${readyId}/index.m3u8`)).status).toBe(410);
  expect((await fetch(`${base}/vod/_private/${readyId}/index.m3u8`)).status).toBe(403);
});

it('downloads go through the gateway check and nginx X-Accel-Redirect: the MP4 or the original, never other files', async () => {
  // The video is private now (the test above): the MP4 comes from vod/_private/<id>/.
  await prisma.videoVersion.create({ data: { videoId: readyId, kind: 'mp4', name: 'download', path: 'download.mp4', sizeBytes: 4096n, status: 'ready' } });
  const mp4 = await fetch(`${base}/api/v1/media/videos/${readyId}/download`, { headers: bearer(adminToken) });
  expect(mp4.status).toBe(200);
  expect(mp4.headers.get('content-type')).toBe('video/mp4');
  expect(mp4.headers.get('content-disposition')).toBe(`attachment; filename="Clip.mp4"; filename*=UTF-8''Clip.mp4`);
  expect(mp4.headers.get('x-accel-redirect')).toBeNull();
  expect(Buffer.from(await mp4.arrayBuffer())).toEqual(Buffer.alloc(4096, 1));
  const ranged = await fetch(`${base}/api/v1/media/videos/${readyId}/download`, { headers: { ...bearer(adminToken), range: 'bytes=10-19' } });
  expect(ranged.status).toBe(206);
  expect(ranged.headers.get('content-range')).toBe('bytes 10-19/4096');

  const original = await fetch(`${base}/api/v1/media/videos/${readyId}/download?file=original`, { headers: bearer(adminToken) });
  expect(original.status).toBe(200);
  expect(original.headers.get('content-disposition')).toContain('filename="clip.mp4"');
  expect(await original.text()).toBe('original');

  expect((await fetch(`${base}/api/v1/media/videos/${readyId}/download`)).status).toBe(401);
  expect((await fetch(`${base}/api/v1/media/videos/${readyId}/download?file=work`, { headers: bearer(adminToken) })).status).toBe(400);
  expect((await fetch(`${base}/api/v1/media/videos/00000000-0000-4000-8000-000000000000/download`, { headers: bearer(adminToken) })).status).toBe(404);
  const uploading = await prisma.video.create({ data: { title: 'Half', originalFilename: 'half.mp4', status: 'uploading', sizeBytes: 10n } });
  const notReady = await fetch(`${base}/api/v1/media/videos/${uploading.id}/download`, { headers: bearer(adminToken) });
  expect(notReady.status).toBe(409);
  expect((await fetch(`${base}/api/v1/media/videos/${uploading.id}/download?file=original`, { headers: bearer(adminToken) })).status).toBe(409);
  // The internal location answers nobody from outside.
  expect((await fetch(`${base}/_media_files/originals/${readyId}`)).status).toBe(404);
  expect((await fetch(`${base}/_media_files/vod/_private/${readyId}/download.mp4`)).status).toBe(404);
});

it('embeds: a private video plays only for an allowed parent origin, with a short-lived signed URL, and only they may frame /embed/', async () => {
  // Private since the first test.
  const embed = (parent?: string) => fetch(`${base}/api/v1/media/embed/${readyId}${parent ? `?parent=${encodeURIComponent(parent)}` : ''}`);
  expect((await embed()).status).toBe(403);
  expect((await embed('https://news.example')).status).toBe(403);
  const configured = await gateway.app.inject({
    method: 'PATCH', url: `/api/v1/media/videos/${readyId}`, headers: bearer(adminToken),
    payload: { embed: { autoplay: true, muted: true, allowedOrigins: ['https://news.example'] } },
  });
  expect(configured.statusCode).toBe(200);
  expect(configured.json().embed).toEqual({ autoplay: true, loop: false, controls: true, muted: true, allowedOrigins: ['https://news.example'] });
  const bad = await gateway.app.inject({ method: 'PATCH', url: `/api/v1/media/videos/${readyId}`, headers: bearer(adminToken), payload: { embed: { allowedOrigins: ['news.example/path'] } } });
  expect(bad.statusCode).toBe(400);

  const allowed = await embed('https://news.example');
  expect(allowed.status).toBe(200);
  const playback = (await allowed.json()) as { playlistUrl: string };
  expect(playback).toMatchObject({ id: readyId, title: 'Clip', autoplay: true, muted: true, loop: false, controls: true });
  expect(playback.playlistUrl).toMatch(new RegExp(`^/vod/_signed/[A-Za-z0-9_-]{22}/\\d+/${readyId}/index.m3u8$`));
  const expires = Number(playback.playlistUrl.split('/')[4]);
  expect(expires - Date.now() / 1000).toBeLessThanOrEqual(600);
  expect((await fetch(`${base}${playback.playlistUrl}`)).status).toBe(200);
  expect((await fetch(`${base}/api/v1/media/embed/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  expect((await fetch(`${base}/api/v1/media/embed/not-a-uuid`)).status).not.toBe(200);

  // The player page's own header block (the dashboard is not running here: nginx's 502 still carries them). The
  // private video may be framed by its configured origin (and the platform) only; anything else by anyone.
  const page = await fetch(`${base}/embed/${readyId}`);
  expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'self' https://news.example");
  expect(page.headers.get('x-frame-options')).toBeNull();
  expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  const unknown = await fetch(`${base}/embed/00000000-0000-4000-8000-000000000000`);
  expect(unknown.headers.get('content-security-policy')).toBe('frame-ancestors *');
  // A forged X-Original-URI from the client changes nothing: nginx sets it for the subrequest.
  const forged = await fetch(`${base}/embed/00000000-0000-4000-8000-000000000000`, { headers: { 'x-original-uri': `/embed/${readyId}` } });
  expect(forged.headers.get('content-security-policy')).toBe('frame-ancestors *');
  expect((await fetch(`${base}/api/v1/media/embed-ancestors`)).status).not.toBe(204);
  const madePublic = await gateway.app.inject({ method: 'PATCH', url: `/api/v1/media/videos/${readyId}`, headers: bearer(adminToken), payload: { visibility: 'public' } });
  expect(madePublic.statusCode).toBe(200);
  expect((await fetch(`${base}/embed/${readyId}`)).headers.get('content-security-policy')).toBe('frame-ancestors *');
  const madePrivate = await gateway.app.inject({ method: 'PATCH', url: `/api/v1/media/videos/${readyId}`, headers: bearer(adminToken), payload: { visibility: 'private' } });
  expect(madePrivate.statusCode).toBe(200);
  const app = await fetch(`${base}/media`);
  expect(app.headers.get('x-frame-options')).toBe('SAMEORIGIN');
});

it('playback events through nginx add up to exact daily aggregates; bad events are 400 and change nothing', async () => {
  const send = (event: unknown) => fetch(`${base}/api/v1/media/collect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
  const base_ = { video: readyId };
  // Viewer A plays twice (one unique viewer), watches 25 s in 720p and 10 s in 360p, completes once; B plays once.
  const events = [
    { ...base_, name: 'media.play', viewer: 'viewer-aaaa' },
    { ...base_, name: 'media.progress', viewer: 'viewer-aaaa', position: 10, watched: 10, rendition: '720p' },
    { ...base_, name: 'media.progress', viewer: 'viewer-aaaa', position: 25, watched: 15, rendition: '720p' },
    { ...base_, name: 'media.quality', viewer: 'viewer-aaaa', position: 25, rendition: '360p' },
    { ...base_, name: 'media.progress', viewer: 'viewer-aaaa', position: 35, watched: 10, rendition: '360p' },
    { ...base_, name: 'media.complete', viewer: 'viewer-aaaa', position: 35 },
    { ...base_, name: 'media.play', viewer: 'viewer-aaaa' },
    { ...base_, name: 'media.play', viewer: 'viewer-bbbb' },
  ];
  for (const event of events) expect((await send(event)).status).toBe(202);
  for (const bad of [
    { ...base_, name: 'media.pause', viewer: 'viewer-aaaa' },
    { ...base_, name: 'media.progress', viewer: 'viewer-aaaa', watched: 500 },
    { ...base_, name: 'media.play', viewer: 'x' },
    { ...base_, name: 'media.play', viewer: 'viewer-aaaa', extra: 1 },
    { video: 'nope', name: 'media.play', viewer: 'viewer-aaaa' },
  ]) {
    const refused = await send(bad);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('INVALID_PAYLOAD');
  }
  expect((await send({ ...base_, video: '00000000-0000-4000-8000-000000000000', name: 'media.play', viewer: 'viewer-aaaa' })).status).toBe(404);
  expect((await fetch(`${base}/api/v1/media/collect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(5000) })).status).toBe(413);

  const view = (await gateway.app.inject({ method: 'GET', url: `/api/v1/media/videos/${readyId}`, headers: bearer(adminToken) })).json();
  expect(view.analytics).toEqual([
    {
      day: new Date().toISOString().slice(0, 10), plays: 3, uniqueViewers: 2, watchSeconds: 35, completions: 1,
      completionRate: 1 / 3, qualitySeconds: { '720p': 25, '360p': 10 },
    },
  ]);
});
