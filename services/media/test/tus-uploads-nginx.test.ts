import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@castline/db';
import { signUploadPrincipal } from '@castline/platform';
import {
  ADMIN,
  bearer,
  type CollectedProcess,
  eventually,
  freePort,
  inProcessServiceEnv,
  login,
  redisKeyPrefix,
  spawnNode,
  startTestGateway,
  type TestGateway,
  userWithRole,
} from '@castline/testkit';
import { startMedia } from '../src/media-app';

/**
 * Uploads the whole way: nginx (rendered from the repo's templates) -> auth_request to the gateway -> tus in
 * media -> probe, decode check, originals/, queue -> the transcode worker -> ready. Real nginx, FFmpeg,
 * Postgres, Redis, NATS.
 */
const root = path.resolve(__dirname, '../../..');
const run = promisify(execFile);
const secret = 'media-upload-test-secret-0123456789abcdef';
const playbackSecret = 'nginx-test-secret-0123456789';
const prefix = redisKeyPrefix('media-tus');
const MAX_UPLOAD = 1024 ** 3;
let work: string;
let mediaRoot: string;
let gateway: TestGateway;
let media: NestFastifyApplication;
let worker: CollectedProcess | undefined;
let nginx: ChildProcess;
let base: string;
let mediaUrl: string;
let prisma: PrismaClient;
let adminToken: string;
let viewerToken: string;
/** Free space minus this is what media may fill: an upload above it is refused with 507. */
const DISK_MARGIN = 200 * 1024 ** 2;

const nginxBinary = () => ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((file) => existsSync(file)) ?? 'nginx';
const portOf = (app: NestFastifyApplication) => (app.getHttpServer().address() as AddressInfo).port;
const meta = (fields: Record<string, string>) =>
  Object.entries(fields).map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`).join(',');

async function create(token: string | undefined, length: number, filename: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/v1/media/tus`, {
    method: 'POST',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': meta({ filename, title: filename }), ...(token ? bearer(token) : {}), ...extra },
  });
}

function patch(location: string, offset: number, body: Buffer): Promise<Response> {
  return fetch(`${base}${location}`, {
    method: 'PATCH',
    headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', ...bearer(adminToken) },
    body,
  });
}

async function offsetOf(location: string): Promise<number> {
  const response = await fetch(`${base}${location}`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', ...bearer(adminToken) } });
  expect(response.status).toBe(200);
  return Number(response.headers.get('upload-offset'));
}

/** Uploads a whole file in one PATCH; the final PATCH's response. */
async function upload(file: string, filename = path.basename(file)): Promise<{ id: string; response: Response }> {
  const data = await readFile(file);
  const created = await create(adminToken, data.length, filename);
  expect(created.status).toBe(201);
  const location = created.headers.get('location')!;
  return { id: location.split('/').pop()!, response: await patch(location, 0, data) };
}

async function ffmpeg(args: string[], output: string): Promise<string> {
  const file = path.join(work, output);
  await run('ffmpeg', ['-v', 'error', ...args, '-y', file]);
  return file;
}

const incomingFiles = () => readdirSync(path.join(mediaRoot, 'incoming'));

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'castline-media-tus-'));
  mediaRoot = path.join(work, 'media');
  gateway = await startTestGateway('media-tus', { MEDIA_UPLOAD_SECRET: secret });
  prisma = createPrismaClient(gateway.databaseUrl);
  const fs = await statfs(work);
  const env = {
    ...inProcessServiceEnv(gateway.databaseUrl),
    REDIS_KEY_PREFIX: prefix,
    MEDIA_ROOT: mediaRoot,
    MEDIA_UPLOAD_SECRET: secret,
    PLAYBACK_SIGNING_SECRET: playbackSecret,
    MEDIA_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
    MEDIA_DISK_RESERVE_BYTES: String(Math.max(0, fs.bavail * fs.bsize - DISK_MARGIN)),
  };
  media = await startMedia(env, { handleSignals: false });
  mediaUrl = `http://127.0.0.1:${portOf(media)}`;
  worker = spawnNode(path.join(root, 'services/media/dist/worker/main.js'), {
    ...env, LOG_LEVEL: 'info', MEDIA_RUNGS: '360,240', MEDIA_TRANSCODE_THREADS: '1', MEDIA_X264_PRESET: 'ultrafast',
  });

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const nginxDir = path.join(work, 'nginx');
  const conf = execFileSync('bash', [path.join(root, 'scripts/render-nginx.sh'), 'local', nginxDir], {
    env: {
      ...process.env, NGINX_PORT: String(port), NGINX_RESOLVER: '127.0.0.1', PLAYBACK_SIGNING_SECRET: playbackSecret,
      GATEWAY_UPSTREAM: `127.0.0.1:${portOf(gateway.app)}`, MEDIA_UPSTREAM: `127.0.0.1:${portOf(media)}`, MEDIA_ROOT: mediaRoot,
      HLS_ROOT: path.join(work, 'hls'),
    },
  }).toString().trim();
  chmodSync(work, 0o755);
  chmodSync(nginxDir, 0o711);
  nginx = spawn(nginxBinary(), ['-p', nginxDir, '-c', conf, '-e', path.join(nginxDir, 'error.log'), '-g', 'daemon off;'], { stdio: 'inherit' });
  await eventually(() => fetch(`${base}/nginx-health`).then(() => true, () => undefined), 10_000);

  adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  viewerToken = (await userWithRole(gateway.app, adminToken, 'viewer')).accessToken;
}, 60_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = once(nginx, 'exit');
    nginx.kill('SIGTERM');
    await exited;
  }
  if (worker && worker.child.exitCode === null) {
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM');
    await exited;
  }
  await media?.close();
  await prisma?.$disconnect();
  await gateway?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

it('refuses without credentials (401), a forged principal (401), a viewer (403); media itself refuses a forged header', async () => {
  expect((await create(undefined, 1000, 'a.mp4')).status).toBe(401);
  const forged = signUploadPrincipal('not-the-secret-not-the-secret', { sub: 'user:x', label: 'x', exp: 4_000_000_000 });
  expect((await create(undefined, 1000, 'a.mp4', { 'x-castline-principal': forged })).status).toBe(401);
  expect((await create(viewerToken, 1000, 'a.mp4')).status).toBe(403);
  const direct = await fetch(`${mediaUrl}/api/v1/media/tus`, {
    method: 'POST',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': '1000', 'upload-metadata': meta({ filename: 'a.mp4' }), 'x-castline-principal': forged },
  });
  expect(direct.status).toBe(401);
  expect(await direct.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  expect(await prisma.video.count()).toBe(0);
});

it('refuses too large (413), no room on disk (507) and a non-video extension (415) before any byte', async () => {
  expect((await create(adminToken, MAX_UPLOAD + 1, 'big.mp4')).status).toBe(413);
  const full = await create(adminToken, 2 * DISK_MARGIN, 'full.mp4');
  expect(full.status).toBe(507);
  expect(await full.json()).toMatchObject({ code: 'MEDIA_DISK_FULL' });
  const type = await create(adminToken, 1000, 'notes.txt');
  expect(type.status).toBe(415);
  expect(await type.json()).toMatchObject({ code: 'MEDIA_TYPE' });
  expect(incomingFiles()).toEqual([]);
  expect(await prisma.video.count()).toBe(0);
});

it('an upload cut mid-PATCH resumes from the offset the server kept: same sha256, queued, then transcoded to ready', async () => {
  const file = await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=6', '-f', 'lavfi', '-i', 'sine=duration=6',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '6M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'], 'good.mp4');
  const data = await readFile(file);
  const created = await create(adminToken, data.length, 'good.mp4');
  expect(created.status).toBe(201);
  const location = created.headers.get('location')!;
  expect(location).toMatch(/^\/api\/v1\/media\/tus\/[0-9a-f-]{36}$/);
  const id = location.split('/').pop()!;

  // Half the file, then the connection dies before the PATCH completes.
  await new Promise<void>((resolve) => {
    const request = http.request(`${base}${location}`, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(data.length), ...bearer(adminToken) },
    });
    request.on('error', () => resolve());
    request.on('response', () => resolve());
    request.write(data.subarray(0, Math.floor(data.length / 2)), () => setTimeout(() => request.destroy(), 500));
  });
  const offset = await eventually(async () => {
    const value = await offsetOf(location);
    return value > 0 ? value : undefined;
  }, 10_000);
  expect(offset).toBeLessThan(data.length);

  const finished = await patch(location, offset, data.subarray(offset));
  expect(finished.status).toBe(204);
  const video = await prisma.video.findUniqueOrThrow({ where: { id } });
  expect(video).toMatchObject({ status: 'queued', width: 640, height: 360, originalFilename: 'good.mp4', uploadedBy: ADMIN.email });
  expect(video.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  expect(existsSync(path.join(mediaRoot, 'originals', id))).toBe(true);
  expect(incomingFiles()).toEqual([]);

  const ready = await eventually(async () => {
    const row = await prisma.video.findUnique({ where: { id } });
    if (row?.status === 'failed') throw new Error(`failed: ${row.errorMessage}`);
    return row?.status === 'ready' ? row : undefined;
  }, 120_000).catch((error: Error) => {
    throw new Error(`${error.message}\nworker:\n${worker?.output()}`);
  });
  expect(ready.progress).toBe(100);
  expect(existsSync(path.join(mediaRoot, 'vod', id, 'index.m3u8'))).toBe(true);
}, 180_000);

it.each([
  ['audio only', ['-f', 'lavfi', '-i', 'sine=duration=3', '-c:a', 'aac'], 'audio.mp4', 'MEDIA_NOT_VIDEO'],
  ['not a media file', null, 'text.mp4', 'MEDIA_NOT_VIDEO'],
  ['too short', ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=0.4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], 'short.mp4', 'MEDIA_DURATION'],
  ['too small a picture', ['-f', 'lavfi', '-i', 'testsrc2=size=32x32:rate=25:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], 'tiny.mp4', 'MEDIA_DIMENSIONS'],
  ['corrupt', 'corrupt', 'corrupt.mkv', 'MEDIA_CORRUPT'],
] as const)('%s: 422 with its code on the final PATCH, nothing left behind', async (_case, args, name, code) => {
  let file: string;
  if (args === null) {
    file = path.join(work, name);
    await writeFile(file, 'just some text, not a video at all\n'.repeat(100));
  } else if (args === 'corrupt') {
    // Headers and index intact (it probes as a video), the frames garbage: only decoding finds out.
    file = await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], name);
    const bytes = await readFile(file);
    for (let index = 4096; index < bytes.length - 4096; index++) bytes[index] = (index * 7919) & 0xff;
    await writeFile(file, bytes);
  } else {
    file = await ffmpeg([...args], name);
  }
  const { id, response } = await upload(file);
  expect(response.status).toBe(422);
  expect(await response.json()).toMatchObject({ code });
  expect(await prisma.video.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'rejected', errorCode: code });
  expect(incomingFiles()).toEqual([]);
  expect(existsSync(path.join(mediaRoot, 'originals', id))).toBe(false);
}, 60_000);
