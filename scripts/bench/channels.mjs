// `npm run bench:channels` (run `npm run build` first): live channels through Castline on this machine.
//  1. Density: N 720p30 channels with a logo through Castline (gateway + channels + worker processes), then the
//     very same N FFmpeg command lines (read from /proc) started directly; per N the slowest channel's speed
//     (media seconds produced per wall second, from the HLS playlists) and the CPU of FFmpeg and of Castline's
//     Node processes.
//  2. Start latency (median of BENCH_STARTS, default 10): start -> first segment on disk, -> playlist and
//     segment served by nginx.
//  3. Recovery table: per source kind (clean clip looped with -c copy; a live x264 encoder joined mid-stream;
//     the same with corrupted packets) and kill signal (SIGKILL, SIGSEGV), the median of BENCH_KILLS (5) kills
//     from kill to the next new segment and the failure category each kill got; the failover gap (primary
//     encoder stopped -> longest time without a new segment through failover and failback, BENCH_FAILOVERS 2);
//     worker SIGKILL -> a new segment from the other worker.
//  4. Control plane under load: p50/p99 of GET /channels/:id while BENCH_LOAD_CHANNELS (6) 720p channels
//     saturate the CPU, with FFmpeg at nice 0 and at FFMPEG_NICE 19 (+ autogroup), side by side.
// Density counts only the channels' encoders as FFmpeg (not thumbnails or probes, which may exit at any
// time); the workers' reaped children (thumbnails, probes) count in Castline's CPU through cutime/cstime.
// Sources are a pre-encoded 720p30 clip looped with -c copy over UDP, so they cost almost nothing.
// BENCH_CHANNELS (default "1,2,3,4,5,6"), BENCH_MEASURE_S (20), BENCH_WARMUP_S (8), BENCH_STARTS (10),
// BENCH_KILLS (5), BENCH_FAILOVERS (2), BENCH_LOAD_CHANNELS (6), BENCH_API_S (15) tune it. Whatever happens
// (an error, Ctrl-C, a crash), everything it started is stopped: services, workers, FFmpeg, nginx's workers.
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
const kills = Number(process.env.BENCH_KILLS ?? 5);
const failovers = Number(process.env.BENCH_FAILOVERS ?? 2);
const loadChannels = Number(process.env.BENCH_LOAD_CHANNELS ?? 6);
const apiSeconds = Number(process.env.BENCH_API_S ?? 15);
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const work = mkdtempSync(path.join(os.tmpdir(), 'castline-bench-'));
const hlsRoot = mkdtempSync('/dev/shm/castline-bench-hls-');
// nginx's workers (nobody) serve it.
chmodSync(hlsRoot, 0o755);
const databaseUrl = db.withDatabaseName(db.defaultDatabaseUrl(), 'castline_bench_channels');
const admin = { email: 'bench@castline.local', password: 'bench-password-1234' };
const children = [];

/** Every child runs in its own process group (detached): stopping a group takes nginx's workers along. */
function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'], detached: true, ...options });
  children.push(child);
  return child;
}

function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Stops everything this run started; synchronous, so it also runs from 'exit' and crash handlers. */
function stopEverything() {
  for (const child of children) killGroup(child);
  for (const { pid } of ffmpegProcesses(hlsRoot)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

// Ctrl-C, a crash or any other exit must not leave services, workers, FFmpeg or nginx workers behind (they
// would join the next run's queue or keep the port).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    stopEverything();
    process.exit(130);
  });
}
process.on('uncaughtException', (error) => {
  console.error(error);
  stopEverything();
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  console.error(error);
  stopEverything();
  process.exit(1);
});
process.on('exit', stopEverything);

/** CPU seconds of a process (0 once it has exited); with `children`, also of its reaped children. */
const cpuSeconds = (pid, children = false) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (children ? own + Number(fields[13]) + Number(fields[14]) : own) / clockTicks;
  } catch {
    return 0;
  }
};

/** FFmpeg processes writing under `dir`, with their command lines; `encoders` keeps only HLS encoders. */
function ffmpegProcesses(dir, { encoders = false } = {}) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const encoder = argv.includes('-hls_segment_filename');
      if (path.basename(argv[0] ?? '') === 'ffmpeg' && argv.some((arg) => arg.startsWith(dir)) && (!encoders || encoder)) {
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
  const sample = () => [...ffmpegPids.map((pid) => cpuSeconds(pid)), ...nodePids.map((pid) => cpuSeconds(pid, true))];
  const cpuBefore = sample();
  const started = performance.now();
  // The playlist keeps only the last few segments: read it often enough to see every new one.
  while (performance.now() - started < measureSeconds * 1000) {
    files.forEach((file, index) => collectSegments(seen[index], playlist(file), baseline[index]));
    await sleep(500);
  }
  const wall = (performance.now() - started) / 1000;
  files.forEach((file, index) => collectSegments(seen[index], playlist(file), baseline[index]));
  const cpuAfter = sample();
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
    // The recovery table kills the same channel many times: no crash-loop cooldown in the way.
    RESTART_MAX: '1000',
  };
  const gateway = spawnTracked(process.execPath, ['services/gateway/dist/main.js'], { cwd: root, env: { ...env, PORT: String(ports.gateway) } });
  const channels = spawnTracked(process.execPath, ['services/channels/dist/main.js'], { cwd: root, env: { ...env, PORT: String(ports.channels) } });
  const startWorkers = (extra = {}) => [0, 1].map(() => spawnTracked(process.execPath, ['services/channels/dist/worker/main.js'], { cwd: root, env: { ...env, ...extra } }));
  let workers = startWorkers();
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
  const nodePids = () => [gateway.pid, channels.pid, ...workers.map((worker) => worker.pid)];

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

  const maxChannels = Math.max(...counts, loadChannels);
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
    const castlineProcesses = dirs.flatMap((dir) => ffmpegProcesses(dir, { encoders: true }));
    const castline = await measure(dirs, castlineProcesses.map((ffmpeg) => ffmpeg.pid), nodePids());
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
    for (const entry of raw) killGroup(entry.child, 'SIGINT');
    for (const looper of loopers) killGroup(looper);
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
  const small = { x264Preset: 'ultrafast', width: 640, height: 360, fps: 25, crf: 28, audioBitrateKbps: 64 };
  const liveEncoder = (port, noise) =>
    spawnTracked('ffmpeg', [
      '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-pix_fmt', 'yuv420p',
      ...(noise ? ['-bsf:v', 'noise=amount=50000'] : []),
      '-c:a', 'aac', '-b:a', '64k', '-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`,
    ]);
  const kinds = [
    { kind: 'clean clip', start: (port) => startLoopers(clip, [port])[0] },
    { kind: 'live, joined mid-stream', start: (port) => liveEncoder(port, false) },
    { kind: 'live, corrupted packets', start: (port) => liveEncoder(port, true) },
  ];
  const lastOf = (dir) => playlist(path.join(dir, 'index.m3u8'))?.last ?? -1;
  const newSegmentAfter = async (dir, killedAt, last) => {
    await until(() => lastOf(dir) > last, 60_000, 'a new segment');
    return (performance.now() - killedAt) / 1000;
  };
  /** The category of the first restart/cooldown event at or after `since` (epoch ms). */
  const categoryAfter = async (id, since) => {
    const found = await until(async () => {
      const { items } = await api('GET', `/channels/${id}/events?limit=10`);
      return items.find((event) => ['restart', 'cooldown', 'failover', 'error'].includes(event.type) && Date.parse(event.at) >= since - 50);
    }, 20_000, 'the restart event');
    return found.category ?? found.type;
  };
  const waitRunning = (id) => until(async () => (await channelStatus(id)) === 'running', 60_000, 'running');
  const recovery = [];
  for (const { kind, start } of kinds) {
    const port = await freePort();
    const source = start(port);
    await sleep(2000);
    const channel = await api('POST', '/channels', { name: `Recovery ${kind}`, sources: [{ url: `udp://127.0.0.1:${port}` }], output: small });
    const dir = path.join(hlsRoot, channel.slug);
    await api('POST', `/channels/${channel.id}/start`);
    for (const signal of ['SIGKILL', 'SIGSEGV']) {
      const seconds = [];
      const categories = [];
      for (let kill = 0; kill < kills; kill += 1) {
        await waitRunning(channel.id);
        const runningSince = lastOf(dir);
        await until(() => lastOf(dir) > runningSince, 30_000, 'a segment of the new run');
        const [victim] = ffmpegProcesses(dir, { encoders: true });
        const last = lastOf(dir);
        const killedAt = performance.now();
        const killedAtEpoch = Date.now();
        process.kill(victim.pid, signal);
        seconds.push(await newSegmentAfter(dir, killedAt, last));
        categories.push(await categoryAfter(channel.id, killedAtEpoch));
      }
      const tally = Object.entries(categories.reduce((counts, category) => ({ ...counts, [category]: (counts[category] ?? 0) + 1 }), {}))
        .map(([category, count]) => `${category} x${count}`)
        .join(', ');
      recovery.push({ source: kind, signal, kills, 'median kill -> new segment (s)': median(seconds).toFixed(1), 'max (s)': Math.max(...seconds).toFixed(1), categories: tally });
      console.table([recovery.at(-1)]);
    }
    await api('POST', `/channels/${channel.id}/stop`);
    await until(async () => (await channelStatus(channel.id)) === 'stopped', 30_000, 'stopped');
    killGroup(source);
  }
  console.log(`\n3. Recovery: FFmpeg killed after its first segments, ${kills} kills per row (goal: median <= 5 s)`);
  console.table(recovery);

  // Failover: primary and backup live encoders; the primary stops, then comes back.
  const [primaryPort, backupPort] = [await freePort(), await freePort()];
  let primary = liveEncoder(primaryPort, false);
  const backup = liveEncoder(backupPort, false);
  await sleep(2000);
  const pair = await api('POST', '/channels', {
    name: 'Recovery failover', sources: [{ url: `udp://127.0.0.1:${primaryPort}` }, { url: `udp://127.0.0.1:${backupPort}` }], output: small,
  });
  const pairDir = path.join(hlsRoot, pair.slug);
  await api('POST', `/channels/${pair.id}/start`);
  const failoverRows = [];
  const detail = async () => {
    const view = await api('GET', `/channels/${pair.id}`);
    return view.status === 'running' ? (view.statusDetail ?? 'primary') : undefined;
  };
  for (let round = 0; round < failovers; round += 1) {
    await until(async () => (await detail()) === 'primary', 60_000, 'running on the primary');
    await sleep(3000);
    const arrivals = [];
    let seen = lastOf(pairDir);
    const watcher = setInterval(() => {
      const last = lastOf(pairDir);
      if (last > seen) {
        seen = last;
        arrivals.push(performance.now());
      }
    }, 100);
    const stoppedAt = performance.now();
    arrivals.push(stoppedAt);
    killGroup(primary);
    await until(async () => (await detail())?.startsWith('On backup'), 60_000, 'running on the backup');
    const onBackup = (performance.now() - stoppedAt) / 1000;
    await sleep(3000);
    const backAt = performance.now();
    primary = liveEncoder(primaryPort, false);
    await until(async () => (await detail()) === 'primary', 60_000, 'back on the primary');
    const onPrimary = (performance.now() - backAt) / 1000;
    await sleep(3000);
    clearInterval(watcher);
    const gap = arrivals.slice(1).reduce((longest, at, index) => Math.max(longest, at - arrivals[index]), 0) / 1000;
    failoverRows.push({ round: round + 1, 'primary stopped -> running on backup (s)': onBackup.toFixed(1), 'primary back -> on primary (s)': onPrimary.toFixed(1), 'longest gap without a new segment (s)': gap.toFixed(1) });
  }
  console.log(`\n   Failover (INPUT_TIMEOUT_SECONDS default; goal: gap <= 12 s)`);
  console.table(failoverRows);
  await api('POST', `/channels/${pair.id}/stop`);
  await until(async () => (await channelStatus(pair.id)) === 'stopped', 30_000, 'stopped');
  killGroup(primary);
  killGroup(backup);

  // Worker SIGKILL: the channel resumes on the other worker (the start-latency looper still feeds it).
  await api('POST', `/channels/${target.id}/start`);
  await waitRunning(target.id);
  await sleep(4000);
  const [victim] = ffmpegProcesses(dir, { encoders: true });
  const last = lastOf(dir);
  const killedAt = performance.now();
  process.kill(victim.ppid, 'SIGKILL');
  const afterWorkerKill = await newSegmentAfter(dir, killedAt, last);
  console.log(`   Worker SIGKILL -> new segment from the other worker: ${afterWorkerKill.toFixed(1)} s`);
  await api('POST', `/channels/${target.id}/stop`);
  await until(async () => (await channelStatus(target.id)) === 'stopped', 30_000, 'stopped');
  killGroup(looper[0]);
  workers = workers.filter((worker) => worker.pid !== victim.ppid);

  // 4. The control plane while encoders saturate the CPU, FFmpeg at nice 0 and at nice 19.
  const load = created.slice(0, loadChannels);
  const loadLoopers = startLoopers(clip, sourcePorts.slice(0, loadChannels));
  const apiRows = [];
  for (const nice of ['0', '19']) {
    for (const worker of workers) killGroup(worker, 'SIGTERM');
    await until(() => workers.every((worker) => worker.exitCode !== null || worker.signalCode !== null), 40_000, 'workers stopped');
    workers = startWorkers({ FFMPEG_NICE: nice });
    for (const channel of load) await api('POST', `/channels/${channel.id}/start`);
    await until(async () => (await Promise.all(load.map((channel) => channelStatus(channel.id)))).every((status) => status === 'running'), 90_000, `${loadChannels} channels running`);
    await sleep(5000);
    const encoders = load.flatMap((channel) => ffmpegProcesses(path.join(hlsRoot, channel.slug), { encoders: true })).map((ffmpeg) => ffmpeg.pid);
    const cpuBefore = encoders.map((pid) => cpuSeconds(pid));
    const latencies = [];
    let errors = 0;
    const began = performance.now();
    await Promise.all([0, 1, 2, 3].map(async (lane) => {
      for (let request = lane; performance.now() - began < apiSeconds * 1000; request += 4) {
        const at = performance.now();
        const response = await fetch(`${base}/api/v1/channels/${load[request % load.length].id}`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
        if (!response?.ok) errors += 1;
        await response?.arrayBuffer();
        latencies.push(performance.now() - at);
      }
    }));
    const wall = (performance.now() - began) / 1000;
    const ffmpegCores = encoders.map((pid, index) => cpuSeconds(pid) - cpuBefore[index]).reduce((a, b) => a + b, 0) / wall;
    latencies.sort((a, b) => a - b);
    const pct = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(0);
    apiRows.push({ 'FFmpeg priority': nice === '0' ? 'nice 0 (before)' : 'nice 19 + autogroup', requests: latencies.length, 'p50 ms': pct(0.5), 'p99 ms': pct(0.99), 'max ms': latencies.at(-1).toFixed(0), errors, 'FFmpeg cores': ffmpegCores.toFixed(2) });
    console.table([apiRows.at(-1)]);
    for (const channel of load) await api('POST', `/channels/${channel.id}/stop`);
    await until(async () => (await Promise.all(load.map((channel) => channelStatus(channel.id)))).every((status) => status === 'stopped'), 60_000, 'stopped');
  }
  for (const looperChild of loadLoopers) killGroup(looperChild);
  console.log(`\n4. GET /channels/:id (4 concurrent clients, ${apiSeconds} s) while ${loadChannels} 720p channels fill ${os.cpus().length} cores (goal: p99 < 500 ms with the priority change)`);
  console.table(apiRows);
  console.log(`p99 ratio nice 0 / nice 19: ${(Number(apiRows[0]['p99 ms']) / Math.max(1, Number(apiRows[1]['p99 ms']))).toFixed(1)}x`);
} finally {
  stopEverything();
  await sleep(500);
  await db.dropDatabase(databaseUrl).catch(() => {});
  rmSync(work, { recursive: true, force: true });
  rmSync(hlsRoot, { recursive: true, force: true });
}
