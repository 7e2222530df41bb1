'use client';

import type { OutputProfile } from '@castline/contracts';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Skeleton } from '@/components/ui/skeleton';
import type { Channel, Preset } from '@/lib/channels';
import { cn } from '@/lib/utils';

/** The profile the worker encodes with: the channel's inline output, else its preset's, else none known. */
export function effectiveProfile(channel: Channel, presets: Preset[] | undefined): { profile: OutputProfile | null; source: 'custom' | 'preset' | 'default' } {
  if (channel.output) return { profile: channel.output, source: 'custom' };
  const preset = presets?.find((candidate) => candidate.id === channel.presetId);
  if (preset) return { profile: preset.profile, source: 'preset' };
  return { profile: null, source: 'default' };
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-3 py-1.5 text-sm max-sm:grid-cols-1 max-sm:gap-0.5">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="min-w-0">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{title}</h3>
      <dl className="divide-y">{children}</dl>
    </section>
  );
}

function rateControl(profile: OutputProfile): string {
  if (profile.renditions) return `ABR ladder (${profile.renditions.length} renditions)`;
  if (profile.bitrateKbps !== null) {
    const caps = [profile.maxrateKbps !== null && `max ${profile.maxrateKbps} kb/s`, profile.bufsizeKbps !== null && `buffer ${profile.bufsizeKbps} kb`].filter(Boolean);
    return `${profile.bitrateKbps} kb/s${caps.length ? ` (${caps.join(', ')})` : ''}`;
  }
  return `CRF ${profile.crf ?? '—'}${profile.maxrateKbps !== null ? `, max ${profile.maxrateKbps} kb/s` : ''}`;
}

/** Preset and encoding, HLS, sources, playback, restart policy and schedule of the channel. */
export function EncodingSettings({
  channel,
  presets,
  presetsLoading,
  measuredSize,
  className,
}: {
  channel: Channel;
  presets: Preset[] | undefined;
  presetsLoading?: boolean;
  /** The running output's picture size, when its worker has measured it. */
  measuredSize?: { width: number; height: number } | null;
  className?: string;
}) {
  const preset = presets?.find((candidate) => candidate.id === channel.presetId);
  const { profile, source } = effectiveProfile(channel, presets);
  return (
    <div className={cn('grid gap-6 md:grid-cols-2', className)}>
      <Section title="Encoding">
        <Row label="Preset">
          {presetsLoading ? (
            <Skeleton className="h-4 w-32" />
          ) : source === 'custom' ? (
            <span>
              Custom output <span className="text-muted-foreground">(overrides {preset ? preset.name : 'the preset'})</span>
            </span>
          ) : preset ? (
            <span>
              {preset.name}
              {preset.builtIn && (
                <Badge variant="secondary" className="ml-2 align-middle">
                  built-in
                </Badge>
              )}
            </span>
          ) : (
            <span className="text-muted-foreground">Default (no preset)</span>
          )}
        </Row>
        {profile ? (
          <>
            <Row label="Resolution">
              {profile.width && profile.height
                ? `${profile.width}×${profile.height}`
                : measuredSize
                  ? `Same as source (now ${measuredSize.width}×${measuredSize.height})`
                  : 'Same as source'}
            </Row>
            <Row label="Frame rate">{profile.fps} fps</Row>
            <Row label="Video">
              H.264 {profile.profile} {profile.level} · x264 {profile.x264Preset}
              {profile.tune ? ` · ${profile.tune}` : ''}
            </Row>
            <Row label="Rate control">{rateControl(profile)}</Row>
            <Row label="GOP">
              {profile.gopSeconds} s · {profile.bFrames} B-frames
            </Row>
            {profile.renditions && (
              <Row label="Renditions">
                <ul className="space-y-0.5">
                  {profile.renditions.map((rendition) => (
                    <li key={rendition.name} className="tabular-nums">
                      <span className="font-medium">{rendition.name}</span> {rendition.width}×{rendition.height} · {rendition.bitrateKbps} kb/s
                    </li>
                  ))}
                </ul>
              </Row>
            )}
            <Row label="Audio">
              AAC {profile.audioBitrateKbps} kb/s · {profile.audioSampleRate / 1000} kHz · {profile.audioChannels === 2 ? 'stereo' : 'mono'}
            </Row>
          </>
        ) : (
          !presetsLoading && <Row label="Video">Platform defaults (x264 veryfast, CRF 23, 25 fps, source resolution)</Row>
        )}
      </Section>

      <Section title="Output">
        <Row label="HLS segments">{channel.hls.segmentSeconds} s</Row>
        <Row label="Playlist size">{channel.hls.listSize} segments</Row>
        <Row label="Playback">
          {channel.playback === 'signed' ? 'Signed URLs (expire)' : 'Public'}
          {channel.playbackPath && <span className="block break-all font-mono text-xs text-muted-foreground">{channel.playbackPath}</span>}
        </Row>
        <Row label="Auto-restart">{channel.autoRestart ? 'On: FFmpeg is restarted after a failure' : 'Off'}</Row>
        <Row label="Schedule">
          {channel.schedule ? (
            <span className="font-mono text-xs">
              start <span className="text-foreground">{channel.schedule.start}</span> · stop <span className="text-foreground">{channel.schedule.stop}</span> ·{' '}
              {channel.schedule.timezone}
            </span>
          ) : (
            <span className="text-muted-foreground">None (started and stopped by hand)</span>
          )}
        </Row>
      </Section>

      <Section title="Sources">
        {channel.sources.map((sourceItem, index) => (
          <Row key={sourceItem.position} label={index === 0 ? 'Primary' : `Backup ${index}`}>
            {sourceItem.label && <span className="block">{sourceItem.label}</span>}
            <span className="block break-all font-mono text-xs text-muted-foreground">{sourceItem.url ?? 'hidden'}</span>
          </Row>
        ))}
      </Section>

      <Section title="Logo">
        {channel.logo ? (
          <>
            <Row label="Anchor">{channel.logo.anchor.replace('_', ' ')}</Row>
            <Row label="Offset">
              x {channel.logo.x} · y {channel.logo.y} px
            </Row>
            <Row label="Size">{channel.logo.width && channel.logo.height ? `${channel.logo.width}×${channel.logo.height} px` : 'Natural size'}</Row>
            <Row label="Opacity">{Math.round(channel.logo.opacity * 100)}%</Row>
          </>
        ) : (
          <Row label="Logo">
            <span className="text-muted-foreground">None</span>
          </Row>
        )}
      </Section>
    </div>
  );
}
