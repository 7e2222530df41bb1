// `npm run bench:vod` (run `npm run build` first): the VOD transcoder on this machine, no services needed.
//  1. Ladder: a generated BENCH_SECONDS (60) 1080p30 sample through buildVodCommand (ONE decode, split into
//     every rung + poster + sprite, MP4 remux after) vs one FFmpeg per rendition (same rungs and x264
//     settings, poster and sprite each decoding the source too, like PeerTube); CPU seconds and wall time side
//     by side, and each rung's SSIM against the source (first BENCH_SSIM_S seconds) for both. Two samples
//     (BENCH_LADDER_SAMPLES, "synthetic,camera"): the synthetic one is H.264 without CABAC or B-frames, about the
//     cheapest 1080p there is to decode (a lower bound of the saving); the camera-like one is what a phone
//     uploads by default, HEVC at 10 Mbit/s with light sensor noise.
//  2. Live under VOD load: live 720p channels built exactly as the channels worker builds them
//     (toLiveEncodeSpec + buildLiveCommand, a logo, a real-time UDP source, FfmpegProcess at the live nice) with
//     and without a VOD transcode looping beside them (buildVodCommand at the VOD nice, MEDIA_TRANSCODE_THREADS).
//     Per scenario: the slowest 10 s speed of the slowest live channel (media seconds per wall second, from
//     FFmpeg's -progress), its overall speed, the longest gap between two new segments (segment length is
//     2 s), frames FFmpeg dropped, the cores live and VOD used and VOD's throughput (media s per wall s).
//     Scenarios: 1 channel (CPU not full without VOD) and BENCH_SATURATE (3) channels (both cores busy),
//     each at every live nice in BENCH_LIVE_NICE ("19,10,0"; 19 was the channels default),
//     alone, with VOD at nice 19 (+ autogroup 19) and, for context, with VOD un-niced.
// BENCH_ISOLATE=1 runs it in a cpu cgroup of its own (see below). BENCH_PARTS ("ladder,live"), BENCH_MEASURE_S (20), BENCH_WARMUP_S (4), BENCH_VOD_NICE (19) tune it. Everything
// it started (FFmpeg, sources) is killed on any exit.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const ff = require(path.join(root, 'packages/ffmpeg/dist/index.js'));
const { toLiveEncodeSpec } = require(path.join(root, 'services/channels/dist/worker/encode-spec.js'));
const { freePort } = require(path.join(root, 'packages/testkit/dist/index.js'));

const parts = (process.env.BENCH_PARTS ?? 'ladder,live').split(',');
const sampleSeconds = Number(process.env.BENCH_SECONDS ?? 60);
const ssimSeconds = Number(process.env.BENCH_SSIM_S ?? 20);
const measureSeconds = Number(process.env.BENCH_MEASURE_S ?? 20);
const warmupSeconds = Number(process.env.BENCH_WARMUP_S ?? 4);
const liveNices = (process.env.BENCH_LIVE_NICE ?? '19,10,0').split(',').map(Number);
const vodNice = Number(process.env.BENCH_VOD_NICE ?? 19);
const saturate = Number(process.env.BENCH_SATURATE ?? 3);
const threads = Number(process.env.MEDIA_TRANSCODE_THREADS ?? 2);
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const work = mkdtempSync(path.join(os.tmpdir(), 'castline-bench-vod-'));
const running = new Set();

// BENCH_ISOLATE=1 (root, cgroup v1 cpu controller): this process and everything it starts run in a cpu cgroup of
// their own with the highest cpu.shares, so the other tenants of a shared box hardly count. Inside a cgroup the
// kernel ignores autogroups: only the processes' nice values rank live against VOD (as inside one container).
const CGROUP_CPU = '/sys/fs/cgroup/cpu';
let isolatedIn;
if (process.env.BENCH_ISOLATE === '1') {
  isolatedIn = path.join(CGROUP_CPU, `castline-bench-vod-${process.pid}`);
  mkdirSync(isolatedIn);
  writeFileSync(path.join(isolatedIn, 'cpu.shares'), '262144');
  writeFileSync(path.join(isolatedIn, 'cgroup.procs'), String(process.pid));
}
function leaveCgroup() {
  if (!isolatedIn) return;
  writeFileSync(path.join(CGROUP_CPU, 'cgroup.procs'), String(process.pid));
  // Killed children leave the group as they exit: retry for a second.
  for (let tries = 0; tries < 20; tries++) {
    try {
      rmdirSync(isolatedIn);
      break;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  isolatedIn = undefined;
}

function stopEverything() {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(work, { recursive: true, force: true });
  leaveCgroup();
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    stopEverything();
    process.exit(130);
  });
}
process.on('exit', stopEverything);

/** An FfmpegProcess tracked for cleanup. */
function ffmpeg(args, niceness) {
  const process_ = new ff.FfmpegProcess(args, niceness);
  running.add(process_);
  process_.exited.then(() => running.delete(process_));
  return process_;
}

async function run(args, niceness = 0) {
  const process_ = ffmpeg(args, niceness);
  const exit = await process_.exited;
  if (exit.code !== 0) throw new Error(`ffmpeg ${args.join(' ')} exited ${exit.code ?? exit.signal}\n${process_.lastStderr}`);
  return process_;
}

const cpuOf = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
};
/** CPU seconds of this process's reaped children (every FFmpeg that has exited). */
const childrenCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / clockTicks;
};
const autogroupOf = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();
  } catch {
    return 'n/a';
  }
};
const niceOf = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[16];
  } catch {
    return '?';
  }
};
const probe = (file) => ff.parseMediaProbe(execFileSync('ffprobe', ff.buildMediaProbeCommand(file)).toString());
const fixed = (value, digits = 2) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

function table(headers, rows) {
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => String(row[index]).length)));
  const line = (cells) => `| ${cells.map((cell, index) => String(cell).padEnd(widths[index])).join(' | ')} |`;
  console.log([line(headers), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

// ---------------------------------------------------------------- the samples
console.log(`# bench:vod  ${isolatedIn ? 'ISOLATED (own cpu cgroup, shares 262144; autogroups do not apply) ' : ''}${os.cpus().length} cores, load ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}  (${new Date().toISOString()})`);
const SAMPLES = {
  synthetic: { label: 'synthetic H.264 (testsrc2, x264 ultrafast crf 16: no CABAC, no B-frames)', video: 'testsrc2=size=1920x1080:rate=30',
    encode: ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-g', '60'] },
  camera: { label: 'camera-like HEVC (light temporal noise, 10 Mbit/s, B-frames: a phone default)', video: 'testsrc2=size=1920x1080:rate=30,noise=alls=6:allf=t',
    encode: ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-preset', 'ultrafast', '-b:v', '10M', '-maxrate', '12M', '-bufsize', '20M', '-g', '60', '-tag:v', 'hvc1'] },
};
function makeSample(name) {
  const file = path.join(work, `sample-${name}.mp4`);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SAMPLES[name].video, '-f', 'lavfi', '-i', 'sine=frequency=600:sample_rate=48000',
    '-t', String(sampleSeconds), ...SAMPLES[name].encode, '-c:a', 'aac', '-b:a', '128k', '-y', file]);
  return { name, file, label: SAMPLES[name].label, source: probe(file) };
}
// The live part's VOD load is the synthetic sample (its figures are comparable with earlier runs).
const liveSample = makeSample('synthetic');
const sample = liveSample.file;
const source = liveSample.source;

const vodSpec = (outputDir, input = sample) => ({
  input, outputDir, rungHeights: [1080, 720, 480, 360], preset: process.env.MEDIA_X264_PRESET ?? 'veryfast',
  crf: Number(process.env.MEDIA_CRF ?? 23), gopSeconds: 2, segmentSeconds: 4, threads,
});

// ---------------------------------------------------------------- 1. ladder
async function ssim(outputPlaylist, reference, rendition, fps) {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-t', String(ssimSeconds), '-i', outputPlaylist, '-t', String(ssimSeconds), '-i', reference,
    '-filter_complex', `[1:v:0]fps=${fps},scale=${rendition.width}:${rendition.height}[ref];[0:v:0][ref]ssim`, '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return Number(/SSIM .* All:([\d.]+)/.exec(result.stderr.toString())?.[1]);
}

/** The same rung as buildVodCommand encodes it, alone: its own decode of the source. */
function perRungCommand(plan, spec, rendition, dir) {
  const gop = String(plan.gopFrames);
  return ['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', String(threads), '-i', spec.input, '-filter_complex_threads', String(threads),
    '-filter_complex', `[0:v:0]fps=${plan.fps},scale=${rendition.width}:${rendition.height}[v]`, '-map', '[v]', '-map', '0:a:0',
    '-threads', String(threads), '-c:v', 'libx264', '-preset', spec.preset, '-profile:v', ff.VOD_PROFILE, '-level:v', plan.level,
    '-crf', String(spec.crf), '-maxrate', `${rendition.maxrateKbps}k`, '-bufsize', `${rendition.bufsizeKbps}k`,
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', `${rendition.audioBitrateKbps}k`, '-ar', '48000', '-ac', '2',
    '-f', 'hls', '-hls_time', String(spec.segmentSeconds), '-hls_playlist_type', 'vod', '-hls_list_size', '0', '-hls_flags', 'independent_segments',
    '-hls_segment_filename', path.join(dir, rendition.name, 'seg_%d.ts'), path.join(dir, rendition.name, ff.ENTRY_PLAYLIST)];
}

async function ladderPart({ name, file, label, source }) {
  const singleDir = path.join(work, `single-${name}`);
  const perDir = path.join(work, `per-rung-${name}`);
  mkdirSync(singleDir);
  mkdirSync(perDir);
  const spec = vodSpec(singleDir, file);
  const plan = ff.planVod(spec, source);

  let cpu = childrenCpu();
  let started = performance.now();
  await run(ff.buildVodCommand(spec, source));
  await run(ff.buildVodMp4Command(path.join(singleDir, plan.renditions[0].name, ff.ENTRY_PLAYLIST), path.join(singleDir, ff.DOWNLOAD_FILE), true));
  const single = { cpu: childrenCpu() - cpu, wall: (performance.now() - started) / 1000 };

  cpu = childrenCpu();
  started = performance.now();
  for (const rendition of plan.renditions) {
    mkdirSync(path.join(perDir, rendition.name));
    await run(perRungCommand(plan, spec, rendition, perDir));
  }
  const { poster, sprite } = plan;
  const every = Math.max(1, Math.round(sprite.intervalSeconds * plan.fps));
  await run(['-nostdin', '-loglevel', 'error', '-threads', String(threads), '-i', file, '-filter_complex',
    `[0:v:0]fps=${plan.fps},select=eq(n\\,${poster.frame}),scale=${poster.width}:${poster.height}[p]`, '-map', '[p]', '-frames:v', '1', '-q:v', '3', '-update', '1', path.join(perDir, ff.POSTER_FILE)]);
  await run(['-nostdin', '-loglevel', 'error', '-threads', String(threads), '-i', file, '-filter_complex',
    `[0:v:0]fps=${plan.fps},select=not(mod(n\\,${every}))*lt(n\\,${every * sprite.count}),scale=${sprite.width}:${sprite.height},tile=${sprite.columns}x${sprite.rows}[s]`,
    '-map', '[s]', '-frames:v', '1', '-q:v', '5', '-update', '1', path.join(perDir, ff.SPRITE_FILE)]);
  await run(ff.buildVodMp4Command(path.join(perDir, plan.renditions[0].name, ff.ENTRY_PLAYLIST), path.join(perDir, ff.DOWNLOAD_FILE), true));
  const perRung = { cpu: childrenCpu() - cpu, wall: (performance.now() - started) / 1000 };

  console.log(`\n## 1. Ladder: ${sampleSeconds} s 1080p30 ${label} -> ${plan.renditions.map((rung) => rung.name).join('/')} + poster + sprite + MP4, ` +
    `x264 ${spec.preset} crf ${spec.crf}, -threads ${threads}\n`);
  table(['method', 'FFmpeg runs', 'CPU s', 'wall s', 'speed (x realtime)'], [
    ['single decode (buildVodCommand)', 2, fixed(single.cpu, 1), fixed(single.wall, 1), fixed(sampleSeconds / single.wall)],
    ['one FFmpeg per rendition', plan.renditions.length + 3, fixed(perRung.cpu, 1), fixed(perRung.wall, 1), fixed(sampleSeconds / perRung.wall)],
  ]);
  console.log(`\nCPU ratio per-rendition / single: ${fixed(perRung.cpu / single.cpu)}x (goal >= 1.3x); wall ratio ${fixed(perRung.wall / single.wall)}x\n`);
  const rows = [];
  for (const rendition of plan.renditions) {
    const a = await ssim(path.join(singleDir, rendition.name, ff.ENTRY_PLAYLIST), file, rendition, plan.fps);
    const b = await ssim(path.join(perDir, rendition.name, ff.ENTRY_PLAYLIST), file, rendition, plan.fps);
    rows.push([rendition.name, fixed(a, 4), fixed(b, 4), fixed(Math.abs(a - b), 4), Math.abs(a - b) <= 0.005 ? 'yes' : 'NO']);
  }
  table([`rung (SSIM vs source, first ${ssimSeconds} s)`, 'single decode', 'per rendition', '|diff|', '<= 0.005'], rows);
}

// ---------------------------------------------------------------- 2. live under VOD load
function liveChannel(index, logo, port, outRoot) {
  const channel = {
    id: `bench-${index}`, slug: `bench-${index}`, playback: 'public', output: null, preset: null, sources: [],
    logo: { width: 200, height: 80, storedPath: logo }, logoAnchor: 'top_right', logoX: 24, logoY: 24, logoWidth: null, logoHeight: null, logoOpacity: 1,
    hlsSegmentSeconds: 2, hlsListSize: 6,
  };
  const spec = toLiveEncodeSpec(channel, { hlsRoot: outRoot, runId: 'bench', sourceUrl: `udp://127.0.0.1:${port}?pkt_size=1316`, logoPath: logo, inputTimeoutSeconds: 10 });
  mkdirSync(spec.outputDir, { recursive: true });
  return { spec, args: ff.buildLiveCommand(spec), playlist: ff.hlsOutputPaths(spec).mediaPlaylists[0] ?? ff.hlsOutputPaths(spec).entryPlaylist };
}

function segmentsOf(file) {
  try {
    const text = readFileSync(file, 'utf8');
    const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
    const count = [...text.matchAll(/#EXTINF:/g)].length;
    return sequence + count - 1;
  } catch {
    return -1;
  }
}

/** A transcode after another until stopped: media seconds done, the pids seen (for CPU), the last autogroup. */
function vodLoad(niceness) {
  const state = { mediaSeconds: 0, stopped: false, current: undefined, autogroup: 'n/a', nice: 'n/a' };
  state.done = (async () => {
    for (let round = 0; !state.stopped; round++) {
      const dir = path.join(work, `vod-load-${round}`);
      mkdirSync(dir);
      const process_ = ffmpeg(ff.buildVodCommand(vodSpec(dir), source), niceness);
      state.current = process_;
      await sleep(300);
      state.autogroup = autogroupOf(process_.pid);
      state.nice = niceOf(process_.pid);
      const exit = await process_.exited;
      if (exit.code === 0) state.mediaSeconds += source.durationSeconds;
      else if (!state.stopped) throw new Error(`VOD load failed: ${process_.lastStderr}`);
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  /** Media seconds encoded so far, the running transcode's included. */
  state.progress = () => state.mediaSeconds + (state.stopped ? 0 : (state.current?.progress.latest?.outTimeMs ?? 0) / 1000);
  state.stop = async () => {
    state.stopped = true;
    await state.current?.kill();
    await state.done.catch(() => undefined);
  };
  return state;
}

/** Slowest speed over any `window` seconds of progress samples [{at, out}] (seconds). */
function slowestWindow(samples, window = 10) {
  let slowest = Infinity;
  let start = 0;
  for (let end = 0; end < samples.length; end++) {
    while (samples[end].at - samples[start].at > window) start++;
    if (samples[end].at - samples[start].at >= window * 0.95 || (start > 0 && samples[end].at - samples[start - 1].at >= window)) {
      const from = samples[end].at - samples[start].at >= window * 0.95 ? samples[start] : samples[start - 1];
      slowest = Math.min(slowest, (samples[end].out - from.out) / (samples[end].at - from.at));
    }
  }
  return slowest === Infinity ? undefined : slowest;
}

async function liveScenario({ channels, liveNice, vod }, setup) {
  const outRoot = path.join(work, `hls-${liveNice}-${channels}-${vod ?? 'none'}`);
  const lives = setup.ports.slice(0, channels).map((port, index) => {
    const { args, playlist } = liveChannel(index, setup.logo, port, outRoot);
    return { process: ffmpeg(args, liveNice), playlist, samples: [], segmentTimes: [], lastSegment: -1, cpu: 0 };
  });
  // Warm up: every channel has written a segment (or 30 s went by: a starved channel is a result too).
  const deadline = Date.now() + 30_000;
  while (lives.some((live) => segmentsOf(live.playlist) < 0) && Date.now() < deadline) await sleep(250);
  const load = vod === undefined ? undefined : vodLoad(vod);
  await sleep(warmupSeconds * 1000);

  const vodPids = new Map();
  let vodCpu = 0;
  const vodStart = load?.progress() ?? 0;
  const liveCpuStart = lives.map((live) => cpuOf(live.process.pid) ?? 0);
  const dropStart = lives.map((live) => live.process.progress.latest?.dropFrames ?? 0);
  for (const live of lives) live.lastSegment = segmentsOf(live.playlist);
  const started = performance.now();
  let lastTick = started;
  while (performance.now() - started < measureSeconds * 1000) {
    await sleep(200);
    const now = performance.now();
    for (const live of lives) {
      const latest = live.process.progress.latest;
      if (latest?.outTimeMs !== undefined && live.samples.at(-1)?.raw !== latest) live.samples.push({ raw: latest, at: latest.at / 1000, out: latest.outTimeMs / 1000 });
      const last = segmentsOf(live.playlist);
      if (last > live.lastSegment) {
        live.segmentTimes.push(now / 1000);
        live.lastSegment = last;
      }
      if (!live.process.alive) throw new Error(`live FFmpeg died: ${live.process.lastStderr}`);
    }
    if (load?.current?.pid) {
      const pid = load.current.pid;
      const value = cpuOf(pid);
      if (value !== undefined) {
        vodCpu += value - (vodPids.get(pid) ?? 0);
        vodPids.set(pid, value);
      }
    }
    lastTick = now;
  }
  const wall = (lastTick - started) / 1000;
  const liveCpu = lives.reduce((sum, live, index) => sum + (cpuOf(live.process.pid) ?? 0) - liveCpuStart[index], 0);
  const result = {
    slowest10s: Math.min(...lives.map((live) => slowestWindow(live.samples) ?? NaN)),
    overall: Math.min(...lives.map((live) => (live.samples.length < 2 ? 0 : (live.samples.at(-1).out - live.samples[0].out) / (live.samples.at(-1).at - live.samples[0].at)))),
    segments: Math.min(...lives.map((live) => live.segmentTimes.length)),
    load: os.loadavg()[0],
    // Window start and end count as marks: a channel that wrote nothing shows the whole window as its gap.
    maxGap: Math.max(...lives.map((live) => [...live.segmentTimes, lastTick / 1000].reduce((gap, at, index, marks) => Math.max(gap, at - (index === 0 ? started / 1000 : marks[index - 1])), 0))),
    drops: lives.reduce((sum, live, index) => sum + (live.process.progress.latest?.dropFrames ?? 0) - dropStart[index], 0),
    liveCores: liveCpu / wall,
    vodCores: load ? vodCpu / wall : 0,
    vodSpeed: load ? (load.progress() - vodStart) / wall : 0,
    liveAutogroup: autogroupOf(lives[0].process.pid),
    liveNice: niceOf(lives[0].process.pid),
    vodAutogroup: load?.autogroup ?? '-',
    vodNice: load?.nice ?? '-',
  };
  await load?.stop();
  await Promise.all(lives.map((live) => live.process.kill()));
  rmSync(outRoot, { recursive: true, force: true });
  return result;
}

async function livePart() {
  // The channels bench's source: a 720p30 clip with a tone, looped in real time over UDP (costs almost nothing).
  const clip = path.join(work, 'clip.ts');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=800:sample_rate=48000',
    '-t', '10', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-c:a', 'aac', '-f', 'mpegts', clip]);
  const logo = path.join(work, 'logo.png');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=white:s=200x80', '-frames:v', '1', logo]);
  const ports = [];
  for (let index = 0; index < saturate; index++) ports.push(await freePort());
  for (const port of ports) {
    const looper = spawn('ffmpeg', ['-v', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-c', 'copy', '-f', 'mpegts', `udp://127.0.0.1:${port}?pkt_size=1316`], { stdio: 'ignore', detached: true });
    running.add(looper);
  }
  const setup = { logo, ports };
  const rows = [];
  for (const channels of [1, saturate]) {
    for (const liveNice of liveNices) {
      for (const vod of [undefined, vodNice, ...(vodNice === 0 ? [] : [0])]) {
        const result = await liveScenario({ channels, liveNice, vod }, setup);
        rows.push([
          channels, `${result.liveNice} (ag ${result.liveAutogroup.replace(/^.*nice /, '')})`,
          vod === undefined ? 'none' : `nice ${result.vodNice} (ag ${result.vodAutogroup.replace(/^.*nice /, '')})`,
          fixed(result.slowest10s, 3), fixed(result.overall, 3), result.segments, fixed(result.maxGap, 1), result.drops,
          fixed(result.liveCores), fixed(result.vodCores), fixed(result.vodSpeed), fixed(result.load, 1),
        ]);
        console.log(`  measured: ${rows.at(-1).join(' | ')}`);
      }
    }
  }
  console.log(`\n## 2. Live 720p30 channels (channels worker's builder, logo, real-time UDP source) beside a looping VOD transcode ` +
    `(${source.height}p ${sampleSeconds} s sample, 4 rungs, -threads ${threads}); ${measureSeconds} s per scenario after ${warmupSeconds} s warm-up, ${os.cpus().length} cores\n`);
  table(['lives', 'live nice', 'VOD', 'slowest 10 s speed', 'speed', 'new segments (fewest)', 'max segment gap s', 'dropped frames', 'live cores', 'VOD cores', 'VOD speed (x realtime)', 'load 1m'], rows);
}

try {
  if (parts.includes('ladder')) {
    for (const name of (process.env.BENCH_LADDER_SAMPLES ?? 'synthetic,camera').split(',')) await ladderPart(name === 'synthetic' ? liveSample : makeSample(name));
  }
  if (parts.includes('live')) await livePart();
  console.log(`\nload after: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
} finally {
  stopEverything();
}
process.exit(0);
