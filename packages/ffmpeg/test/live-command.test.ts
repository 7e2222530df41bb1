/**
 * The built commands against the real FFmpeg (Debian 5.1): a local UDP test source in, HLS out.
 * Everything runs on 127.0.0.1; every FFmpeg gets its own process group so a failure never leaves one behind.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  buildLiveCommand,
  buildThumbnailCommand,
  checkSourceUrl,
  DEFAULT_SOURCE_SCHEMES,
  hlsOutputPaths,
  parsePlaylist,
  ProgressParser,
  protocolWhitelist,
  type LiveEncodeSpec,
  type MasterPlaylist,
  type MediaPlaylist,
  type ProgressSample,
} from '@castline/ffmpeg';

const FFMPEG = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';
const WIDTH = 1280;
const HEIGHT = 720;
const LOGO = { x: 100, y: 80, width: 64, height: 64, opacity: 0.9 };

interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  samples: ProgressSample[];
  progress: ProgressParser;
}

const groups = new Set<ChildProcess>();
let workDir: string;
let sourceUrl: string;
let logoPath: string;
let source: Running;

function start(command: string, args: string[]): Running {
  // detached: its own process group, so one signal reaches FFmpeg and anything it may start.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.add(child);
  const progress = new ProgressParser({ windowSeconds: 4 });
  const samples: ProgressSample[] = [];
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => samples.push(...progress.push(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      groups.delete(child);
      resolve(code);
    });
  });
  return { child, exited, stderr: () => stderr, samples, progress };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // Already gone.
  }
}

/** One SIGINT (a second one makes 5.1 abort mid-write and leave an empty playlist), SIGKILL after 5 s. */
async function stop(running: Running): Promise<number | null> {
  if (!groups.has(running.child)) return running.exited;
  signalGroup(running.child, 'SIGINT');
  const timer = setTimeout(() => signalGroup(running.child, 'SIGKILL'), 5000);
  const code = await running.exited;
  clearTimeout(timer);
  return code;
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: stderr.toString() });
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function readPlaylist(file: string): Promise<MediaPlaylist | MasterPlaylist> {
  return parsePlaylist(await readFile(file, 'utf8'));
}

async function mediaPlaylistWith(file: string, accept: (playlist: MediaPlaylist) => boolean): Promise<MediaPlaylist | undefined> {
  const playlist = await readPlaylist(file);
  return playlist.kind === 'media' && accept(playlist) ? playlist : undefined;
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function probeStreams(file: string): Promise<Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>> {
  const { code, stdout, stderr } = await run(FFPROBE, [
    '-v', 'error', '-protocol_whitelist', 'file', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file,
  ]);
  if (code !== 0) throw new Error(`ffprobe ${file} failed: ${stderr}`);
  return JSON.parse(stdout.toString()).streams;
}

/** Decodes an image to packed RGB and returns the pixel at (x, y). */
async function pixelAt(image: string, width: number, x: number, y: number): Promise<[number, number, number]> {
  const { code, stdout, stderr } = await run(FFMPEG, ['-v', 'error', '-i', image, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  if (code !== 0) throw new Error(`decoding ${image} failed: ${stderr}`);
  const offset = (y * width + x) * 3;
  return [stdout[offset] as number, stdout[offset + 1] as number, stdout[offset + 2] as number];
}

function specFor(outputDir: string, overrides: Partial<LiveEncodeSpec> = {}): LiveEncodeSpec {
  return {
    input: { url: sourceUrl, timeoutSeconds: 5 },
    outputDir,
    logo: { path: logoPath, ...LOGO },
    video: { preset: 'veryfast', tune: 'zerolatency', profile: 'high', level: '4.1', crf: 23, fps: 30, gopSeconds: 2, bFrames: 0 },
    audio: { codec: 'aac', bitrateKbps: 128, sampleRate: 48000, channels: 2 },
    hls: { segmentSeconds: 2, listSize: 6 },
    ...overrides,
  };
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'castline-ffmpeg-'));
  logoPath = path.join(workDir, 'logo.png');
  const logo = await run(FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=64x64', '-frames:v', '1', '-y', logoPath]);
  expect(logo.code).toBe(0);

  // A blue 720p30 picture with a tone, as MPEG-TS over UDP: the logo is the only red thing in the picture.
  sourceUrl = `udp://127.0.0.1:${await freeUdpPort()}`;
  source = start(FFMPEG, [
    '-nostdin', '-v', 'error', '-re',
    '-f', 'lavfi', '-i', `color=c=blue:s=${WIDTH}x${HEIGHT}:r=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k',
    '-f', 'mpegts', `${sourceUrl}?pkt_size=1316`,
  ]);
});

afterAll(async () => {
  for (const child of groups) signalGroup(child, 'SIGKILL');
  if (source) await source.exited;
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('buildLiveCommand with the real FFmpeg', () => {
  it('one rendition: playable HLS with 2 s segments, the logo in the picture, progress on stdout; a restart continues the playlist', async () => {
    const outputDir = path.join(workDir, 'single');
    await mkdir(outputDir);
    const spec = specFor(outputDir, { hls: { segmentSeconds: 2, listSize: 6, runId: 'first' } });
    const { entryPlaylist } = hlsOutputPaths(spec);
    const encoder = start(FFMPEG, buildLiveCommand(spec));
    let exitCode: number | null;
    try {
      const live = await waitFor('three segments', () => mediaPlaylistWith(entryPlaylist, (p) => p.segments.length >= 3), 15_000);
      for (const segment of live.segments) {
        expect(segment.durationSeconds).toBeGreaterThanOrEqual(1.5);
        expect(segment.durationSeconds).toBeLessThanOrEqual(2.5);
      }
      expect(live.segments[0]?.programDateTime).toMatch(/^\d{4}-\d\d-\d\dT/);

      const streams = await probeStreams(entryPlaylist);
      expect(streams).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width: WIDTH, height: HEIGHT }),
          expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }),
        ]),
      );

      // Full width, so thumbnail pixels are output pixels. The newest segment is seconds after the single
      // logo frame was read: the logo is still there.
      const thumbnail = path.join(workDir, 'thumb.jpg');
      const grab = await run(FFMPEG, buildThumbnailCommand(entryPlaylist, thumbnail, WIDTH));
      expect(grab.stderr).toBe('');
      expect(grab.code).toBe(0);
      const [r, g, b] = await pixelAt(thumbnail, WIDTH, LOGO.x + LOGO.width / 2, LOGO.y + LOGO.height / 2);
      expect(r).toBeGreaterThan(180);
      expect(g).toBeLessThan(80);
      expect(b).toBeLessThan(80);
      const [farR, , farB] = await pixelAt(thumbnail, WIDTH, 1000, 600);
      expect(farR).toBeLessThan(80);
      expect(farB).toBeGreaterThan(180);

      expect(encoder.samples.some((s) => (s.fps ?? 0) > 0 && (s.speed ?? 0) > 0)).toBe(true);
      const averages = encoder.progress.averages();
      console.log('progress averages over 4 s:', averages, 'last sample:', encoder.progress.latest);
      expect(averages.averageFps).toBeGreaterThan(0);
      expect(averages.averageSpeed).toBeGreaterThan(0);
    } catch (error) {
      throw new Error(`${String(error)}\nFFmpeg stderr:\n${encoder.stderr()}`, { cause: error });
    } finally {
      exitCode = await stop(encoder);
    }
    expect(exitCode).toBe(255); // how 5.1 ends after one SIGINT

    const before = await readPlaylist(entryPlaylist);
    if (before.kind !== 'media') throw new Error('expected a media playlist');
    expect(before.endList).toBe(false); // omit_endlist: players keep waiting through a restart
    const sequenceOf = (playlist: MediaPlaylist, uri: string) =>
      playlist.mediaSequence + playlist.segments.findIndex((segment) => segment.uri === uri);

    const restarted = start(FFMPEG, buildLiveCommand({ ...spec, hls: { ...spec.hls, runId: 'second' } }));
    try {
      const after = await waitFor(
        'a segment of the second run',
        () => mediaPlaylistWith(entryPlaylist, (p) => p.segments.some((s) => s.uri.startsWith('seg_second_'))),
        15_000,
      );
      const firstNew = after.segments.findIndex((segment) => segment.uri.startsWith('seg_second_'));
      expect(firstNew).toBeGreaterThan(0);
      expect(after.segments[firstNew]?.discontinuity).toBe(true);
      // Old segments keep their sequence numbers and the new ones follow on.
      for (const segment of after.segments.slice(0, firstNew)) {
        expect(sequenceOf(after, segment.uri)).toBe(sequenceOf(before, segment.uri));
      }
      expect(after.mediaSequence + firstNew).toBe(before.mediaSequence + before.segments.length);
    } finally {
      await stop(restarted);
    }
  }, 40_000);

  it('a 720p + 360p ladder: a master playlist with two playable variants', async () => {
    const outputDir = path.join(workDir, 'ladder');
    await mkdir(outputDir);
    const spec = specFor(outputDir, {
      renditions: [
        { name: '720p', width: 1280, height: 720, bitrateKbps: 2800, maxrateKbps: 2996, bufsizeKbps: 4200 },
        { name: '360p', width: 640, height: 360, bitrateKbps: 800, maxrateKbps: 856, bufsizeKbps: 1200, audioBitrateKbps: 96 },
      ],
    });
    const { entryPlaylist, mediaPlaylists } = hlsOutputPaths(spec);
    const encoder = start(FFMPEG, buildLiveCommand(spec));
    try {
      for (const playlist of mediaPlaylists) {
        await waitFor(`two segments in ${playlist}`, () => mediaPlaylistWith(playlist, (p) => p.segments.length >= 2), 15_000);
      }
      const master = await readPlaylist(entryPlaylist);
      expect(master).toMatchObject({
        kind: 'master',
        variants: [
          { uri: '720p/index.m3u8', resolution: { width: 1280, height: 720 } },
          { uri: '360p/index.m3u8', resolution: { width: 640, height: 360 } },
        ],
      });

      for (const [index, [width, height]] of [[1280, 720], [640, 360]].entries()) {
        const playlist = mediaPlaylists[index] as string;
        expect(await probeStreams(playlist)).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width, height }),
            expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }),
          ]),
        );
        const thumbnail = path.join(workDir, `ladder-${index}.jpg`);
        expect((await run(FFMPEG, buildThumbnailCommand(playlist, thumbnail, 320))).code).toBe(0);
      }
      // Through the master, the thumbnail comes from the first variant.
      const fromMaster = path.join(workDir, 'ladder-master.jpg');
      expect((await run(FFMPEG, buildThumbnailCommand(entryPlaylist, fromMaster, WIDTH))).code).toBe(0);
      const [r, , b] = await pixelAt(fromMaster, WIDTH, LOGO.x + LOGO.width / 2, LOGO.y + LOGO.height / 2);
      expect(r).toBeGreaterThan(180);
      expect(b).toBeLessThan(80);
    } finally {
      await stop(encoder);
    }
  }, 30_000);
});

describe('source URL policy against the real FFmpeg', () => {
  it('refuses file: up front, and no scheme whitelist lets FFmpeg open a local file', async () => {
    expect(checkSourceUrl('file:///etc/passwd')).toEqual({
      ok: false,
      reason: expect.stringContaining('The "file:" scheme is not allowed'),
    });
    for (const scheme of DEFAULT_SOURCE_SCHEMES) {
      const { code, stderr } = await run(FFMPEG, [
        '-nostdin', '-v', 'error', '-protocol_whitelist', protocolWhitelist(scheme), '-i', 'file:///etc/passwd', '-f', 'null', '-',
      ]);
      expect(code).not.toBe(0);
      expect(stderr).toContain("Protocol 'file' not on whitelist");
    }
  });

  it('an allowed http playlist that points at a local file is stopped by the whitelist', async () => {
    // A real local segment, so that without the whitelist the attack would work (the control run shows it does).
    const localSegment = path.join(workDir, 'secret.ts');
    const made = await run(FFMPEG, [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mpegts', '-y', localSegment,
    ]);
    expect(made.code).toBe(0);
    const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://${localSegment}\n#EXT-X-ENDLIST\n`;
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      response.end(playlist);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/evil.m3u8`;
    try {
      const check = checkSourceUrl(url);
      expect(check).toEqual({ ok: true, scheme: 'http' });
      if (!check.ok) return;
      const read = (whitelist: string) =>
        run(FFMPEG, ['-nostdin', '-v', 'error', '-protocol_whitelist', whitelist, '-i', url, '-map', '0:v', '-f', 'null', '-']);

      const control = await read(`${protocolWhitelist(check.scheme)},file`);
      expect(control.code).toBe(0);

      const guarded = await read(protocolWhitelist(check.scheme));
      expect(guarded.code).not.toBe(0);
      expect(guarded.stderr).toContain("Protocol 'file' not on whitelist");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
