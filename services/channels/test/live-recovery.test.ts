import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@castline/db';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN, bearer, eventually, inProcessServiceEnv, login, redisKeyPrefix, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import { startChannels } from '../src/channels-app';
import { encoderFor, freeUdpPort, killGroup, listedSegments, processesFor, startHlsEncoder, startLiveEncoder } from './live-support';
import { type LiveWorker, startWorker } from '../src/worker/worker-app';

/**
 * Recovery on real feeds: live x264 encoders joined mid-stream (clean, and with corrupted packets), an HLS
 * source over HTTP; FFmpeg killed by SIGKILL and SIGSEGV after its first segments -> a new segment within
 * 5 s and `running`; primary + backup encoders: failover and failback without a gap over 12 s; a source gone
 * for SOURCE_GONE_SECONDS (default 30; the 90 with SOURCE_GONE_SECONDS=90) -> `waiting` -> back.
 */
const hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-hls-'));
const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-uploads-'));
const hlsSourceDir = mkdtempSync(path.join(tmpdir(), 'castline-hls-source-'));
const redisPrefix = redisKeyPrefix('live-recovery');
const SOURCE_GONE_MS = Number(process.env.SOURCE_GONE_SECONDS ?? 30) * 1000;
// A restart is proven by a new segment; the 5 s goal is measured (median of kills) by bench:channels, not
// asserted here, where the run shares two cores with everything else.
const NEW_SEGMENT_MS = 15_000;
const MAX_GAP_MS = 12_000;

let gateway: TestGateway;
let channels: NestFastifyApplication;
let worker: LiveWorker;
let token: string;
let presetId: string;
let prisma: ReturnType<typeof createPrismaClient>;
let httpServer: http.Server;
let hlsSourceUrl: string;
const encoders = new Map<string, ChildProcess>();

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), payload });
const statusOf = async (id: string): Promise<string> => (await api('GET', `/channels/${id}`)).json().status;
const waitForStatus = (id: string, status: string, timeoutMs: number) =>
  eventually(async () => ((await statusOf(id)) === status ? true : undefined), timeoutMs);
const playlistOf = (dir: string) => readFile(path.join(dir, 'index.m3u8'), 'utf8').catch(() => '');
const eventsOf = (channelId: string, type: string, since: number) =>
  prisma.channelEvent.findMany({ where: { channelId, type, at: { gte: new Date(since) } }, orderBy: { id: 'asc' } });

function startEncoder(name: string, encoder: ChildProcess): void {
  encoders.set(name, encoder);
}
function stopEncoder(name: string): void {
  killGroup(encoders.get(name)?.pid);
  encoders.delete(name);
}

async function createAndStart(name: string, urls: string[]): Promise<{ id: string; dir: string }> {
  const created = await api('POST', '/channels', { name, sources: urls.map((url) => ({ url })), presetId, hls: { segmentSeconds: 1, listSize: 6 } });
  expect(created.statusCode).toBe(201);
  const id = created.json().id as string;
  await api('POST', `/channels/${id}/start`);
  try {
    await waitForStatus(id, 'running', 30_000);
  } catch (error) {
    await stopChannel(id);
    throw error;
  }
  return { id, dir: path.join(hlsRoot, created.json().slug as string) };
}

async function stopChannel(id: string): Promise<void> {
  await api('POST', `/channels/${id}/stop`);
  await waitForStatus(id, 'stopped', 15_000);
}

/** Records when each new segment appears in the playlist, to measure the longest gap. */
function watchSegments(dir: string): { stop: () => number[] } {
  const seen = new Set<string>();
  const arrivals: number[] = [];
  const timer = setInterval(() => {
    void playlistOf(dir).then((playlist) => {
      for (const segment of listedSegments(playlist)) {
        if (!seen.has(segment)) {
          seen.add(segment);
          arrivals.push(Date.now());
        }
      }
    });
  }, 100);
  return { stop: () => (clearInterval(timer), arrivals) };
}

const longestGap = (arrivals: number[]) => arrivals.slice(1).reduce((gap, at, index) => Math.max(gap, at - arrivals[index]!), 0);

beforeAll(async () => {
  gateway = await startTestGateway('live-recovery');
  const env = {
    ...inProcessServiceEnv(gateway.databaseUrl),
    REDIS_KEY_PREFIX: redisPrefix,
    UPLOADS_DIR: uploadsDir,
    HLS_ROOT: hlsRoot,
    WORKER_SLOTS: '4',
    INPUT_TIMEOUT_SECONDS: '3',
    PRIMARY_PROBE_INTERVAL_MS: '1500',
    RESTART_COOLDOWN_MS: '1000',
    SOURCE_OPEN_ATTEMPTS: '2',
    SOURCE_PROBE_MAX_MS: '1000',
  };
  channels = await startChannels(env, { handleSignals: false });
  worker = await startWorker(env);
  prisma = createPrismaClient(gateway.databaseUrl);
  const adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  token = (await userWithRole(gateway.app, adminToken, 'admin')).accessToken;
  const preset = await api('POST', '/settings/presets', {
    name: 'Tiny', profile: { x264Preset: 'ultrafast', width: 320, height: 180, fps: 25, crf: 30, audioBitrateKbps: 32 },
  });
  expect(preset.statusCode).toBe(201);
  presetId = preset.json().id;

  // An HLS source over HTTP, like a CDN or an upstream packager.
  startEncoder('hls', startHlsEncoder(hlsSourceDir));
  httpServer = http.createServer((request, response) => {
    const file = path.join(hlsSourceDir, path.basename(request.url ?? ''));
    readFile(file).then(
      (body) => response.writeHead(200).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  hlsSourceUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/index.m3u8`;
}, 60_000);

afterAll(async () => {
  await worker?.close();
  for (const pid of await processesFor(hlsRoot)) killGroup(pid);
  for (const name of [...encoders.keys()]) stopEncoder(name);
  httpServer?.close();
  await prisma?.$disconnect();
  await channels?.close();
  await gateway?.close();
  for (const dir of [hlsRoot, uploadsDir, hlsSourceDir]) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe.each([
  ['a live x264 encoder joined mid-stream', 'live', async () => {
    const port = await freeUdpPort();
    // A keyframe a second, as contribution encoders send: a restart joins mid-GOP and is back within 5 s.
    startEncoder('live', startLiveEncoder(port, { gop: 25 }));
    return `udp://127.0.0.1:${port}`;
  }],
  ['the same encoder with corrupted packets', 'corrupted', async () => {
    const port = await freeUdpPort();
    startEncoder('corrupted', startLiveEncoder(port, { noise: true, gop: 25 }));
    return `udp://127.0.0.1:${port}`;
  }],
  ['an HLS source', 'hls', async () => hlsSourceUrl],
])('recovery from %s', (_label, kind, sourceUrl) => {
  it.each(['SIGKILL', 'SIGSEGV'] as const)('FFmpeg killed by %s -> a new segment, running, a crash restart', async (signal) => {
    const url = await sourceUrl();
    // Joined mid-stream: the encoder has been running for a while (its first keyframe long gone).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const { id, dir } = await createAndStart(`${kind} ${signal}`, [url]);
    try {
      // After its first segments.
      await eventually(async () => (listedSegments(await playlistOf(dir)).length >= 2 ? true : undefined), 15_000);
      const ffmpeg = await encoderFor(dir);
      expect(ffmpeg).toBeDefined();
      const before = new Set(listedSegments(await playlistOf(dir)));
      const killedAt = Date.now();
      process.kill(ffmpeg as number, signal);
      await eventually(async () => (listedSegments(await playlistOf(dir)).some((segment) => !before.has(segment)) ? true : undefined), NEW_SEGMENT_MS);
      console.log(`${kind}: ${signal} -> new segment in ${Date.now() - killedAt} ms`);
      await waitForStatus(id, 'running', 10_000);
      const [restart] = await eventsOf(id, 'restart', killedAt);
      expect(restart).toMatchObject({ category: 'crash', message: expect.stringContaining(`FFmpeg crashed (${signal})`) });
      expect(await eventsOf(id, 'error', 0)).toEqual([]);
    } finally {
      await stopChannel(id);
      if (kind !== 'hls') stopEncoder(kind);
    }
  }, 60_000);
});

describe('sources that come and go', () => {
  it('primary + backup encoders joined mid-stream: failover, then failback, never a gap over 12 s', async () => {
    const primary = await freeUdpPort();
    const backup = await freeUdpPort();
    startEncoder('primary', startLiveEncoder(primary));
    startEncoder('backup', startLiveEncoder(backup));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const { id, dir } = await createAndStart('Failover live', [`udp://127.0.0.1:${primary}`, `udp://127.0.0.1:${backup}`]);
    const watch = watchSegments(dir);
    // Taken at the stop, before the channel itself stops (that is no gap).
    let arrivalsAtEnd: number[];
    try {
      const stoppedAt = Date.now();
      stopEncoder('primary');
      const [failover] = await eventually(async () => {
        const events = await eventsOf(id, 'failover', stoppedAt);
        return events.length > 0 ? events : undefined;
      }, 20_000);
      expect(failover).toMatchObject({ category: 'network', message: expect.stringMatching(/^failover: No data from udp port \d+ for \d+ s; source 0 -> source 1$/) });
      await eventually(async () => {
        const view = (await api('GET', `/channels/${id}`)).json();
        return view.status === 'running' && /^On backup source 1 since/.test(view.statusDetail ?? '') ? true : undefined;
      }, 20_000);
      console.log(`primary stopped -> running on the backup: ${Date.now() - stoppedAt} ms`);

      const restoredAt = Date.now();
      startEncoder('primary', startLiveEncoder(primary));
      await eventually(async () => ((await eventsOf(id, 'failback', restoredAt)).length > 0 ? true : undefined), 20_000);
      await eventually(async () => {
        const view = (await api('GET', `/channels/${id}`)).json();
        return view.status === 'running' && view.statusDetail === null ? true : undefined;
      }, 20_000);
      console.log(`primary back -> running on the primary: ${Date.now() - restoredAt} ms`);
      // A few more segments on the primary, then the longest gap over the whole run.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    } finally {
      arrivalsAtEnd = watch.stop();
      await stopChannel(id);
      stopEncoder('primary');
      stopEncoder('backup');
    }
    const arrivals = arrivalsAtEnd;
    const gaps = arrivals.slice(1).map((at, index) => `${at - arrivals[index]!}`);
    console.log(`longest gap without a new segment: ${longestGap(arrivals)} ms; gaps: ${gaps.join(' ')}`);
    expect(longestGap(arrivals)).toBeLessThanOrEqual(MAX_GAP_MS);
  }, 120_000);

  it(`a source gone for ${SOURCE_GONE_MS / 1000} s -> waiting for source -> running again soon after it returns`, async () => {
    const port = await freeUdpPort();
    startEncoder('flaky', startLiveEncoder(port));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const { id } = await createAndStart('Flaky', [`udp://127.0.0.1:${port}`]);
    try {
      const goneAt = Date.now();
      stopEncoder('flaky');
      await waitForStatus(id, 'waiting', SOURCE_GONE_MS);
      const view = (await api('GET', `/channels/${id}`)).json();
      expect(view).toMatchObject({ desiredState: 'running', statusDetail: expect.stringMatching(/^Waiting for source: udp port \d+ did not open/) });
      console.log(`source gone -> waiting: ${Date.now() - goneAt} ms`);
      const rest = goneAt + SOURCE_GONE_MS - Date.now();
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      expect(await statusOf(id)).toBe('waiting');

      const backAt = Date.now();
      startEncoder('flaky', startLiveEncoder(port));
      await waitForStatus(id, 'running', 10_000);
      console.log(`source back -> running: ${Date.now() - backAt} ms`);
      expect(await eventsOf(id, 'error', 0)).toEqual([]);
      expect((await eventsOf(id, 'waiting', goneAt)).length).toBe(1);
    } finally {
      await stopChannel(id);
      stopEncoder('flaky');
    }
  }, 60_000 + SOURCE_GONE_MS);
});
