import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPrismaClient, type PrismaClient } from '@castline/db';
import { parsePlaylist } from '@castline/ffmpeg';
import { Jobs } from '@castline/platform';
import { createTestDatabase, type CollectedProcess, redisKeyPrefix, spawnNode, type TestDatabase } from '@castline/testkit';
import { TranscodeQueue } from '../src/videos/transcode-queue';

/** The transcode worker process, real FFmpeg, Postgres, Redis and NATS: a short generated clip becomes a VOD. */
const main = path.resolve(__dirname, '../dist/worker/main.js');
const run = promisify(execFile);
const prefix = redisKeyPrefix('media-worker');
const DURATION = 6;
let database: TestDatabase;
let prisma: PrismaClient;
let jobs: Jobs;
let queue: TranscodeQueue;
let root: string;
let clip: string;
/** Long enough to still be transcoding when the test kills or cancels it. */
let longClip: string;
const workers = new Set<CollectedProcess>();

const env = () => ({
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  DATABASE_URL: database.url,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  REDIS_KEY_PREFIX: prefix,
  MEDIA_ROOT: root,
  MEDIA_RUNGS: '480,360,240',
  MEDIA_TRANSCODE_THREADS: '1',
  MEDIA_X264_PRESET: 'ultrafast',
});

/**
 * A media-worker process. Only the SIGKILL test checks the nice-19 FFmpeg; the others run it at nice 0
 * (MEDIA_FFMPEG_NICE), since at 19 it gets a CPU only when the other tests leave one free, past any deadline.
 */
async function startWorker(ffmpegNice = 0): Promise<CollectedProcess> {
  const worker = spawnNode(main, { ...env(), MEDIA_FFMPEG_NICE: String(ffmpegNice) });
  workers.add(worker);
  const deadline = Date.now() + 20_000;
  while (!worker.output().includes('metrics and health on')) {
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start: ${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return worker;
}

async function stopWorker(worker: CollectedProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) {
    const exited = once(worker.child, 'exit');
    worker.child.kill(signal);
    await exited;
  }
  workers.delete(worker);
}

async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 90_000, log?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${log ? `\n${log()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** FFmpegs whose command line reads this video's original. */
function ffmpegsFor(videoId: string): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.startsWith('ffmpeg\0') && cmdline.includes(`originals/${videoId}`);
    } catch {
      return false;
    }
  });
}

async function newVideo(title: string, source = clip): Promise<string> {
  const video = await prisma.video.create({ data: { title, originalFilename: 'clip.mp4', status: 'queued', sizeBytes: 1n } });
  await copyFile(source, path.join(root, 'originals', video.id));
  return video.id;
}

async function probeJson(file: string): Promise<{ streams: Array<Record<string, unknown>>; format: Record<string, string> }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-protocol_whitelist', 'file', '-show_format', '-show_streams', '-of', 'json', file]);
  return JSON.parse(stdout);
}

/** Top-level MP4 boxes in order. */
async function mp4Boxes(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  const boxes: string[] = [];
  try {
    const { size } = await handle.stat();
    let offset = 0;
    const header = Buffer.alloc(16);
    while (offset < size) {
      await handle.read(header, 0, 16, offset);
      let length = header.readUInt32BE(0);
      boxes.push(header.toString('latin1', 4, 8));
      if (length === 1) length = Number(header.readBigUInt64BE(8));
      if (length < 8) break;
      offset += length;
    }
  } finally {
    await handle.close();
  }
  return boxes;
}

beforeAll(async () => {
  database = await createTestDatabase('media-worker');
  prisma = createPrismaClient(database.url);
  root = await mkdtemp(path.join(os.tmpdir(), 'castline-media-'));
  for (const dir of ['originals', 'work', 'vod', 'incoming']) await run('mkdir', ['-p', path.join(root, dir)]);
  clip = path.join(root, 'clip.mp4');
  await run('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=854x480:rate=25:duration=${DURATION}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${DURATION}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', clip,
  ]);
  longClip = path.join(root, 'long.mp4');
  await run('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=25:duration=60', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', longClip,
  ]);
  jobs = new Jobs({ REDIS_URL: env().REDIS_URL, REDIS_KEY_PREFIX: prefix });
  queue = new TranscodeQueue(jobs);
}, 60_000);

afterAll(async () => {
  for (const worker of [...workers]) await stopWorker(worker, 'SIGKILL');
  await jobs?.queue('media-transcode').obliterate().catch(() => undefined);
  await jobs?.close();
  await prisma?.$disconnect();
  await database?.drop();
  if (root) await rm(root, { recursive: true, force: true });
});

it('a generated clip becomes ready: every playlist plays, master attributes, MP4 moov before mdat, sprite VTT covers it', async () => {
  const worker = await startWorker();
  const id = await newVideo('clip');
  await queue.enqueue(id);
  const video = await until('ready', async () => {
    const row = await prisma.video.findUnique({ where: { id }, include: { versions: true } });
    if (row?.status === 'failed') throw new Error(`failed: ${row.errorMessage}`);
    return row?.status === 'ready' ? row : undefined;
  }, 120_000, worker.output);
  await stopWorker(worker);

  expect(video.progress).toBe(100);
  const vod = path.join(root, 'vod', id);
  expect(existsSync(path.join(root, 'work', id))).toBe(false);
  expect(video.versions.map((v) => `${v.kind}:${v.name}`).sort()).toEqual(['hls:240p', 'hls:360p', 'hls:480p', 'mp4:download', 'poster:poster', 'sprite:sprite']);

  const master = await readFile(path.join(vod, 'index.m3u8'), 'utf8');
  const parsed = parsePlaylist(master);
  expect(parsed.kind).toBe('master');
  for (const line of master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'))) {
    expect(line).toMatch(/BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=\d+x\d+,CODECS="avc1\.640029,mp4a\.40\.2",FRAME-RATE=25\.000$/);
  }
  if (parsed.kind !== 'master') return;
  expect(parsed.variants.map((v) => v.resolution)).toEqual([{ width: 854, height: 480 }, { width: 640, height: 360 }, { width: 428, height: 240 }]);
  for (const variant of parsed.variants) {
    const probe = await probeJson(path.join(vod, variant.uri));
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(probe.format.duration)).toBeGreaterThan(DURATION - 0.5);
    // Peak >= average, both measured.
    expect(variant.bandwidth).toBeGreaterThan(0);
  }
  const viaMaster = await probeJson(path.join(vod, 'index.m3u8'));
  expect(viaMaster.streams.filter((s) => s.codec_type === 'video')).toHaveLength(3);

  const boxes = await mp4Boxes(path.join(vod, 'download.mp4'));
  expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
  expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  const mp4 = await probeJson(path.join(vod, 'download.mp4'));
  expect(mp4.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 854, height: 480 });

  const vtt = await readFile(path.join(vod, 'sprite.vtt'), 'utf8');
  const cues = [...vtt.matchAll(/(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\nsprite\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)/g)];
  const seconds = (m: RegExpMatchArray, at: number) => Number(m[at]) * 3600 + Number(m[at + 1]) * 60 + Number(m[at + 2]) + Number(m[at + 3]) / 1000;
  expect(seconds(cues[0]!, 1)).toBe(0);
  expect(seconds(cues[cues.length - 1]!, 5)).toBeCloseTo(DURATION, 1);
  for (let index = 1; index < cues.length; index++) expect(seconds(cues[index]!, 1)).toBe(seconds(cues[index - 1]!, 5));
  const sprite = (await probeJson(path.join(vod, 'sprite.jpg'))).streams[0]!;
  for (const cue of cues) {
    expect(Number(cue[9]) + Number(cue[11])).toBeLessThanOrEqual(Number(sprite.width));
    expect(Number(cue[10]) + Number(cue[12])).toBeLessThanOrEqual(Number(sprite.height));
  }
  expect((await probeJson(path.join(vod, 'poster.jpg'))).streams[0]).toMatchObject({ width: 854, height: 480 });
}, 180_000);

it('a worker SIGKILLed mid-transcode takes its FFmpeg with it; another worker retries to ready, no work dir left', async () => {
  const first = await startWorker(19);
  const id = await newVideo('killed', longClip);
  await queue.enqueue(id);
  const pids = await until('the transcode FFmpeg', async () => {
    const found = ffmpegsFor(id);
    return found.length > 0 ? found : undefined;
  }, 60_000, first.output);
  // FFmpeg at nice 19, and its session's autogroup too.
  const niceOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
  expect(pids.map(niceOf)).toEqual(pids.map(() => 19));
  if (existsSync(`/proc/${pids[0]}/autogroup`)) expect(readFileSync(`/proc/${pids[0]}/autogroup`, 'utf8')).toMatch(/ nice 19$/m);
  await stopWorker(first, 'SIGKILL');
  await until('no orphan FFmpeg', async () => ffmpegsFor(id).length === 0, 10_000);

  const second = await startWorker();
  const video = await until('ready on the second worker', async () => {
    const row = await prisma.video.findUnique({ where: { id } });
    return row?.status === 'ready' ? row : undefined;
  }, 120_000, second.output);
  await stopWorker(second);
  expect(video.attempts).toBe(2);
  expect(existsSync(path.join(root, 'work', id))).toBe(false);
  expect(existsSync(path.join(root, 'vod', id, 'index.m3u8'))).toBe(true);
}, 240_000);

it('cancel stops FFmpeg: cancelled, never retried, nothing left in work/ or vod/', async () => {
  const worker = await startWorker();
  const id = await newVideo('cancelled', longClip);
  await queue.enqueue(id);
  await until('the transcode FFmpeg', async () => ffmpegsFor(id).length > 0, 60_000, worker.output);
  // Progress moves while FFmpeg runs (from the finished segments: FFmpeg's own -progress waits for the sprite).
  await until('progress mid-transcode', async () => {
    const { progress } = await prisma.video.findUniqueOrThrow({ where: { id } });
    return progress > 0 && progress < 90 ? progress : undefined;
  }, 90_000, worker.output);
  await prisma.video.update({ where: { id }, data: { status: 'cancelled' } });
  await until('FFmpeg stopped', async () => ffmpegsFor(id).length === 0, 15_000, worker.output);
  await until('the work dir removed', async () => !existsSync(path.join(root, 'work', id)), 10_000);
  expect((await prisma.video.findUniqueOrThrow({ where: { id } })).status).toBe('cancelled');
  expect(existsSync(path.join(root, 'vod', id))).toBe(false);
  expect(await jobs.queue('media-transcode').getJob(id)).toBeUndefined();
  await stopWorker(worker);
}, 200_000);
