import path from 'node:path';
import { buildLadder, evenWidth, type LadderRung, type Rendition, STANDARD_RUNGS } from './ladder';
import { ENTRY_PLAYLIST, InvalidLiveSpecError } from './live-command';
import type { MediaPlaylist } from './playlist';
import type { SourceProbe } from './probe';

/**
 * The FFmpeg argument arrays (without the binary) for an uploaded video: ONE decode of the source, split into
 * every rung of the ladder plus a poster and a thumbnail sprite; HLS VOD out. The master playlist, the sprite's
 * WebVTT and the MP4 download (a stream copy of the top rung, no second encode) come after that run.
 */

export interface VodEncodeSpec {
  /** Absolute path of the source file (local files only: the only protocol FFmpeg may open is file). */
  input: string;
  /** Absolute directory that receives everything; it must exist. */
  outputDir: string;
  /** Rung heights (short side) to offer, e.g. [1080, 720, 480, 360]; never above the source. */
  rungHeights: readonly number[];
  /** x264: preset and capped-CRF quality; maxrate/bufsize come from each rung's bitrate (rateControl). */
  preset: string;
  crf: number;
  /** Keyframe every gopSeconds (all rungs on the same frames); segments are segmentSeconds long. */
  gopSeconds: number;
  segmentSeconds: number;
  /** -threads for the decoder, the filter graph and each encoder. */
  threads?: number;
  /** Highest output frame rate; a faster source is reduced to it. Default 60. */
  maxFps?: number;
}

export interface SpritePlan {
  /** Seconds between two thumbnails. */
  intervalSeconds: number;
  count: number;
  columns: number;
  rows: number;
  /** Size of one thumbnail. */
  width: number;
  height: number;
}

export interface VodPlan {
  fps: number;
  gopFrames: number;
  renditions: Rendition[];
  level: string;
  /** RFC 6381 codecs of every variant. */
  codecs: string;
  hasAudio: boolean;
  poster: { frame: number; width: number; height: number };
  sprite: SpritePlan;
  durationSeconds: number;
}

export const VOD_PROFILE = 'high';
export const POSTER_FILE = 'poster.jpg';
export const SPRITE_FILE = 'sprite.jpg';
export const SPRITE_VTT_FILE = 'sprite.vtt';
export const DOWNLOAD_FILE = 'download.mp4';
export const AUDIO_CODEC = 'mp4a.40.2';
/** The longer side of one sprite thumbnail. */
export const SPRITE_THUMB_LONG_SIDE = 160;
export const SPRITE_MAX_THUMBS = 100;
export const SPRITE_MAX_COLUMNS = 10;

const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Everything about the outputs that follows from the spec and the probed source, before FFmpeg runs. */
export function planVod(spec: VodEncodeSpec, probe: SourceProbe): VodPlan {
  validate(spec, probe);
  const maxFps = spec.maxFps ?? 60;
  const fps = Math.min(probe.fps && probe.fps > 0 ? probe.fps : 30, maxFps);
  const portrait = probe.height > probe.width;
  const shortSide = Math.min(probe.width, probe.height);
  const longSide = Math.max(probe.width, probe.height);
  const rungs: LadderRung[] = STANDARD_RUNGS.filter((rung) => spec.rungHeights.includes(rung.height));
  for (const height of spec.rungHeights) {
    if (!rungs.some((rung) => rung.height === height)) rungs.push(customRung(height));
  }
  // The ladder speaks of heights; for a portrait source its "height" is the short side, i.e. the width.
  const ladder = buildLadder({ sourceHeight: shortSide, fps, aspectRatio: longSide / shortSide, rungs });
  const renditions = ladder.map((rung) => (portrait ? { ...rung, width: rung.height, height: rung.width } : rung));
  const top = renditions[0] as Rendition;
  const level = fps > 30 ? '4.2' : '4.1';
  const posterSeconds = Math.min(probe.durationSeconds / 10, 5);

  const intervalSeconds = Math.max(1, Math.ceil(probe.durationSeconds / SPRITE_MAX_THUMBS));
  const count = Math.max(1, Math.ceil(probe.durationSeconds / intervalSeconds));
  const columns = Math.min(count, SPRITE_MAX_COLUMNS);
  const thumbWidth = portrait ? evenWidth(SPRITE_THUMB_LONG_SIDE, shortSide / longSide) : SPRITE_THUMB_LONG_SIDE;
  const thumbHeight = portrait ? SPRITE_THUMB_LONG_SIDE : evenWidth(SPRITE_THUMB_LONG_SIDE, shortSide / longSide);
  return {
    fps,
    gopFrames: Math.max(1, Math.round(fps * spec.gopSeconds)),
    renditions,
    level,
    codecs: [avcCodec(level), ...(probe.hasAudio ? [AUDIO_CODEC] : [])].join(','),
    hasAudio: probe.hasAudio,
    poster: { frame: Math.floor(posterSeconds * fps), width: top.width, height: top.height },
    sprite: { intervalSeconds, count, columns, rows: Math.ceil(count / columns), width: thumbWidth, height: thumbHeight },
    durationSeconds: probe.durationSeconds,
  };
}

export function buildVodCommand(spec: VodEncodeSpec, probe: SourceProbe): string[] {
  const plan = planVod(spec, probe);
  const { renditions } = plan;
  const threads = spec.threads === undefined ? [] : ['-threads', String(spec.threads)];
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'level+warning', '-nostats', '-progress', 'pipe:1'];
  args.push(...threads, '-protocol_whitelist', 'file', '-i', spec.input);
  if (spec.threads !== undefined) args.push('-filter_complex_threads', String(spec.threads));
  args.push('-filter_complex', vodFilterGraph(plan));

  for (let index = 0; index < renditions.length; index++) args.push('-map', `[v${index}]`);
  if (plan.hasAudio) for (let index = 0; index < renditions.length; index++) args.push('-map', '0:a:0');
  args.push(...threads);
  args.push('-c:v', 'libx264', '-preset', spec.preset, '-profile:v', VOD_PROFILE, '-level:v', plan.level);
  renditions.forEach((rendition, index) => {
    // Capped CRF: constant quality, but never above the rung's VBV peak (a player picks rungs by bandwidth).
    args.push(
      `-crf:v:${index}`, decimal(spec.crf),
      `-maxrate:v:${index}`, `${rendition.maxrateKbps}k`,
      `-bufsize:v:${index}`, `${rendition.bufsizeKbps}k`,
    );
  });
  // Every rung gets the same frames (one fps filter before the split) and a keyframe on the same ones.
  const gop = String(plan.gopFrames);
  args.push('-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-pix_fmt', 'yuv420p');
  if (plan.hasAudio) {
    args.push('-c:a', 'aac');
    renditions.forEach((rendition, index) => args.push(`-b:a:${index}`, `${rendition.audioBitrateKbps}k`));
    args.push('-ar', '48000', '-ac', '2');
  }
  const variants = renditions
    .map((rendition, index) => (plan.hasAudio ? `v:${index},a:${index},name:${rendition.name}` : `v:${index},name:${rendition.name}`))
    .join(' ');
  // No master from FFmpeg: buildVodMasterPlaylist writes it from the measured segments (peak and average).
  args.push(
    '-f', 'hls',
    '-hls_time', decimal(spec.segmentSeconds),
    '-hls_playlist_type', 'vod',
    '-hls_list_size', '0',
    '-hls_flags', 'independent_segments+temp_file',
    '-hls_segment_filename', path.join(spec.outputDir, '%v', 'seg_%d.ts'),
    '-var_stream_map', variants,
    path.join(spec.outputDir, '%v', ENTRY_PLAYLIST),
  );
  // One frame each: the select/tile filters emit exactly one picture, -update 1 writes a plain file name.
  args.push('-map', '[poster]', '-c:v', 'mjpeg', '-q:v', '3', '-update', '1', '-f', 'image2', path.join(spec.outputDir, POSTER_FILE));
  args.push('-map', '[sprite]', '-c:v', 'mjpeg', '-q:v', '5', '-update', '1', '-f', 'image2', path.join(spec.outputDir, SPRITE_FILE));
  return args;
}

/** fps once, then split: rungs, poster (one chosen frame) and sprite (every interval-th frame, tiled). */
function vodFilterGraph(plan: VodPlan): string {
  const { renditions, poster, sprite } = plan;
  const branches = renditions.length + 2;
  const labels = Array.from({ length: branches }, (_, index) => `[s${index}]`);
  const chains = [`[0:v:0]fps=${decimal(plan.fps)},split=${branches}${labels.join('')}`];
  renditions.forEach((rendition, index) => {
    chains.push(`[s${index}]scale=${rendition.width}:${rendition.height}[v${index}]`);
  });
  chains.push(`[s${renditions.length}]select=eq(n\\,${poster.frame}),scale=${poster.width}:${poster.height}[poster]`);
  const every = Math.max(1, Math.round(sprite.intervalSeconds * plan.fps));
  chains.push(
    `[s${renditions.length + 1}]select=not(mod(n\\,${every}))*lt(n\\,${every * sprite.count}),` +
      `scale=${sprite.width}:${sprite.height},tile=${sprite.columns}x${sprite.rows}[sprite]`,
  );
  return chains.join(';');
}

/**
 * The MP4 download: the top rung's segments remuxed (no encode) with the index up front, so a browser can
 * start playing and seeking before the whole file arrived.
 */
export function buildVodMp4Command(topPlaylist: string, outputMp4: string, hasAudio: boolean): string[] {
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    '-protocol_whitelist', 'file',
    '-i', topPlaylist,
    '-map', '0:v:0', ...(hasAudio ? ['-map', '0:a:0'] : []),
    '-c', 'copy',
    ...(hasAudio ? ['-bsf:a', 'aac_adtstoasc'] : []),
    '-movflags', '+faststart',
    '-f', 'mp4', '-y', outputMp4,
  ];
}

export interface MeasuredRendition {
  rendition: Rendition;
  /** The rung's media playlist as written, and the byte size of each of its segments in order. */
  playlist: MediaPlaylist;
  segmentBytes: number[];
}

/**
 * The master playlist, from what was written: BANDWIDTH is the peak segment bit rate, AVERAGE-BANDWIDTH the
 * whole rung's, as RFC 8216 asks (FFmpeg would only know the configured rates).
 */
export function buildVodMasterPlaylist(plan: VodPlan, measured: MeasuredRendition[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const { rendition, playlist, segmentBytes } of measured) {
    const bits = segmentBytes.map((bytes) => bytes * 8);
    const peak = Math.max(...playlist.segments.map((segment, index) => (bits[index] ?? 0) / Math.max(segment.durationSeconds, 0.001)));
    const seconds = playlist.segments.reduce((sum, segment) => sum + segment.durationSeconds, 0);
    const average = bits.reduce((sum, value) => sum + value, 0) / Math.max(seconds, 0.001);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.ceil(peak)},AVERAGE-BANDWIDTH=${Math.ceil(average)},` +
        `RESOLUTION=${rendition.width}x${rendition.height},CODECS="${plan.codecs}",FRAME-RATE=${plan.fps.toFixed(3)}`,
      `${rendition.name}/${ENTRY_PLAYLIST}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The sprite's WebVTT: one cue per thumbnail, `sprite.jpg#xywh=x,y,w,h`, together covering the whole video. */
export function buildSpriteVtt(plan: VodPlan, spriteUrl = SPRITE_FILE): string {
  const { sprite, durationSeconds } = plan;
  const cues = ['WEBVTT', ''];
  for (let index = 0; index < sprite.count; index++) {
    const start = index * sprite.intervalSeconds;
    const end = Math.min((index + 1) * sprite.intervalSeconds, durationSeconds);
    const x = (index % sprite.columns) * sprite.width;
    const y = Math.floor(index / sprite.columns) * sprite.height;
    cues.push(`${vttTime(start)} --> ${vttTime(end)}`, `${spriteUrl}#xywh=${x},${y},${sprite.width},${sprite.height}`, '');
  }
  return cues.join('\n');
}

function vttTime(seconds: number): string {
  const millis = Math.round(seconds * 1000);
  const hours = Math.floor(millis / 3_600_000);
  const minutes = Math.floor((millis % 3_600_000) / 60_000);
  const secs = Math.floor((millis % 60_000) / 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}.${pad(millis % 1000, 3)}`;
}

/** avc1.PPCCLL for x264's High profile: 0x64, no constraint flags, the level times ten in hex. */
function avcCodec(level: string): string {
  return `avc1.6400${Math.round(Number(level) * 10).toString(16).padStart(2, '0')}`;
}

/** A rung height that is not a standard one gets the bitrate of the next standard rung scaled by its pixels. */
function customRung(height: number): LadderRung {
  const nearest = [...STANDARD_RUNGS].sort((a, b) => Math.abs(a.height - height) - Math.abs(b.height - height))[0] as LadderRung;
  const scale = (height / nearest.height) ** 2;
  return { height, videoKbps: Math.max(100, Math.round(nearest.videoKbps * scale)), audioKbps: nearest.audioKbps };
}

function validate(spec: VodEncodeSpec, probe: SourceProbe): void {
  const problems: string[] = [];
  const check = (condition: boolean, problem: string) => {
    if (!condition) problems.push(problem);
  };
  for (const [name, value] of Object.entries({ input: spec.input, outputDir: spec.outputDir })) {
    check(path.isAbsolute(value) && !value.includes('%'), `${name} must be an absolute path without '%'`);
  }
  check(PLAIN_WORD.test(spec.preset), 'preset must be a plain word');
  check(Number.isFinite(spec.crf) && spec.crf >= 0 && spec.crf <= 51, 'crf must be between 0 and 51');
  check(spec.rungHeights.length > 0 && spec.rungHeights.every((height) => Number.isInteger(height) && height >= 2 && height % 2 === 0), 'rungHeights must be even integers >= 2');
  check(Number.isFinite(spec.gopSeconds) && spec.gopSeconds > 0, 'gopSeconds must be a positive number');
  check(Number.isFinite(spec.segmentSeconds) && spec.segmentSeconds >= spec.gopSeconds, 'segmentSeconds must be >= gopSeconds');
  if (spec.threads !== undefined) check(Number.isInteger(spec.threads) && spec.threads > 0, 'threads must be a positive integer');
  check(Number.isInteger(probe.width) && probe.width >= 2 && Number.isInteger(probe.height) && probe.height >= 2, 'the source needs a picture size');
  check(Number.isFinite(probe.durationSeconds) && probe.durationSeconds > 0, 'the source needs a duration');
  if (problems.length > 0) throw new InvalidLiveSpecError(`Invalid VOD encode spec: ${problems.join('; ')}`);
}

function decimal(value: number): string {
  return String(Number(value.toFixed(6)));
}
