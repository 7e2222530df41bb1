import type { EncodingPreset, Prisma } from '@castline/db';
import type { OutputProfile, PresetBody, Rendition } from '@castline/contracts';

export const toPresetView = (preset: EncodingPreset) => ({
  id: preset.id,
  name: preset.name,
  description: preset.description,
  builtIn: preset.builtIn,
  isDefault: preset.isDefault,
  profile: toProfile(preset),
  createdAt: preset.createdAt,
  updatedAt: preset.updatedAt,
});

export type PresetView = ReturnType<typeof toPresetView>;

export function toProfile(preset: EncodingPreset): OutputProfile {
  return {
    x264Preset: preset.x264Preset as OutputProfile['x264Preset'],
    tune: preset.tune as OutputProfile['tune'],
    profile: preset.profile as OutputProfile['profile'],
    level: preset.level as OutputProfile['level'],
    width: preset.width,
    height: preset.height,
    fps: preset.fps,
    crf: preset.crf,
    bitrateKbps: preset.bitrateKbps,
    maxrateKbps: preset.maxrateKbps,
    bufsizeKbps: preset.bufsizeKbps,
    gopSeconds: preset.gopSeconds,
    bFrames: preset.bFrames,
    renditions: (preset.renditions as Rendition[] | null) ?? null,
    audioBitrateKbps: preset.audioBitrateKbps,
    audioSampleRate: preset.audioSampleRate as OutputProfile['audioSampleRate'],
    audioChannels: preset.audioChannels as OutputProfile['audioChannels'],
  };
}

export function toPresetData(body: PresetBody): Prisma.EncodingPresetCreateInput {
  const { renditions, ...profile } = body.profile;
  return {
    name: body.name,
    description: body.description,
    ...profile,
    renditions: renditions ?? undefined,
  };
}
