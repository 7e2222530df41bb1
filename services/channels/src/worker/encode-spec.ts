import { type OutputProfile, OutputProfileSchema } from '@castline/contracts';
import type { Channel, ChannelSource, EncodingPreset, Upload } from '@castline/db';
import type { LiveEncodeSpec, LogoOverlay } from '@castline/ffmpeg';
import { hlsOutputDir } from '../live/playback';
import { toProfile } from '../presets/preset.view';

export type RunnableChannel = Channel & { sources: ChannelSource[]; preset: EncodingPreset | null; logo: Upload | null };

/** The channel's output: its inline profile, else its preset, else the defaults of `OutputProfileSchema` (720p30). */
export function outputProfileOf(channel: RunnableChannel): OutputProfile {
  if (channel.output) return channel.output as OutputProfile;
  if (channel.preset) return toProfile(channel.preset);
  return OutputProfileSchema.parse({});
}

/**
 * One FFmpeg run of a channel. `logoPath` is the logo's absolute path (already confined to UPLOADS_DIR);
 * the logo keeps its anchor, which FFmpeg resolves against the actual picture size.
 */
export function toLiveEncodeSpec(
  channel: RunnableChannel,
  options: { hlsRoot: string; runId: string; sourceUrl: string; logoPath?: string; inputTimeoutSeconds?: number },
): LiveEncodeSpec {
  const profile = outputProfileOf(channel);
  return {
    input: { url: options.sourceUrl, timeoutSeconds: options.inputTimeoutSeconds },
    // Signed channels live under HLS_ROOT/_signed/, which nginx serves only with a valid token.
    outputDir: hlsOutputDir(options.hlsRoot, channel),
    logo: channel.logo && options.logoPath ? logoOverlay(channel, channel.logo, options.logoPath) : undefined,
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

function logoOverlay(channel: Channel, upload: Upload, logoPath: string): LogoOverlay {
  return {
    path: logoPath,
    anchor: channel.logoAnchor,
    x: channel.logoX,
    y: channel.logoY,
    width: channel.logoWidth ?? upload.width,
    height: channel.logoHeight ?? upload.height,
    opacity: channel.logoOpacity,
  };
}
