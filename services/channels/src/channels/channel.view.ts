import type { OutputProfile } from '@castline/contracts';
import { publicPlaybackPath } from '../live/playback';
import type { ChannelWithSources } from './channels.repository';

/** What the API shows of a channel. `playbackPath` is where nginx serves a public channel; signed ones need GET /:id/playback. */
export const toChannelView = (channel: ChannelWithSources) => ({
  id: channel.id,
  name: channel.name,
  slug: channel.slug,
  status: channel.status,
  /** Plain words for the status ("No data from udp port 5999 for 10 s; trying again in 19 s"), and since when. */
  statusDetail: channel.statusDetail,
  statusSince: channel.statusSince,
  desiredState: channel.desiredState,
  sources: channel.sources.map((source) => ({ position: source.position, url: source.url, label: source.label })),
  presetId: channel.presetId,
  output: (channel.output as OutputProfile | null) ?? null,
  logo: channel.logoUploadId
    ? {
        uploadId: channel.logoUploadId,
        anchor: channel.logoAnchor,
        x: channel.logoX,
        y: channel.logoY,
        width: channel.logoWidth,
        height: channel.logoHeight,
        opacity: channel.logoOpacity,
      }
    : null,
  hls: { segmentSeconds: channel.hlsSegmentSeconds, listSize: channel.hlsListSize },
  playback: channel.playback,
  signingVersion: channel.signingVersion,
  playbackPath: channel.playback === 'public' ? publicPlaybackPath(channel.slug) : null,
  autoRestart: channel.autoRestart,
  schedule: channel.schedule,
  lastError: channel.lastError,
  startedAt: channel.startedAt,
  createdAt: channel.createdAt,
  updatedAt: channel.updatedAt,
});

export type ChannelView = ReturnType<typeof toChannelView>;
