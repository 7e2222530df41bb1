import path from 'node:path';
import { type OutputProfile, OutputProfileSchema } from '@castline/contracts';
import type { Channel, ChannelSource, EncodingPreset, Upload } from '@castline/db';
import type { LiveEncodeSpec, LogoOverlay } from '@castline/ffmpeg';
import { toProfile } from '../presets/preset.view';

export type RunnableChannel = Channel & { sources: ChannelSource[]; preset: EncodingPreset | null; logo: Upload | null };

/** The channel's output: its inline profile, else its preset, else the seed 002 defaults. */
export function outputProfileOf(channel: RunnableChannel): OutputProfile {
  if (channel.output) return channel.output as OutputProfile;
  if (channel.preset) return toProfile(channel.preset);
  return OutputProfileSchema.parse({});
}

export function outputDirOf(hlsRoot: string, slug: string): string {
  return path.join(path.resolve(hlsRoot), slug);
}

/**
 * One FFmpeg run of a channel. `logoPath` is the logo's absolute path (already confined to UPLOADS_DIR).
 * The logo anchor is turned into top-left pixels, which needs the output size for the other corners.
 */
export function toLiveEncodeSpec(
  channel: RunnableChannel,
  options: { hlsRoot: string; runId: string; sourceUrl: string; logoPath?: string },
): LiveEncodeSpec {
  const profile = outputProfileOf(channel);
  return {
    input: { url: options.sourceUrl },
    outputDir: outputDirOf(options.hlsRoot, channel.slug),
    logo: channel.logo && options.logoPath ? logoOverlay(channel, channel.logo, options.logoPath, profile) : undefined,
    video: {
      preset: profile.x264Preset,
      tune: profile.tune ?? undefined,
      profile: profile.profile,
      level: profile.level,
      crf: profile.crf ?? undefined,
      bitrateKbps: profile.bitrateKbps ?? undefined,
      maxrateKbps: profile.maxrateKbps ?? undefined,
      bufsizeKbps: profile.bufsizeKbps ?? undefined,
      fps: profile.fps,
      width: profile.width ?? undefined,
      height: profile.height ?? undefined,
      gopSeconds: profile.gopSeconds,
      bFrames: profile.bFrames,
    },
    renditions: profile.renditions ?? undefined,
    audio: { codec: 'aac', bitrateKbps: profile.audioBitrateKbps, sampleRate: profile.audioSampleRate, channels: profile.audioChannels },
    hls: { segmentSeconds: channel.hlsSegmentSeconds, listSize: channel.hlsListSize, runId: options.runId },
  };
}

function logoOverlay(channel: Channel, upload: Upload, logoPath: string, profile: OutputProfile): LogoOverlay {
  const width = channel.logoWidth ?? upload.width;
  const height = channel.logoHeight ?? upload.height;
  const fromRight = channel.logoAnchor === 'top_right' || channel.logoAnchor === 'bottom_right';
  const fromBottom = channel.logoAnchor === 'bottom_left' || channel.logoAnchor === 'bottom_right';
  if ((fromRight || fromBottom) && (profile.width === null || profile.height === null)) {
    throw new Error(`logo anchor ${channel.logoAnchor} needs an output width and height (set them in the preset or output)`);
  }
  return {
    path: logoPath,
    x: fromRight ? Math.max(0, (profile.width as number) - width - channel.logoX) : channel.logoX,
    y: fromBottom ? Math.max(0, (profile.height as number) - height - channel.logoY) : channel.logoY,
    width,
    height,
    opacity: channel.logoOpacity,
  };
}
