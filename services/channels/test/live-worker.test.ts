import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ChannelEventMessage, Events } from '@castline/contracts';
import { createPrismaClient } from '@castline/db';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ADMIN, bearer, eventually, inProcessServiceEnv, login, redisKeyPrefix, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startChannels } from '../src/channels-app';
import { freeUdpPort, killGroup, processesFor, startUdpSource } from './live-support';
import { type LiveWorker, startWorker } from '../src/worker/worker-app';

/** Start and stop for real: HTTP -> gateway -> channels -> BullMQ -> worker -> FFmpeg -> HLS on disk. */
const run = promisify(execFile);
const hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-hls-'));
const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-uploads-'));
const redisPrefix = redisKeyPrefix('live-worker');

let gateway: TestGateway;
let channels: NestFastifyApplication;
let worker: LiveWorker;
let source: ChildProcess;
let sourceUrl: string;
let token: string;
let adminToken: string;
let prisma: ReturnType<typeof createPrismaClient>;
let workerEnv: Record<string, string | undefined>;
/** What live dashboards hear: every channels.events message during this file. */
const announced: ChannelEventMessage[] = [];
let listener: NatsConnection;

beforeAll(async () => {
  listener = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  listener.subscribe(Events.channelEvents.subject, {
    callback: (_error, message) => {
      announced.push(message.json<ChannelEventMessage>());
    },
  });
  gateway = await startTestGateway('live-worker');
  workerEnv = {
    ...inProcessServiceEnv(gateway.databaseUrl),
    REDIS_KEY_PREFIX: redisPrefix,
    UPLOADS_DIR: uploadsDir,
    HLS_ROOT: hlsRoot,
    WORKER_SLOTS: '2',
  };
  channels = await startChannels(workerEnv, { handleSignals: false });
  worker = await startWorker(workerEnv);
  prisma = createPrismaClient(gateway.databaseUrl);
  const admin = await login(gateway.app, ADMIN.email, ADMIN.password);
  adminToken = admin.accessToken;
  token = (await userWithRole(gateway.app, adminToken, 'operator')).accessToken;

  // The source: a 640x360 test pattern with a tone as MPEG-TS over UDP, as a contribution encoder would send it.
  const port = await freeUdpPort();
  sourceUrl = `udp://127.0.0.1:${port}`;
  source = startUdpSource(port, 'testsrc2=size=640x360:rate=25');
}, 60_000);

afterAll(async () => {
  await listener?.drain();
  await worker?.close();
  // Whatever a failed test left running in this file's HLS_ROOT.
  for (const pid of await processesFor(hlsRoot)) killGroup(pid);
  killGroup(source?.pid);
  await prisma?.$disconnect();
  await channels?.close();
  await gateway?.close();
  rmSync(hlsRoot, { recursive: true, force: true });
  rmSync(uploadsDir, { recursive: true, force: true });
}, 30_000);

const api = (method: 'GET' | 'POST', url: string, payload?: object, as = token) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(as), payload });

const statusOf = async (id: string): Promise<string> => (await api('GET', `/channels/${id}`)).json().status;

async function waitForStatus(id: string, status: string, timeoutMs: number): Promise<void> {
  await eventually(async () => ((await statusOf(id)) === status ? true : undefined), timeoutMs);
}

async function probe(file: string): Promise<Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>> {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-protocol_whitelist', 'file', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file,
  ]);
  return JSON.parse(stdout).streams;
}

describe('live channels through a worker', () => {
  let channelId: string;
  let outputDir: string;

  it('starts a channel: running with a playable HLS output, and a second start is a no-op', async () => {
    const preset = await api(
      'POST',
      '/settings/presets',
      { name: 'Test 360p', profile: { x264Preset: 'ultrafast', width: 640, height: 360, fps: 25, crf: 30, audioBitrateKbps: 64 } },
      adminToken,
    );
    expect(preset.statusCode).toBe(201);
    const created = await api('POST', '/channels', { name: 'Live One', sources: [{ url: sourceUrl }], presetId: preset.json().id });
    expect(created.statusCode).toBe(201);
    channelId = created.json().id;
    outputDir = path.join(hlsRoot, created.json().slug);

    const startedAt = Date.now();
    const started = await api('POST', `/channels/${channelId}/start`);
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ id: channelId, status: 'starting', desiredState: 'running' });

    await waitForStatus(channelId, 'running', 15_000);
    console.log(`start -> running (first segment in the playlist): ${Date.now() - startedAt} ms`);
    const playlist = path.join(outputDir, 'index.m3u8');
    expect(existsSync(playlist)).toBe(true);
    expect(readFileSync(playlist, 'utf8')).toMatch(/seg_[a-z0-9]+_\d+\.ts/);
    const streams = await probe(playlist);
    expect(streams).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width: 640, height: 360 }),
        expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }),
      ]),
    );
    const view = (await api('GET', `/channels/${channelId}`)).json();
    expect(view.startedAt).not.toBeNull();

    const again = await api('POST', `/channels/${channelId}/start`);
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await processesFor(outputDir)).toHaveLength(1);
    expect(worker.channels()).toEqual([channelId]);
  }, 40_000);

  it('restarts FFmpeg by itself after it is killed with SIGKILL', async () => {
    const [before] = await processesFor(outputDir);
    expect(before).toBeDefined();
    const killedAt = Date.now();
    process.kill(before as number, 'SIGKILL');
    const after = await eventually(async () => {
      const pids = await processesFor(outputDir);
      return pids.length === 1 && pids[0] !== before ? pids[0] : undefined;
    }, 10_000);
    expect(after).not.toBe(before);
    await eventually(async () => {
      const events = await prisma.channelEvent.findMany({ where: { channelId, type: 'restart', at: { gte: new Date(killedAt) } } });
      return events.length > 0 && (await statusOf(channelId)) === 'running' ? true : undefined;
    }, 15_000);
    console.log(`FFmpeg SIGKILL -> running again: ${Date.now() - killedAt} ms`);
  }, 30_000);

  it('POST /restart replaces the FFmpeg: another process, running again', async () => {
    await waitForStatus(channelId, 'running', 15_000);
    const [before] = await processesFor(outputDir);
    expect(before).toBeDefined();
    const restartedAt = Date.now();
    const restarted = await api('POST', `/channels/${channelId}/restart`);
    expect(restarted.json()).toMatchObject({ status: 'starting', desiredState: 'running' });
    const after = await eventually(async () => {
      const pids = await processesFor(outputDir);
      return pids.length === 1 && pids[0] !== before ? pids[0] : undefined;
    }, 15_000);
    expect(after).not.toBe(before);
    await eventually(async () => {
      const running = await prisma.channelEvent.findMany({ where: { channelId, type: 'state', at: { gte: new Date(restartedAt) } } });
      return running.some((event) => event.message.startsWith('running')) && (await statusOf(channelId)) === 'running' ? true : undefined;
    }, 15_000);
  }, 30_000);

  it('stops the channel: stopped, and no FFmpeg left for its output; stopping again is a no-op', async () => {
    const stopRequested = Date.now();
    const stopping = await api('POST', `/channels/${channelId}/stop`);
    expect(stopping.statusCode).toBe(200);
    expect(stopping.json()).toMatchObject({ status: 'stopping', desiredState: 'stopped' });
    await waitForStatus(channelId, 'stopped', 7_000);
    console.log(`stop -> stopped: ${Date.now() - stopRequested} ms`);
    expect(await processesFor(outputDir)).toEqual([]);
    expect(worker.channels()).toEqual([]);

    const again = await api('POST', `/channels/${channelId}/stop`);
    expect(again.json()).toMatchObject({ status: 'stopped', desiredState: 'stopped' });

    const events = await prisma.channelEvent.findMany({ where: { channelId, type: 'state' }, orderBy: { id: 'asc' } });
    expect(events.map((event) => event.message.split(':')[0])).toEqual(
      expect.arrayContaining(['starting', 'running', 'stopping', 'stopped']),
    );
    // The same changes reached channels.events, from the service (starting, stopping) and the worker (running, stopped).
    const statuses = announced.filter((message) => message.channelId === channelId).map((message) => message.status);
    expect(statuses).toEqual(expect.arrayContaining(['starting', 'running', 'stopping', 'stopped']));
    const audit = await eventually(async () => {
      const rows = (await api('GET', `/audit?targetId=${channelId}`, undefined, adminToken)).json().items as Array<{ action: string }>;
      return rows.some((row) => row.action === 'channels.stop') ? rows : undefined;
    });
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(['channels.start', 'channels.stop']));
  }, 20_000);

  it('a worker that shuts down hands its channel to another worker', async () => {
    await api('POST', `/channels/${channelId}/start`);
    await waitForStatus(channelId, 'running', 15_000);
    const second = await startWorker(workerEnv);
    try {
      const closedAt = Date.now();
      await worker.close();
      expect(await processesFor(outputDir)).toEqual([]);
      await waitForStatus(channelId, 'running', 15_000);
      console.log(`worker close -> running on another worker: ${Date.now() - closedAt} ms`);
      expect(second.channels()).toEqual([channelId]);
      expect(await processesFor(outputDir)).toHaveLength(1);
      await api('POST', `/channels/${channelId}/stop`);
      await waitForStatus(channelId, 'stopped', 7_000);
      expect(await processesFor(outputDir)).toEqual([]);
    } finally {
      await second.close();
    }
  }, 40_000);

  it('ends in error, with the reason, when the source never sends and auto-restart is off', async () => {
    const silent = `udp://127.0.0.1:${await freeUdpPort()}`;
    const created = await api('POST', '/channels', { name: 'Silent', sources: [{ url: silent }], autoRestart: false });
    const id = created.json().id;
    const secondWorker = await startWorker(workerEnv);
    try {
      await api('POST', `/channels/${id}/start`);
      await waitForStatus(id, 'error', 20_000);
      const view = (await api('GET', `/channels/${id}`)).json();
      expect(view).toMatchObject({ status: 'error', desiredState: 'stopped' });
      expect(view.lastError).toMatch(/Input\/output error/);
      const errors = await prisma.channelEvent.findMany({ where: { channelId: id, type: 'error' } });
      expect(errors).toEqual([expect.objectContaining({ category: 'network' })]);
      expect(await processesFor(path.join(hlsRoot, created.json().slug))).toEqual([]);
    } finally {
      await secondWorker.close();
    }
  }, 30_000);

  it('runs an ABR ladder: one FFmpeg, a master playlist at index.m3u8 and one playable playlist per rendition', async () => {
    const preset = await api('POST', '/settings/presets', {
      name: 'Tiny ladder',
      profile: {
        x264Preset: 'ultrafast',
        crf: null,
        fps: 25,
        renditions: [
          { name: '180p', width: 320, height: 180, bitrateKbps: 300, maxrateKbps: 321, bufsizeKbps: 450 },
          { name: '144p', width: 256, height: 144, bitrateKbps: 200, maxrateKbps: 214, bufsizeKbps: 300 },
        ],
      },
    }, adminToken);
    expect(preset.statusCode).toBe(201);
    const created = (await api('POST', '/channels', { name: 'Ladder', sources: [{ url: sourceUrl }], presetId: preset.json().id })).json();
    const ladderWorker = await startWorker(workerEnv);
    try {
      await api('POST', `/channels/${created.id}/start`);
      await waitForStatus(created.id, 'running', 20_000);
      const dir = path.join(hlsRoot, created.slug);
      const master = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
      expect(master).toContain('#EXT-X-STREAM-INF');
      expect(master.split('\n').filter((line) => line.endsWith('.m3u8')).sort()).toEqual(['144p/index.m3u8', '180p/index.m3u8']);
      expect(await processesFor(dir)).toHaveLength(1);
      for (const [rendition, height] of [['180p', 180], ['144p', 144]] as const) {
        await eventually(async () => (readFileSync(path.join(dir, rendition, 'index.m3u8'), 'utf8').includes('.ts') ? true : undefined), 10_000);
        const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=height', '-of', 'csv=p=0', path.join(dir, rendition, 'index.m3u8')]);
        // The HLS demuxer lists a stream once per program; the first line is enough.
        expect(Number(stdout.trim().split('\n')[0])).toBe(height);
      }
      await api('POST', `/channels/${created.id}/stop`);
      await waitForStatus(created.id, 'stopped', 10_000);
    } finally {
      await ladderWorker.close();
    }
  }, 60_000);

  it('answers 404 for an unknown channel', async () => {
    const response = await api('POST', '/channels/00000000-0000-4000-8000-000000000000/start');
    expect(response.statusCode).toBe(404);
  });
});
