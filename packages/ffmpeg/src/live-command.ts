import path from 'node:path';
import { rateControl } from './ladder';
import { checkSourceUrl, protocolWhitelist, type SourceScheme } from './source-url';

/**
 * The FFmpeg argument arrays (without the binary) for a live channel: one source in, the logo burned in,
 * HLS out. Every array is meant for spawn() without a shell. Choices marked "5.1" were checked against
 * Debian's FFmpeg 5.1.
 */

export type LogoAnchor = 'top_left' | 'top_right' | 'bottom_left' | 'bottom_right';

export interface LogoOverlay {
  /** Absolute path of the logo image (PNG, JPEG or WebP). */
  path: string;
  /** The corner x and y count from; default top_left. */
  anchor?: LogoAnchor;
  /**
   * Distance in pixels from the anchor corner to the logo's nearest edges, in the output picture (the scaled
   * picture when video.width/height are set). Size in pixels of the logo itself.
   */
  x: number;
  y: number;
  width: number;
  height: number;
  /** 0 (invisible) .. 1 (opaque); multiplies the image's own alpha. */
  opacity: number;
}

export interface VideoEncoding {
  preset: string;
  tune?: string;
  profile: string;
  level: string;
  /** Single rendition: CRF unless bitrateKbps is set (maxrate/bufsize then cap it). Ignored by a ladder. */
  crf?: number;
  /** Single rendition: constant bitrate target; wins over crf. Ignored by a ladder. */
  bitrateKbps?: number;
  maxrateKbps?: number;
  bufsizeKbps?: number;
  fps: number;
  /** Output picture size; a ladder scales each rendition from this picture. */
  width?: number;
  height?: number;
  gopSeconds: number;
  bFrames: number;
}

export interface RenditionSpec {
  /** Directory and variant name in the master playlist: letters, digits, '_' and '-'. */
  name: string;
  width: number;
  height: number;
  bitrateKbps: number;
  maxrateKbps: number;
  bufsizeKbps: number;
  /** Overrides audio.bitrateKbps for this rendition. */
  audioBitrateKbps?: number;
}

export interface AudioEncoding {
  codec: 'aac';
  bitrateKbps: number;
  sampleRate: number;
  channels: number;
}

export interface HlsOutput {
  segmentSeconds: number;
  listSize: number;
  /**
   * Names this run's segments (seg_<runId>_<n>.ts). Sequence numbers already continue across restarts
   * through append_list; a run id also keeps a cold start (no playlist left) from reusing a segment name
   * that a player or cache may still hold.
   */
  runId?: string;
}

export interface LiveEncodeSpec {
  input: {
    url: string;
    /** How long a silent or stalled source may block a read before FFmpeg gives up; default 10 s. */
    timeoutSeconds?: number;
  };
  /**
   * Absolute directory for playlists and segments; the entry point is always <outputDir>/index.m3u8.
   * It must exist: 5.1 creates the per-rendition directories of a ladder but not this one.
   */
  outputDir: string;
  logo?: LogoOverlay;
  video: VideoEncoding;
  /** ABR ladder: one decode and one overlay, then one x264 encode per rendition, plus a master playlist. */
  renditions?: RenditionSpec[];
  audio: AudioEncoding;
  hls: HlsOutput;
  threads?: number;
}

export class InvalidLiveSpecError extends Error {
  override readonly name = 'InvalidLiveSpecError';
}

export const DEFAULT_INPUT_TIMEOUT_SECONDS = 10;
export const ENTRY_PLAYLIST = 'index.m3u8';

/**
 * delete_segments keeps the tmpfs bounded; independent_segments (every segment starts on a keyframe);
 * temp_file so nginx never serves a half-written segment; program_date_time for players and monitoring;
 * append_list so a restarted FFmpeg continues the previous playlist (same sequence numbering) and 5.1
 * marks its first segment with EXT-X-DISCONTINUITY by itself; omit_endlist so a stop or restart never
 * tells players the stream has ended. discont_start is left out: with append_list 5.1 then writes a
 * second, misplaced discontinuity tag in the header. -hls_start_number_source epoch is left out too:
 * with append_list 5.1 keeps the old segments but renumbers the playlist from the new epoch, so
 * players would fetch old segments again as new ones.
 */
export const HLS_FLAGS = [
  'delete_segments',
  'independent_segments',
  'temp_file',
  'program_date_time',
  'append_list',
  'omit_endlist',
].join('+');

/**
 * 5.1 probes a live input for ~3.5 s by default; one second is enough to find the streams and brings the
 * first 2 s segment ~3 s sooner. A source whose first keyframe comes later still starts: the filters are
 * configured from the first decoded frame.
 */
export const PROBE_OPTIONS = ['-analyzeduration', '1000000', '-probesize', '5000000'];

export function buildLiveCommand(spec: LiveEncodeSpec): string[] {
  const scheme = validate(spec);
  const ladder = spec.renditions && spec.renditions.length > 0 ? spec.renditions : undefined;
  const timeoutMicros = String(Math.round((spec.input.timeoutSeconds ?? DEFAULT_INPUT_TIMEOUT_SECONDS) * 1_000_000));

  const args = ['-nostdin', '-hide_banner', '-loglevel', 'level+warning', '-nostats', '-progress', 'pipe:1'];
  args.push(...inputOptions(scheme, timeoutMicros), ...PROBE_OPTIONS);
  args.push('-fflags', '+genpts', '-thread_queue_size', '1024');
  args.push('-protocol_whitelist', protocolWhitelist(scheme), '-i', inputUrl(spec.input.url, scheme, timeoutMicros));
  if (spec.logo) {
    // A single still frame: overlay's eof_action=repeat keeps it on screen without decoding it again per frame.
    args.push('-protocol_whitelist', 'file', '-i', spec.logo.path);
  }

  args.push('-filter_complex', filterGraph(spec, ladder));
  const videoOutputs = ladder ? ladder.map((_, index) => `[v${index}]`) : ['[vout]'];
  for (const label of videoOutputs) args.push('-map', label);
  for (let index = 0; index < videoOutputs.length; index++) args.push('-map', '0:a:0');

  if (spec.threads !== undefined) args.push('-threads', String(spec.threads));
  args.push(...videoEncoder(spec.video, ladder));
  args.push(...audioEncoder(spec.audio, ladder));
  args.push(...hlsOutput(spec, ladder));
  return args;
}

/**
 * Per-protocol read options, each checked against 5.1 for that protocol. When a source dies or times out
 * mid-run, 5.1 ends the output cleanly and exits with status 0: for a live channel every exit is a failure.
 */
export function inputOptions(scheme: SourceScheme, timeoutMicros: string): string[] {
  switch (scheme) {
    case 'http':
    case 'https':
      return [
        '-reconnect', '1',
        '-reconnect_streamed', '1',
        '-reconnect_on_network_error', '1',
        '-reconnect_delay_max', '5',
        '-rw_timeout', timeoutMicros,
      ];
    case 'rtmp':
    case 'rtmps':
      // Not -timeout: for RTMP that is the listen timeout and turns the input into a server.
      return ['-rw_timeout', timeoutMicros];
    case 'srt':
      return ['-timeout', timeoutMicros];
    case 'udp':
      // A late encoder must drop packets rather than exit on "circular buffer overrun".
      return ['-timeout', timeoutMicros, '-overrun_nonfatal', '1'];
    case 'rtp':
      // The RTP demuxer rejects -timeout and -rw_timeout; the timeout goes into the URL (inputUrl).
      return [];
    case 'rtsp':
      // Interleaved TCP passes firewalls and NAT and loses no packets; 5.1 gives up ~4x -timeout after the source stalls.
      return ['-rtsp_transport', 'tcp', '-timeout', timeoutMicros];
  }
}

/**
 * rtp: `?timeout=` bounds the wait for the first packet (without it 5.1 waits forever); once packets
 * have flowed, 5.1's RTP demuxer gives up on its own after ~40 s of silence.
 */
export function inputUrl(url: string, scheme: SourceScheme, timeoutMicros: string): string {
  if (scheme !== 'rtp' || /[?&]timeout=/.test(url)) return url;
  const hashAt = url.indexOf('#');
  const base = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  return `${base}${base.includes('?') ? '&' : '?'}timeout=${timeoutMicros}${hash}`;
}

function filterGraph(spec: LiveEncodeSpec, ladder: RenditionSpec[] | undefined): string {
  const { video, logo } = spec;
  // fps first, so frames that are dropped are never scaled; a constant rate makes -g exactly gopSeconds.
  const baseFilters = [`fps=${decimal(video.fps)}`];
  const canvas = scaleTo(video.width, video.height);
  if (canvas) baseFilters.push(canvas);

  const chains: string[] = [];
  let picture: string;
  if (logo) {
    chains.push(`[0:v:0]${baseFilters.join(',')}[base]`);
    chains.push(
      `[1:v:0]scale=${logo.width}:${logo.height},format=rgba,colorchannelmixer=aa=${decimal(logo.opacity)}[logo]`,
    );
    picture = `[base][logo]overlay=${overlayPosition(logo)}:eof_action=repeat`;
  } else {
    picture = `[0:v:0]${baseFilters.join(',')}`;
  }

  if (!ladder) {
    chains.push(`${picture}[vout]`);
    return chains.join(';');
  }
  const branches = ladder.map((_, index) => `[split${index}]`);
  chains.push(`${picture},split=${ladder.length}${branches.join('')}`);
  ladder.forEach((rendition, index) => {
    chains.push(`[split${index}]scale=${rendition.width}:${rendition.height}[v${index}]`);
  });
  return chains.join(';');
}

/**
 * Right and bottom anchors are overlay expressions, evaluated against the actual picture, so every anchor
 * works whatever size the source has when the output size is not fixed.
 */
function overlayPosition(logo: LogoOverlay): string {
  const anchor = logo.anchor ?? 'top_left';
  const x = anchor.endsWith('right') ? `main_w-overlay_w-${logo.x}` : String(logo.x);
  const y = anchor.startsWith('bottom') ? `main_h-overlay_h-${logo.y}` : String(logo.y);
  return `x=${x}:y=${y}`;
}

function scaleTo(width: number | undefined, height: number | undefined): string | undefined {
  if (width === undefined && height === undefined) return undefined;
  // -2 keeps the aspect ratio with an even size, which 4:2:0 x264 needs.
  return `scale=${width ?? -2}:${height ?? -2}`;
}

function videoEncoder(video: VideoEncoding, ladder: RenditionSpec[] | undefined): string[] {
  const args = ['-c:v', 'libx264', '-preset', video.preset];
  if (video.tune) args.push('-tune', video.tune);
  args.push('-profile:v', video.profile, '-level:v', video.level);

  if (ladder) {
    // Bitrate mode per rendition: 5.1 derives the master playlist's BANDWIDTH from these (CRF leaves it unknown).
    ladder.forEach((rendition, index) => {
      args.push(
        `-b:v:${index}`, kbps(rendition.bitrateKbps),
        `-maxrate:v:${index}`, kbps(rendition.maxrateKbps),
        `-bufsize:v:${index}`, kbps(rendition.bufsizeKbps),
      );
    });
  } else if (video.bitrateKbps !== undefined) {
    const defaults = rateControl(video.bitrateKbps);
    const maxrate = video.maxrateKbps ?? defaults.maxrateKbps;
    const bufsize = video.bufsizeKbps ?? defaults.bufsizeKbps;
    args.push('-b:v', kbps(video.bitrateKbps), '-maxrate', kbps(maxrate), '-bufsize', kbps(bufsize));
  } else {
    args.push('-crf', decimal(video.crf as number));
    if (video.maxrateKbps !== undefined && video.bufsizeKbps !== undefined) {
      args.push('-maxrate', kbps(video.maxrateKbps), '-bufsize', kbps(video.bufsizeKbps));
    }
  }

  // x264 places a keyframe every 250 frames and at scene cuts by default; HLS can only cut on keyframes.
  const gop = String(gopFrames(video));
  args.push('-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-bf', String(video.bFrames), '-pix_fmt', 'yuv420p');
  return args;
}

function audioEncoder(audio: AudioEncoding, ladder: RenditionSpec[] | undefined): string[] {
  const args = ['-c:a', audio.codec, '-b:a', kbps(audio.bitrateKbps)];
  ladder?.forEach((rendition, index) => {
    if (rendition.audioBitrateKbps !== undefined) args.push(`-b:a:${index}`, kbps(rendition.audioBitrateKbps));
  });
  args.push('-ar', String(audio.sampleRate), '-ac', String(audio.channels));
  return args;
}

function hlsOutput(spec: LiveEncodeSpec, ladder: RenditionSpec[] | undefined): string[] {
  const args = [
    '-f', 'hls',
    '-hls_time', decimal(spec.hls.segmentSeconds),
    '-hls_list_size', String(spec.hls.listSize),
    '-hls_flags', HLS_FLAGS,
  ];
  const segmentName = spec.hls.runId ? `seg_${spec.hls.runId}_%d.ts` : 'seg_%d.ts';
  if (!ladder) {
    args.push('-hls_segment_filename', path.join(spec.outputDir, segmentName), path.join(spec.outputDir, ENTRY_PLAYLIST));
    return args;
  }
  const variants = ladder.map((rendition, index) => `v:${index},a:${index},name:${rendition.name}`).join(' ');
  // 5.1 creates the %v directories and writes the master next to them (the parent of "%v").
  args.push(
    '-var_stream_map', variants,
    '-master_pl_name', ENTRY_PLAYLIST,
    '-hls_segment_filename', path.join(spec.outputDir, '%v', segmentName),
    path.join(spec.outputDir, '%v', ENTRY_PLAYLIST),
  );
  return args;
}

export interface HlsOutputPaths {
  /** What players open: the master playlist with a ladder, the media playlist without. */
  entryPlaylist: string;
  /** One media playlist per rendition; segments live next to each. */
  mediaPlaylists: string[];
}

export function hlsOutputPaths(spec: Pick<LiveEncodeSpec, 'outputDir' | 'renditions'>): HlsOutputPaths {
  const entryPlaylist = path.join(spec.outputDir, ENTRY_PLAYLIST);
  const renditions = spec.renditions ?? [];
  return {
    entryPlaylist,
    mediaPlaylists:
      renditions.length > 0
        ? renditions.map((rendition) => path.join(spec.outputDir, rendition.name, ENTRY_PLAYLIST))
        : [entryPlaylist],
  };
}

export function gopFrames(video: Pick<VideoEncoding, 'fps' | 'gopSeconds'>): number {
  return Math.max(1, Math.round(video.fps * video.gopSeconds));
}

function kbps(value: number): string {
  return `${Math.round(value)}k`;
}

/** Plain decimal notation for filter and option values (String() would give "1e-7"). */
function decimal(value: number): string {
  return String(Number(value.toFixed(6)));
}

const LOGO_ANCHORS: readonly LogoAnchor[] = ['top_left', 'top_right', 'bottom_left', 'bottom_right'];
const RENDITION_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const RUN_ID = /^[A-Za-z0-9]{1,32}$/;
// x264 preset, tune, profile and level names ("veryfast", "4.1"); never option-like.
const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function validate(spec: LiveEncodeSpec): SourceScheme {
  const problems: string[] = [];
  const check = (condition: boolean, problem: string) => {
    if (!condition) problems.push(problem);
  };
  const positive = (value: number | undefined, name: string) =>
    check(typeof value === 'number' && Number.isFinite(value) && value > 0, `${name} must be a positive number`);
  const positiveInteger = (value: number | undefined, name: string) =>
    check(Number.isInteger(value) && (value as number) > 0, `${name} must be a positive integer`);
  const evenSize = (value: number | undefined, name: string) =>
    check(Number.isInteger(value) && (value as number) >= 2 && (value as number) % 2 === 0, `${name} must be an even integer >= 2`);
  // HLS and image2 read '%' in a path as a sequence pattern.
  const safePath = (value: string, name: string) =>
    check(path.isAbsolute(value) && !value.includes('%'), `${name} must be an absolute path without '%'`);

  const source = checkSourceUrl(spec.input.url);
  if (!source.ok) problems.push(source.reason);
  if (spec.input.timeoutSeconds !== undefined) positive(spec.input.timeoutSeconds, 'input.timeoutSeconds');
  safePath(spec.outputDir, 'outputDir');

  if (spec.logo) {
    const { logo } = spec;
    safePath(logo.path, 'logo.path');
    if (logo.anchor !== undefined) check(LOGO_ANCHORS.includes(logo.anchor), `logo.anchor must be one of ${LOGO_ANCHORS.join(', ')}`);
    check(Number.isInteger(logo.x) && logo.x >= 0, 'logo.x must be an integer >= 0');
    check(Number.isInteger(logo.y) && logo.y >= 0, 'logo.y must be an integer >= 0');
    positiveInteger(logo.width, 'logo.width');
    positiveInteger(logo.height, 'logo.height');
    check(Number.isFinite(logo.opacity) && logo.opacity >= 0 && logo.opacity <= 1, 'logo.opacity must be between 0 and 1');
  }

  const { video } = spec;
  for (const [name, value] of Object.entries({ preset: video.preset, profile: video.profile, level: video.level })) {
    check(typeof value === 'string' && PLAIN_WORD.test(value), `video.${name} must be a plain word`);
  }
  if (video.tune !== undefined) check(PLAIN_WORD.test(video.tune), 'video.tune must be a plain word');
  positive(video.fps, 'video.fps');
  positive(video.gopSeconds, 'video.gopSeconds');
  check(Number.isInteger(video.bFrames) && video.bFrames >= 0, 'video.bFrames must be an integer >= 0');
  if (video.width !== undefined) evenSize(video.width, 'video.width');
  if (video.height !== undefined) evenSize(video.height, 'video.height');
  if (video.crf !== undefined) check(Number.isFinite(video.crf) && video.crf >= 0 && video.crf <= 51, 'video.crf must be between 0 and 51');
  for (const name of ['bitrateKbps', 'maxrateKbps', 'bufsizeKbps'] as const) {
    if (video[name] !== undefined) positive(video[name], `video.${name}`);
  }

  if (spec.renditions && spec.renditions.length > 0) {
    const names = new Set<string>();
    spec.renditions.forEach((rendition, index) => {
      const at = `renditions[${index}]`;
      check(RENDITION_NAME.test(rendition.name), `${at}.name must be 1-32 letters, digits, '_' or '-'`);
      check(!names.has(rendition.name), `${at}.name "${rendition.name}" is used twice`);
      names.add(rendition.name);
      evenSize(rendition.width, `${at}.width`);
      evenSize(rendition.height, `${at}.height`);
      positive(rendition.bitrateKbps, `${at}.bitrateKbps`);
      positive(rendition.maxrateKbps, `${at}.maxrateKbps`);
      positive(rendition.bufsizeKbps, `${at}.bufsizeKbps`);
      if (rendition.audioBitrateKbps !== undefined) positive(rendition.audioBitrateKbps, `${at}.audioBitrateKbps`);
    });
  } else {
    check(video.crf !== undefined || video.bitrateKbps !== undefined, 'video needs crf or bitrateKbps');
  }

  check(spec.audio.codec === 'aac', 'audio.codec must be "aac"');
  positive(spec.audio.bitrateKbps, 'audio.bitrateKbps');
  positiveInteger(spec.audio.sampleRate, 'audio.sampleRate');
  positiveInteger(spec.audio.channels, 'audio.channels');
  positive(spec.hls.segmentSeconds, 'hls.segmentSeconds');
  positiveInteger(spec.hls.listSize, 'hls.listSize');
  if (spec.hls.runId !== undefined) check(RUN_ID.test(spec.hls.runId), 'hls.runId must be 1-32 letters or digits');
  if (spec.threads !== undefined) positiveInteger(spec.threads, 'threads');

  if (problems.length > 0) throw new InvalidLiveSpecError(`Invalid live encode spec: ${problems.join('; ')}`);
  return (source as { ok: true; scheme: SourceScheme }).scheme;
}
