/**
 * Parser for FFmpeg's `-progress` output: key=value lines in blocks that end with `progress=continue` or
 * `progress=end`, one block every 0.5 s. Chunks from a pipe may split anywhere, even inside a line.
 *
 * 5.1 quirks: `out_time_ms` is in microseconds like `out_time_us`; `fps` and `speed` are averages since
 * the start of the run, hence the windowed averages below; with the HLS muxer `total_size` and `bitrate`
 * are always N/A (the muxer writes its own files), so averageBitrateKbps stays undefined for HLS outputs.
 */

export interface ProgressSample {
  frame?: number;
  fps?: number;
  bitrateKbps?: number;
  totalSize?: number;
  /** Output media time in milliseconds. */
  outTimeMs?: number;
  speed?: number;
  dropFrames?: number;
  dupFrames?: number;
  progress: 'continue' | 'end';
  /** Clock time (ms) at which the block was complete. */
  at: number;
}

export interface ProgressAverages {
  /** Frames per wall-clock second. */
  averageFps?: number;
  /** Output bytes per second of output media time, like FFmpeg's own bitrate. */
  averageBitrateKbps?: number;
  /** Output media time per wall-clock time. */
  averageSpeed?: number;
  /** Samples inside the window. */
  samples: number;
}

export interface ProgressParserOptions {
  /** Averages cover the samples of the last windowSeconds; default 10. */
  windowSeconds?: number;
  /** Clock in milliseconds; injected by tests. */
  now?: () => number;
}

// A line longer than this is not progress output; dropping it keeps memory bounded.
const MAX_LINE_LENGTH = 64 * 1024;

export class ProgressParser {
  private readonly windowMs: number;
  private readonly now: () => number;
  private partialLine = '';
  private block = new Map<string, string>();
  private readonly window: ProgressSample[] = [];
  private lastSample: ProgressSample | undefined;

  constructor(options: ProgressParserOptions = {}) {
    const windowSeconds = options.windowSeconds ?? 10;
    if (!(windowSeconds > 0)) throw new RangeError(`windowSeconds must be positive, got ${windowSeconds}`);
    this.windowMs = windowSeconds * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Feeds one chunk of stdout; returns the samples of the blocks it completed. */
  push(chunk: string | Uint8Array): ProgressSample[] {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    if (this.partialLine.length > MAX_LINE_LENGTH) this.partialLine = '';

    const samples: ProgressSample[] = [];
    for (const rawLine of lines) {
      const line = rawLine.trim();
      const equals = line.indexOf('=');
      if (equals <= 0) continue;
      const key = line.slice(0, equals);
      const value = line.slice(equals + 1).trim();
      if (key !== 'progress') {
        this.block.set(key, value);
        continue;
      }
      const sample = this.toSample(value === 'end' ? 'end' : 'continue');
      this.block = new Map();
      this.remember(sample);
      samples.push(sample);
    }
    return samples;
  }

  get latest(): ProgressSample | undefined {
    return this.lastSample;
  }

  /** Averages over the samples of the last window; undefined where two samples or the values are missing. */
  averages(): ProgressAverages {
    this.prune(this.now());
    const samples = this.window.length;
    const first = this.window[0];
    const last = this.window[samples - 1];
    if (!first || !last || last.at <= first.at) return { samples };

    const wallSeconds = (last.at - first.at) / 1000;
    const frames = delta(first.frame, last.frame);
    const bytes = delta(first.totalSize, last.totalSize);
    const mediaMs = delta(first.outTimeMs, last.outTimeMs);
    return {
      averageFps: frames === undefined ? undefined : frames / wallSeconds,
      averageBitrateKbps: bytes === undefined || !mediaMs ? undefined : (bytes * 8) / mediaMs,
      averageSpeed: mediaMs === undefined ? undefined : mediaMs / 1000 / wallSeconds,
      samples,
    };
  }

  private toSample(progress: 'continue' | 'end'): ProgressSample {
    const field = (key: string) => this.block.get(key);
    const outTimeUs = number(field('out_time_us')) ?? number(field('out_time_ms')) ?? clockMicros(field('out_time'));
    return {
      frame: number(field('frame')),
      fps: number(field('fps')),
      bitrateKbps: number(field('bitrate')?.replace(/kbits\/s$/, '')),
      totalSize: number(field('total_size')),
      outTimeMs: outTimeUs === undefined ? undefined : outTimeUs / 1000,
      speed: number(field('speed')?.replace(/x$/, '')),
      dropFrames: number(field('drop_frames')),
      dupFrames: number(field('dup_frames')),
      progress,
      at: this.now(),
    };
  }

  private remember(sample: ProgressSample): void {
    this.lastSample = sample;
    this.window.push(sample);
    this.prune(sample.at);
  }

  private prune(now: number): void {
    while (this.window.length > 0 && (this.window[0] as ProgressSample).at < now - this.windowMs) this.window.shift();
  }
}

/** "N/A", empty or garbage read as unknown. */
function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'N/A') return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** "HH:MM:SS.micro", possibly negative at the very start of a run. */
function clockMicros(value: string | undefined): number | undefined {
  const match = value?.trim().match(/^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/);
  if (!match) return undefined;
  const [, sign, hours, minutes, seconds] = match;
  const total = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1_000_000;
  return Math.round(sign === '-' ? -total : total);
}

/** A counter's growth; undefined when either end is unknown or it went backwards. */
function delta(from: number | undefined, to: number | undefined): number | undefined {
  if (from === undefined || to === undefined || to < from) return undefined;
  return to - from;
}
