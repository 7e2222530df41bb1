/**
 * ABR resolution ladder in the PeerTube manner: the standard rungs at or below the source height, never
 * upscaled, with rates derived from one bitrate per rung.
 */

export interface LadderRung {
  height: number;
  videoKbps: number;
  audioKbps: number;
}

/** Rates for 30 fps or less; see HIGH_FPS_FACTOR. */
export const STANDARD_RUNGS: readonly LadderRung[] = [
  { height: 1080, videoKbps: 5000, audioKbps: 128 },
  { height: 720, videoKbps: 2800, audioKbps: 128 },
  { height: 480, videoKbps: 1400, audioKbps: 96 },
  { height: 360, videoKbps: 800, audioKbps: 96 },
  { height: 240, videoKbps: 400, audioKbps: 64 },
];

/** Above 30 fps each rung gets half as many bits again: twice the frames cost far less than twice the bits. */
export const HIGH_FPS_FACTOR = 1.5;

/** VBV settings for live x264: a peak slightly above the target and 1.5 s of buffer. */
export const MAXRATE_FACTOR = 1.07;
export const BUFSIZE_FACTOR = 1.5;

export interface RateControl {
  bitrateKbps: number;
  maxrateKbps: number;
  bufsizeKbps: number;
}

export interface Rendition extends RateControl {
  name: string;
  width: number;
  height: number;
  audioBitrateKbps: number;
}

export interface LadderOptions {
  /** Height of the source, or of the configured output when the channel scales it. */
  sourceHeight: number;
  fps: number;
  /** Width / height of the picture; 16:9 unless given. */
  aspectRatio?: number;
  rungs?: readonly LadderRung[];
}

export function rateControl(bitrateKbps: number): RateControl {
  return {
    bitrateKbps,
    maxrateKbps: Math.round(bitrateKbps * MAXRATE_FACTOR),
    bufsizeKbps: Math.round(bitrateKbps * BUFSIZE_FACTOR),
  };
}

/** x264 with 4:2:0 chroma needs even dimensions. */
export function evenWidth(height: number, aspectRatio: number): number {
  return Math.max(2, Math.round((height * aspectRatio) / 2) * 2);
}

export function buildLadder(options: LadderOptions): Rendition[] {
  const { sourceHeight, fps, aspectRatio = 16 / 9, rungs = STANDARD_RUNGS } = options;
  for (const [name, value] of Object.entries({ sourceHeight, fps, aspectRatio })) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  if (rungs.length === 0) throw new RangeError('rungs must not be empty');
  const fpsFactor = fps > 30 ? HIGH_FPS_FACTOR : 1;
  const ordered = [...rungs].sort((a, b) => b.height - a.height);
  const fitting = ordered.filter((rung) => rung.height <= sourceHeight);
  // A source below the lowest rung still gets one rendition, at its own (even) height.
  const lowest = ordered[ordered.length - 1] as LadderRung;
  const chosen = fitting.length > 0 ? fitting : [{ ...lowest, height: Math.max(2, Math.floor(sourceHeight / 2) * 2) }];
  return chosen.map((rung) => ({
    name: `${rung.height}p`,
    width: evenWidth(rung.height, aspectRatio),
    height: rung.height,
    ...rateControl(Math.round(rung.videoKbps * fpsFactor)),
    audioBitrateKbps: rung.audioKbps,
  }));
}
