import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPrismaClient } from '@castline/db';
import { ADMIN, bearer, eventually, inProcessServiceEnv, login, redisKeyPrefix, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startChannels } from '../src/channels-app';
import { freeUdpPort, killGroup, processesFor, startUdpSource } from './live-support';
import { type LiveWorker, startWorker } from '../src/worker/worker-app';

/**
 * Supervision with real FFmpeg: logo anchors, source failover and failback, the stall watchdog, a source that
 * never opens (waiting), the crash-loop cooldown, the free-space check, and a SIGKILLed worker's channel resuming elsewhere. Sources are tiny 320x180
 * colour fields over UDP, so the picture tells which source is on the air.
 */
const run = promisify(execFile);
const hlsRoot = mkdtempSync(path.join(tmpdir(), 'castline-hls-'));
const uploadsDir = mkdtempSync(path.join(tmpdir(), 'castline-uploads-'));
const redisPrefix = redisKeyPrefix('live-supervision');
const WIDTH = 320;
const HEIGHT = 180;
const RESTART_COOLDOWN_MS = 1_000;

let gateway: TestGateway;
let channels: NestFastifyApplication;
let worker: LiveWorker | undefined;
let token: string;
let adminToken: string;
let presetId: string;
let prisma: ReturnType<typeof createPrismaClient>;
let workerEnv: Record<string, string | undefined>;
const sources = new Map<number, ChildProcess>();

/** A plain colour field: the picture tells which source is on the air. */
function startSource(port: number, colour: string): void {
  sources.set(port, startUdpSource(port, `color=c=${colour}:size=${WIDTH}x${HEIGHT}:rate=25`, '32k'));
}

function stopSource(port: number): void {
  killGroup(sources.get(port)?.pid);
  sources.delete(port);
}

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, as = token) =>
  gateway.app.inject({ method, url: `/api/v1${url}`, headers: bearer(as), payload });

const statusOf = async (id: string): Promise<string> => (await api('GET', `/channels/${id}`)).json().status;

async function waitForStatus(id: string, status: string, timeoutMs: number): Promise<void> {
  await eventually(async () => ((await statusOf(id)) === status ? true : undefined), timeoutMs);
}

async function createChannel(name: string, urls: string[], extra: object = {}): Promise<{ id: string; outputDir: string }> {
  const created = await api('POST', '/channels', { name, sources: urls.map((url) => ({ url })), presetId, ...extra });
  expect({ statusCode: created.statusCode, body: created.json() }).toMatchObject({ statusCode: 201 });
  return { id: created.json().id, outputDir: path.join(hlsRoot, created.json().slug) };
}

function mediaSequence(outputDir: string): number {
  const match = /#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(readFileSync(path.join(outputDir, 'index.m3u8'), 'utf8'));
  return Number(match?.[1]);
}

/** The RGB of one pixel of the first frame of the newest listed segment. */
async function pixel(outputDir: string, x: number, y: number): Promise<[number, number, number]> {
  const playlist = readFileSync(path.join(outputDir, 'index.m3u8'), 'utf8');
  const newest = playlist.split('\n').filter((line) => line.endsWith('.ts')).at(-1);
  if (!newest) throw new Error('no segment listed');
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-protocol_whitelist', 'file', '-i', path.join(outputDir, newest), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  const at = (y * WIDTH + x) * 3;
  return [stdout[at] as number, stdout[at + 1] as number, stdout[at + 2] as number];
}

type Colour = 'red' | 'blue';
const colourOf = ([r, g, b]: [number, number, number]): Colour | 'other' =>
  r > 180 && g < 80 && b < 80 ? 'red' : b > 180 && r < 80 && g < 80 ? 'blue' : 'other';

/**
 * The colour of the picture away from any logo: which source is on the air. Around a switch the newest listed
 * segment can be the dying run's last one, cut short with no picture to decode: 'undecodable', polled again.
 */
const backgroundOf = async (outputDir: string) =>
  pixel(outputDir, 40, 150).then(
    (rgb) => colourOf(rgb).toString(),
    (error: Error) => {
      if (!/could not find codec parameters|Invalid data found/.test(error.message)) throw error;
      return 'undecodable';
    },
  );

const eventsOf = (channelId: string, type: string, since: number) =>
  prisma.channelEvent.findMany({ where: { channelId, type, at: { gte: new Date(since) } }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  gateway = await startTestGateway('live-supervision');
  workerEnv = {
    ...inProcessServiceEnv(gateway.databaseUrl),
    REDIS_KEY_PREFIX: redisPrefix,
    UPLOADS_DIR: uploadsDir,
    HLS_ROOT: hlsRoot,
    WORKER_SLOTS: '2',
    INPUT_TIMEOUT_SECONDS: '3',
    PRIMARY_PROBE_INTERVAL_MS: '1500',
    STALL_PROGRESS_MS: '5000',
    STALL_SEGMENT_MS: '10000',
    RESTART_MAX: '3',
    RESTART_WINDOW_MS: '60000',
    RESTART_COOLDOWN_MS: String(RESTART_COOLDOWN_MS),
    RESTART_BACKOFF_MAX_MS: '4000',
    SOURCE_OPEN_ATTEMPTS: '2',
    SOURCE_PROBE_MAX_MS: '1000',
  };
  channels = await startChannels(workerEnv, { handleSignals: false });
  worker = await startWorker(workerEnv);
  prisma = createPrismaClient(gateway.databaseUrl);
  adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  token = (await userWithRole(gateway.app, adminToken, 'operator')).accessToken;
  const preset = await api(
    'POST',
    '/settings/presets',
    { name: 'Tiny', profile: { x264Preset: 'ultrafast', width: WIDTH, height: HEIGHT, fps: 25, crf: 30, audioBitrateKbps: 32 } },
    adminToken,
  );
  expect(preset.statusCode).toBe(201);
  presetId = preset.json().id;
}, 60_000);

afterAll(async () => {
  await worker?.close();
  for (const pid of await processesFor(hlsRoot)) killGroup(pid);
  for (const port of [...sources.keys()]) stopSource(port);
  await prisma?.$disconnect();
  await channels?.close();
  await gateway?.close();
  rmSync(hlsRoot, { recursive: true, force: true });
  rmSync(uploadsDir, { recursive: true, force: true });
}, 30_000);

describe('live supervision', () => {
  let primaryPort: number;
  let backupPort: number;
  let channelId: string;
  let outputDir: string;

  it('burns in a logo anchored top_right without a fixed output size in the spec', async () => {
    const png = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=32x32', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', 'pipe:1']);
    const boundary = '----castline-test-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="red.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await gateway.app.inject({
      method: 'POST',
      url: '/api/v1/uploads/logo',
      headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(uploaded.statusCode).toBe(201);

    const port = await freeUdpPort();
    startSource(port, 'blue');
    // No preset: the default output has no width/height, so only FFmpeg knows the picture size.
    const created = await api('POST', '/channels', {
      name: 'Logo',
      sources: [{ url: `udp://127.0.0.1:${port}` }],
      output: { x264Preset: 'ultrafast', fps: 25, crf: 30, audioBitrateKbps: 32 },
      logo: { uploadId: uploaded.json().id, anchor: 'top_right', x: 10, y: 10, opacity: 1 },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const dir = path.join(hlsRoot, created.json().slug as string);
    try {
      await api('POST', `/channels/${id}/start`);
      await waitForStatus(id, 'running', 20_000);
      expect(colourOf(await pixel(dir, WIDTH - 10 - 16, 10 + 16))).toBe('red');
      expect(colourOf(await pixel(dir, 40, 150))).toBe('blue');
      expect(colourOf(await pixel(dir, 10 + 16, 10 + 16))).toBe('blue');
    } finally {
      await api('POST', `/channels/${id}/stop`);
      await waitForStatus(id, 'stopped', 10_000);
      stopSource(port);
    }
  }, 60_000);

  it('fails over to the backup when the primary dies, and back when it returns; the playlist keeps going', async () => {
    primaryPort = await freeUdpPort();
    backupPort = await freeUdpPort();
    startSource(primaryPort, 'red');
    startSource(backupPort, 'blue');
    ({ id: channelId, outputDir } = await createChannel('Failover', [`udp://127.0.0.1:${primaryPort}`, `udp://127.0.0.1:${backupPort}`]));
    await api('POST', `/channels/${channelId}/start`);
    await waitForStatus(channelId, 'running', 20_000);
    expect(await backgroundOf(outputDir)).toBe('red');
    const sequenceBefore = mediaSequence(outputDir);

    const killedAt = Date.now();
    stopSource(primaryPort);
    await eventually(async () => ((await statusOf(channelId)) === 'running' && (await backgroundOf(outputDir)) === 'blue' ? true : undefined), 20_000);
    console.log(`primary killed -> running on the backup: ${Date.now() - killedAt} ms`);
    const failovers = await eventsOf(channelId, 'failover', killedAt);
    expect(failovers).toHaveLength(1);
    expect(failovers[0]).toMatchObject({ category: 'network', details: expect.objectContaining({ from: 0, to: 1 }) });

    const restoredAt = Date.now();
    startSource(primaryPort, 'red');
    await eventually(async () => ((await statusOf(channelId)) === 'running' && (await backgroundOf(outputDir)) === 'red' ? true : undefined), 20_000);
    console.log(`primary restored -> running on the primary: ${Date.now() - restoredAt} ms`);
    const failbacks = await eventsOf(channelId, 'failback', restoredAt);
    expect(failbacks).toHaveLength(1);
    expect(failbacks[0]?.details).toMatchObject({ from: 1, to: 0 });

    // One playlist across the three runs: a discontinuity at each switch, never an end, and it keeps sliding.
    const playlist = readFileSync(path.join(outputDir, 'index.m3u8'), 'utf8');
    expect(playlist).not.toContain('#EXT-X-ENDLIST');
    expect(playlist).toContain('#EXT-X-DISCONTINUITY');
    await eventually(async () => (mediaSequence(outputDir) > sequenceBefore ? true : undefined), 20_000);
  }, 90_000);

  it('restarts a hung FFmpeg (SIGSTOP) through the stall watchdog', async () => {
    const [hung] = await processesFor(outputDir);
    expect(hung).toBeDefined();
    const stoppedAt = Date.now();
    process.kill(hung as number, 'SIGSTOP');
    const stall = await eventually(async () => (await eventsOf(channelId, 'stall', stoppedAt))[0], 20_000);
    console.log(`FFmpeg SIGSTOP -> stall detected: ${stall.at.getTime() - stoppedAt} ms`);
    await eventually(async () => {
      const pids = await processesFor(outputDir);
      const running = await eventsOf(channelId, 'state', stall.at.getTime());
      return pids.length === 1 && pids[0] !== hung && running.some((event) => event.message.startsWith('running')) ? true : undefined;
    }, 20_000);
    console.log(`FFmpeg SIGSTOP -> running again: ${Date.now() - stoppedAt} ms`);
    expect(await statusOf(channelId)).toBe('running');

    await api('POST', `/channels/${channelId}/stop`);
    await waitForStatus(channelId, 'stopped', 10_000);
    // The playlist stays for players; no segment outside it is left behind.
    const playlist = readFileSync(path.join(outputDir, 'index.m3u8'), 'utf8');
    const listed = playlist.split('\n').filter((line) => line.endsWith('.ts')).sort();
    const onDisk = (await run('ls', [outputDir])).stdout.split('\n').filter((name) => name.startsWith('seg_')).sort();
    expect(onDisk).toEqual(listed);
  }, 60_000);

  it('a source that never opens puts the channel in waiting, and it starts by itself when the source appears', async () => {
    const port = await freeUdpPort();
    const { id } = await createChannel('Never opens', [`udp://127.0.0.1:${port}`]);
    const startedAt = Date.now();
    await api('POST', `/channels/${id}/start`);
    await waitForStatus(id, 'waiting', 60_000);
    const view = (await api('GET', `/channels/${id}`)).json();
    expect(view).toMatchObject({ desiredState: 'running', statusDetail: expect.stringMatching(/^Waiting for source: udp port \d+ did not open 2 times in a row/) });
    // Open failures before it: each restart said why, in plain words.
    const restarts = await eventsOf(id, 'restart', startedAt);
    expect(restarts[0]?.message).toMatch(/^No data from udp port \d+ for \d+ s.*; (restarting now|trying again in \d+ s)/);
    expect(await eventsOf(id, 'error', startedAt)).toEqual([]);

    startSource(port, 'red');
    const appearedAt = Date.now();
    await waitForStatus(id, 'running', 30_000);
    console.log(`source appeared -> running: ${Date.now() - appearedAt} ms`);
    await api('POST', `/channels/${id}/stop`);
    await waitForStatus(id, 'stopped', 10_000);
    stopSource(port);
  }, 120_000);

  it('a crash loop waits a growing cooldown (status error, desiredState running), then runs again', async () => {
    const port = await freeUdpPort();
    startSource(port, 'red');
    const { id, outputDir: dir } = await createChannel('Crash loop', [`udp://127.0.0.1:${port}`]);
    const startedAt = Date.now();
    await api('POST', `/channels/${id}/start`);
    // RESTART_MAX (3) crashes restart at once; the 4th starts a cooldown.
    for (let crash = 1; crash <= 4; crash += 1) {
      const since = Date.now();
      await eventually(async () => ((await statusOf(id)) === 'running' ? true : undefined), 30_000);
      const [ffmpeg] = await processesFor(dir);
      expect(ffmpeg).toBeDefined();
      process.kill(ffmpeg as number, 'SIGSEGV');
      await eventually(async () => ((await eventsOf(id, crash === 4 ? 'cooldown' : 'restart', since)).length > 0 ? true : undefined), 20_000);
    }
    const restarts = await eventsOf(id, 'restart', startedAt);
    expect(restarts.map((event) => event.category)).toEqual(['crash', 'crash', 'crash']);
    expect(restarts[0]?.message).toMatch(/^FFmpeg crashed \(SIGSEGV\); restarting now/);
    const [cooldown] = await eventsOf(id, 'cooldown', startedAt);
    expect(cooldown?.message).toMatch(/3 automatic restarts in 1 min; trying again at .* \(in 1 s\)$/);
    expect((await api('GET', `/channels/${id}`)).json()).toMatchObject({ status: 'error', desiredState: 'running' });
    // The waiting branch runs: after the cooldown the channel is on the air again, with no operator.
    await waitForStatus(id, 'running', 30_000);
    const running = await eventsOf(id, 'state', cooldown!.at.getTime());
    expect(running.some((event) => event.message.startsWith('running'))).toBe(true);
    expect(running[0]!.at.getTime() - cooldown!.at.getTime()).toBeGreaterThanOrEqual(RESTART_COOLDOWN_MS);
    await api('POST', `/channels/${id}/stop`);
    await waitForStatus(id, 'stopped', 10_000);
    stopSource(port);
  }, 150_000);

  it('refuses to start when HLS_ROOT has less free space than HLS_MIN_FREE_BYTES', async () => {
    await worker?.close();
    const { id, outputDir: dir } = await createChannel('No space', [`udp://127.0.0.1:${backupPort}`]);
    worker = await startWorker({ ...workerEnv, HLS_MIN_FREE_BYTES: String(Number.MAX_SAFE_INTEGER) });
    try {
      await api('POST', `/channels/${id}/start`);
      await waitForStatus(id, 'error', 15_000);
      const view = (await api('GET', `/channels/${id}`)).json();
      expect(view.lastError).toMatch(/less than HLS_MIN_FREE_BYTES/);
      expect(await eventsOf(id, 'error', 0)).toEqual([expect.objectContaining({ category: 'resource' })]);
      expect(await processesFor(dir)).toEqual([]);
    } finally {
      await worker.close();
      worker = undefined;
    }
  }, 30_000);

  it('a SIGKILLed worker process loses its channel to another worker process', async () => {
    const main = path.resolve(__dirname, '../dist/worker/main.js');
    const env = { ...process.env, ...workerEnv, NODE_OPTIONS: '' };
    const children = [0, 1].map(() => spawn(process.execPath, [main], { env, stdio: 'ignore' }));
    try {
      await api('POST', `/channels/${channelId}/start`);
      await waitForStatus(channelId, 'running', 30_000);
      const [ffmpeg] = await processesFor(outputDir);
      const owner = Number((await run('ps', ['-o', 'ppid=', '-p', String(ffmpeg)])).stdout.trim());
      const [victim, survivor] = children[0]!.pid === owner ? children : [children[1]!, children[0]!];
      expect(victim!.pid).toBe(owner);

      const killedAt = Date.now();
      process.kill(owner, 'SIGKILL');
      const resumed = await eventually(async () => {
        const pids = await processesFor(outputDir);
        if (pids.length !== 1) return undefined;
        const parent = Number((await run('ps', ['-o', 'ppid=', '-p', String(pids[0])]).catch(() => ({ stdout: '' }))).stdout.trim());
        const running = await eventsOf(channelId, 'state', killedAt);
        return parent === survivor!.pid && running.some((event) => event.message.startsWith('running')) ? Date.now() : undefined;
      }, 30_000);
      console.log(`worker SIGKILL -> running on another worker: ${resumed - killedAt} ms`);
      expect(await statusOf(channelId)).toBe('running');

      await api('POST', `/channels/${channelId}/stop`);
      await waitForStatus(channelId, 'stopped', 10_000);
    } finally {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await new Promise((resolve) => child.once('exit', resolve));
        }
      }
    }
  }, 90_000);
});
