import { InvalidLiveSpecError, inputOptions, inputUrl, PROBE_OPTIONS } from './live-command';
import { checkSourceUrl, protocolWhitelist } from './source-url';

/**
 * ffprobe arguments for the picture size of a running output's newest segment, printed as "1280x720" (see
 * parseFrameSize). The channel's overlay coordinates are in these pixels, whatever size the source had.
 */
export function buildFrameSizeProbeCommand(playlistPath: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error',
    '-protocol_whitelist', 'file',
    '-live_start_index', '-1',
    '-select_streams', 'v:0',
    '-show_entries', 'stream=width,height',
    '-of', 'csv=p=0:s=x',
    '-i', playlistPath,
  ];
}

/** "1280x720" (ffprobe's csv output, maybe with a trailing newline) -> { width, height }; null when it is not that. */
export function parseFrameSize(output: string): { width: number; height: number } | null {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(output.trim().split('\n')[0]?.trim() ?? '');
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * ffprobe arguments that answer whether a source is on the air: the same per-protocol timeouts and protocol
 * whitelist as the live input, a short probe, and one line per stream type on stdout (e.g. "video").
 */
export function buildSourceProbeCommand(url: string, timeoutSeconds: number): string[] {
  const source = checkSourceUrl(url);
  if (!source.ok) throw new InvalidLiveSpecError(`Invalid source: ${source.reason}`);
  if (!(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) throw new InvalidLiveSpecError('timeoutSeconds must be a positive number');
  const timeoutMicros = String(Math.round(timeoutSeconds * 1_000_000));
  return [
    '-hide_banner', '-loglevel', 'error',
    ...inputOptions(source.scheme, timeoutMicros),
    ...PROBE_OPTIONS,
    '-protocol_whitelist', protocolWhitelist(source.scheme),
    '-show_entries', 'stream=codec_type', '-of', 'csv=p=0',
    '-i', inputUrl(url, source.scheme, timeoutMicros),
  ];
}

/** What the VOD pipeline needs to know about an uploaded file (see parseMediaProbe). */
export interface SourceProbe {
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm". */
  formatName: string;
  durationSeconds: number;
  /** The displayed picture: width and height after the rotation FFmpeg applies when decoding. */
  width: number;
  height: number;
  fps: number | null;
  videoCodec: string;
  hasAudio: boolean;
  audioCodec: string | null;
  bitRate: number | null;
}

/** ffprobe of a local file: format and streams as JSON (parseMediaProbe reads it). */
export function buildMediaProbeCommand(file: string): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file', '-show_format', '-show_streams', '-of', 'json', '-i', file];
}

/** Decodes the first `seconds` of the first video stream to nowhere; exits non-zero (-xerror) on the first error. */
export function buildDecodeCheckCommand(file: string, seconds = 2): string[] {
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-xerror',
    '-protocol_whitelist', 'file',
    '-t', String(seconds), '-i', file,
    '-map', '0:v:0', '-f', 'null', '-',
  ];
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number }>;
}

/**
 * ffprobe's JSON -> SourceProbe; null when there is no (real) video stream: audio only, or only cover art.
 * A 90/270 degree rotation swaps width and height, as the decoded pictures will have them.
 */
export function parseMediaProbe(json: string): SourceProbe | null {
  let parsed: { format?: { format_name?: string; duration?: string; bit_rate?: string }; streams?: ProbeStream[] };
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const streams = parsed.streams ?? [];
  const video = streams.find((stream) => stream.codec_type === 'video' && !stream.disposition?.attached_pic);
  if (!video || !video.width || !video.height) return null;
  const audio = streams.find((stream) => stream.codec_type === 'audio');
  const rotation = Math.abs(Number(video.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0)) % 180;
  const duration = Number(parsed.format?.duration ?? video.duration);
  const bitRate = Number(parsed.format?.bit_rate);
  return {
    formatName: parsed.format?.format_name ?? '',
    durationSeconds: Number.isFinite(duration) ? duration : 0,
    width: rotation === 90 ? video.height : video.width,
    height: rotation === 90 ? video.width : video.height,
    fps: frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate),
    videoCodec: video.codec_name ?? 'unknown',
    hasAudio: audio !== undefined,
    audioCodec: audio?.codec_name ?? null,
    bitRate: Number.isFinite(bitRate) ? bitRate : null,
  };
}

/** "30000/1001" -> 29.97; null for "0/0" and nonsense. */
function frameRate(value: string | undefined): number | null {
  const match = /^(\d+)\/(\d+)$/.exec(value ?? '');
  if (!match) return null;
  const rate = Number(match[1]) / Number(match[2]);
  return Number.isFinite(rate) && rate > 0 && rate < 1000 ? Math.round(rate * 1000) / 1000 : null;
}
