// `npm run bench:channels` (run `npm run build` first): live channels through Castline on this machine.
//  1. Density: N 720p30 channels with a logo through Castline (gateway + channels + worker processes), then the
//     very same N FFmpeg command lines (read from /proc) started directly; per N the slowest channel's speed
//     (media seconds produced per wall second, from the HLS playlists) and the CPU of FFmpeg and of Castline's
//     Node processes.
//  2. Start latency (median of BENCH_STARTS, default 10): start -> first segment on disk, -> playlist and
//     segment served by nginx.
//  3. Recovery: FFmpeg SIGKILL -> next new segment; worker SIGKILL -> channel on the other worker, new segment.
// Sources are a pre-encoded 720p30 clip looped with -c copy over UDP, so they cost almost nothing.
// BENCH_CHANNELS (default "1,2,3,4,5,6"), BENCH_MEASURE_S (20), BENCH_WARMUP_S (8) tune it.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const db = require(path.join(root, 'packages/db/dist/index.js'));
const { freePort } = require(path.join(root, 'packages/testkit/dist/index.js'));

const counts = (process.env.BENCH_CHANNELS ?? '1,2,3,4,5,6').split(',').map(Number);
const measureSeconds = Number(process.env.BENCH_MEASURE_S ?? 20);
const warmupSeconds = Number(process.env.BENCH_WARMUP_S ?? 8);
const starts = Number(process.env.BENCH_STARTS ?? 10);
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const work = mkdtempSync(path.join(os.tmpdir(), 'castline-bench-'));
const hlsRoot = mkdtempSync('/dev/shm/castline-bench-hls-');
// nginx's workers (nobody) serve it.
chmodSync(hlsRoot, 0o755);
const databaseUrl = db.withDatabaseName(db.defaultDatabaseUrl(), 'castline_bench_channels');
const admin = { email: 'bench@castline.local', password: 'bench-password-1234' };
const children = [];

// Ctrl-C must not leave services, workers or FFmpeg processes behind (they would join the next run's queue).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    for (const { pid } of ffmpegProcesses(hlsRoot)) process.kill(pid, 'SIGKILL');
    process.exit(130);
  });
}

function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'], ...options });
  children.push(child);
  return child;
}

const cpuSeconds = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return 0;
  }
};

/** FFmpeg processes writing under `dir`, with their command lines. */
function ffmpegProcesses(dir) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (path.basename(argv[0] ?? '') === 'ffmpeg' && argv.some((arg) => arg.startsWith(dir))) {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
        found.push({ pid: Number(entry), ppid, argv });
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function playlist(file) {
  try {
    const text = readFileSync(file, 'utf8');
    const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
    const durations = [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((match) => Number(match[1]));
    const segments = text.split('\n').filter((line) => line.endsWith('.ts'));
    return { sequence, durations, segments, last: sequence + durations.length - 1 };
  } catch {
    return undefined;
  }
}

/** Remembers every segment (by media sequence number) newer than `after` seen in a playlist. */
function collectSegments(seen, reading, after) {
  if (!reading) return;
  reading.durations.forEach((duration, index) => {
    if (reading.sequence + index > after) seen.set(reading.sequence + index, duration);
  });
}

async function until(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

let token;
let base;
async function api(method, url, body) {
  const response = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const channelStatus = async (id) => (await api('GET', `/channels/${id}`)).status;

function startLoopers(clip, ports) {
  return ports.map((port) =>
    spawnTracked('ffmpeg', ['-v', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-c', 'copy', '-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`]),
  );
}

/** Speed of each output dir and CPU of the given pids over the measurement window. */
async function measure(outputDirs, ffmpegPids, nodePids) {
  await sleep(warmupSeconds * 1000);
  const files = outputDirs.map((dir) => path.join(dir, 'index.m3u8'));
  const baseline = files.map((file) => playlist(file)?.last ?? -1);
  const seen = files.map(() => new Map());
  const cpuBefore = [...ffmpegPids, ...nodePids].map(cpuSeconds);
  const started = performance.now();
  // The playlist keeps only the last few segments: read it often enough to see every new one.
  while (performance.now() - started < measureSeconds * 1000) {
    files.forEach((file, index) => collectSegments(seen[index], playlist(file), baseline[index]));
    await sleep(500);
  }
  const wall = (performance.now() - started) / 1000;
  files.forEach((file, index) => collectSegments(seen[index], playlist(file), baseline[index]));
  const cpuAfter = [...ffmpegPids, ...nodePids].map(cpuSeconds);
  const cpu = cpuAfter.map((value, index) => (value - cpuBefore[index]) / wall);
  const speeds = seen.map((segments) => [...segments.values()].reduce((sum, duration) => sum + duration, 0) / wall);
  return {
    slowest: Math.min(...speeds),
    ffmpegCores: cpu.slice(0, ffmpegPids.length).reduce((a, b) => a + b, 0),
    nodeCores: cpu.slice(ffmpegPids.length).reduce((a, b) => a + b, 0),
  };
}

try {
  // Infrastructure: a database of its own, gateway + channels + two workers, nginx in front of HLS_ROOT.
  await db.dropDatabase(databaseUrl).catch(() => {});
  await db.applyMigrations(databaseUrl);
  const ports = { gateway: await freePort(), channels: await freePort(), nginx: await freePort() };
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: 'castline-bench-channels:',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    PLAYBACK_SIGNING_SECRET: 'bench-playback-secret-bench-playback-0123',
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    HLS_ROOT: hlsRoot,
    UPLOADS_DIR: path.join(work, 'uploads'),
    WORKER_SLOTS: '32',
  };
  const gateway = spawnTracked(process.execPath, ['services/gateway/dist/main.js'], { cwd: root, env: { ...env, PORT: String(ports.gateway) } });
  const channels = spawnTracked(process.execPath, ['services/channels/dist/main.js'], { cwd: root, env: { ...env, PORT: String(ports.channels) } });
  const workers = [0, 1].map(() => spawnTracked(process.execPath, ['services/channels/dist/worker/main.js'], { cwd: root, env }));
  const nginxDir = mkdtempSync(path.join(os.tmpdir(), 'castline-bench-nginx-'));
  chmodSync(nginxDir, 0o711);
  const rendered = execFileSync('bash', ['scripts/render-nginx.sh', 'local', nginxDir], {
    cwd: root,
    env: { ...process.env, ...env, NGINX_PORT: String(ports.nginx), GATEWAY_UPSTREAM: `127.0.0.1:${ports.gateway}`, NGINX_ERROR_LOG: `${nginxDir}/error.log` },
  }).toString().trim().split('\n').at(-1);
  spawnTracked('nginx', ['-p', nginxDir, '-c', rendered, '-g', 'daemon off;']);
  base = `http://127.0.0.1:${ports.gateway}`;
  await until(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 30_000, 'gateway');
  await until(async () => (await fetch(`http://127.0.0.1:${ports.channels}/healthz`).catch(() => undefined))?.ok, 30_000, 'channels');
  token = (await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) })).json()).accessToken;
  const nodePids = [gateway.pid, channels.pid, ...workers.map((worker) => worker.pid)];

  // A 720p30 clip with a tone, and a logo uploaded through the API.
  const clip = path.join(work, 'clip.ts');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=800:sample_rate=48000',
    '-t', '10', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-c:a', 'aac', '-f', 'mpegts', clip]);
  const logoFile = path.join(work, 'logo.png');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=white:s=200x80', '-frames:v', '1', logoFile]);
  const form = new FormData();
  form.append('file', new Blob([readFileSync(logoFile)], { type: 'image/png' }), 'logo.png');
  const logo = await (await fetch(`${base}/api/v1/uploads/logo`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).json();
  const preset = (await api('GET', '/settings/presets')).items.find((item) => item.name === '720p30');

  const maxChannels = Math.max(...counts);
  const sourcePorts = [];
  for (let index = 0; index < maxChannels; index += 1) sourcePorts.push(await freePort());
  const created = [];
  for (let index = 0; index < maxChannels; index += 1) {
    created.push(
      await api('POST', '/channels', {
        name: `Bench ${index + 1}`,
        slug: `bench-${index + 1}`,
        sources: [{ url: `udp://127.0.0.1:${sourcePorts[index]}?pkt_size=1316` }],
        presetId: preset.id,
        logo: { uploadId: logo.id, anchor: 'top_right', x: 24, y: 24, opacity: 0.8 },
      }),
    );
  }

  console.log(`\n1. Density (${os.cpus().length} cores, 720p30 + logo, veryfast CRF 23; warm-up ${warmupSeconds} s, measured ${measureSeconds} s)`);
  const density = [];
  for (const count of counts) {
    const batch = created.slice(0, count);
    const loopers = startLoopers(clip, sourcePorts.slice(0, count));
    await sleep(500);
    for (const channel of batch) await api('POST', `/channels/${channel.id}/start`);
    await until(async () => (await Promise.all(batch.map((channel) => channelStatus(channel.id)))).every((status) => status === 'running'), 60_000, `${count} channels running`);
    const dirs = batch.map((channel) => path.join(hlsRoot, channel.slug));
    const castlineProcesses = dirs.flatMap((dir) => ffmpegProcesses(dir));
    const castline = await measure(dirs, castlineProcesses.map((ffmpeg) => ffmpeg.pid), nodePids);
    for (const channel of batch) await api('POST', `/channels/${channel.id}/stop`);
    await until(async () => (await Promise.all(batch.map((channel) => channelStatus(channel.id)))).every((status) => status === 'stopped'), 30_000, 'stopped');

    // The same command lines, started directly.
    const raw = castlineProcesses.map((ffmpeg, index) => {
      const from = dirs.find((dir) => ffmpeg.argv.some((arg) => arg.startsWith(dir)));
      const to = path.join(hlsRoot, `raw-${index}`);
      rmSync(to, { recursive: true, force: true });
      mkdirSync(to, { recursive: true });
      return { to, child: spawnTracked(ffmpeg.argv[0], ffmpeg.argv.slice(1).map((arg) => arg.replaceAll(from, to)), { stdio: 'ignore', detached: true }) };
    });
    const direct = await measure(raw.map((entry) => entry.to), raw.map((entry) => entry.child.pid), []);
    for (const entry of raw) process.kill(-entry.child.pid, 'SIGINT');
    for (const looper of loopers) looper.kill('SIGKILL');
    await sleep(1500);
    density.push({
      channels: count,
      'castline slowest speed': castline.slowest.toFixed(2),
      'direct slowest speed': direct.slowest.toFixed(2),
      'castline FFmpeg cores': castline.ffmpegCores.toFixed(2),
      'direct FFmpeg cores': direct.ffmpegCores.toFixed(2),
      'castline Node cores': castline.nodeCores.toFixed(3),
      'Node / FFmpeg': `${((100 * castline.nodeCores) / castline.ffmpegCores).toFixed(1)} %`,
    });
    console.table([density.at(-1)]);
  }
  console.table(density);
  const largest = (key) => Math.max(0, ...density.filter((row) => Number(row[key]) >= 0.99).map((row) => row.channels));
  console.log(`largest N at speed >= 1.0 (0.99 allowing for segment rounding): Castline ${largest('castline slowest speed')}, direct ${largest('direct slowest speed')}`);

  // 2. Start latency.
  const target = created[0];
  const looper = startLoopers(clip, [sourcePorts[0]]);
  await sleep(500);
  const dir = path.join(hlsRoot, target.slug);
  const onDisk = [];
  const playable = [];
  for (let attempt = 0; attempt < starts; attempt += 1) {
    rmSync(dir, { recursive: true, force: true });
    const started = performance.now();
    await api('POST', `/channels/${target.id}/start`);
    await until(() => existsSync(dir) && readdirSync(dir).some((file) => file.endsWith('.ts') && statSync(path.join(dir, file)).size > 0), 30_000, 'first segment');
    onDisk.push(performance.now() - started);
    await until(async () => {
      const list = await fetch(`http://127.0.0.1:${ports.nginx}/live/${target.slug}/index.m3u8`).catch(() => undefined);
      if (!list?.ok) return false;
      const segment = (await list.text()).split('\n').find((line) => line.endsWith('.ts'));
      return segment && (await fetch(`http://127.0.0.1:${ports.nginx}/live/${target.slug}/${segment}`)).ok;
    }, 30_000, 'playable through nginx');
    playable.push(performance.now() - started);
    await api('POST', `/channels/${target.id}/stop`);
    await until(async () => (await channelStatus(target.id)) === 'stopped', 30_000, 'stopped');
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`\n2. Start latency, median of ${starts}: first segment on disk ${(median(onDisk) / 1000).toFixed(2)} s, playable through nginx ${(median(playable) / 1000).toFixed(2)} s`);

  // 3. Recovery.
  await api('POST', `/channels/${target.id}/start`);
  await until(async () => (await channelStatus(target.id)) === 'running', 30_000, 'running');
  await sleep(4000);
  const newSegmentAfter = async (killedAt, last) => {
    await until(() => (playlist(path.join(dir, 'index.m3u8'))?.last ?? -1) > last, 60_000, 'a new segment');
    return (performance.now() - killedAt) / 1000;
  };
  let [victim] = ffmpegProcesses(dir);
  let last = playlist(path.join(dir, 'index.m3u8')).last;
  let killedAt = performance.now();
  process.kill(victim.pid, 'SIGKILL');
  const afterFfmpegKill = await newSegmentAfter(killedAt, last);
  await sleep(3000);
  [victim] = ffmpegProcesses(dir);
  last = playlist(path.join(dir, 'index.m3u8')).last;
  killedAt = performance.now();
  process.kill(victim.ppid, 'SIGKILL');
  const afterWorkerKill = await newSegmentAfter(killedAt, last);
  console.log(`\n3. Recovery: FFmpeg SIGKILL -> new segment ${afterFfmpegKill.toFixed(1)} s; worker SIGKILL -> new segment from the other worker ${afterWorkerKill.toFixed(1)} s`);
  looper[0].kill('SIGKILL');
} finally {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const { pid } of ffmpegProcesses(hlsRoot)) process.kill(pid, 'SIGKILL');
  await sleep(500);
  await db.dropDatabase(databaseUrl).catch(() => {});
  rmSync(work, { recursive: true, force: true });
  rmSync(hlsRoot, { recursive: true, force: true });
}
