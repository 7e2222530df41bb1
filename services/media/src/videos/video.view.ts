import { DEFAULT_EMBED_CONFIG, type EmbedConfig, type VideoAnalyticsDay, type VideoView } from '@castline/contracts';
import type { VideoAnalytics } from '@castline/db';
import { playbackToken } from '@castline/platform';
import type { VideoWithVersions } from './videos.repository';

export interface PlaybackSigning {
  secret?: string;
  ttlSeconds: number;
}

/** The directory URL players use: public /vod/<id>/, private /vod/_signed/<token>/<expires>/<id>/ (nginx secure_link, the live scheme). */
export function playbackBase(video: Pick<VideoWithVersions, 'id' | 'status' | 'visibility'>, signing: PlaybackSigning, now = Date.now()): string | null {
  if (video.status !== 'ready') return null;
  if (video.visibility === 'public') return `/vod/${video.id}/`;
  if (!signing.secret) return null;
  const expires = Math.floor(now / 1000) + signing.ttlSeconds;
  return `/vod/_signed/${playbackToken(signing.secret, video.id, expires)}/${expires}/${video.id}/`;
}

export function toVideoView(video: VideoWithVersions, signing: PlaybackSigning): VideoView {
  return {
    id: video.id,
    title: video.title,
    originalFilename: video.originalFilename,
    status: video.status,
    progress: video.progress,
    errorCode: video.errorCode,
    errorMessage: video.errorMessage,
    visibility: video.visibility,
    sizeBytes: video.sizeBytes.toString(),
    sha256: video.sha256,
    durationSeconds: video.durationSeconds,
    width: video.width,
    height: video.height,
    fps: video.fps,
    uploadedBy: video.uploadedBy,
    createdAt: video.createdAt.toISOString(),
    readyAt: video.readyAt?.toISOString() ?? null,
    versions: video.versions.map((version) => ({
      kind: version.kind,
      name: version.name,
      width: version.width,
      height: version.height,
      bitrateKbps: version.bitrateKbps,
      path: version.path,
      sizeBytes: version.sizeBytes.toString(),
      status: version.status,
    })),
    playbackBase: playbackBase(video, signing),
    embed: embedConfigOf(video),
  };
}

export function embedConfigOf(video: Pick<VideoWithVersions, 'pages'>): EmbedConfig {
  const page = video.pages[0];
  return page
    ? { autoplay: page.autoplay, loop: page.loop, controls: page.controls, muted: page.muted, allowedOrigins: page.allowedOrigins }
    : { ...DEFAULT_EMBED_CONFIG };
}

export function toAnalyticsDay(row: VideoAnalytics): VideoAnalyticsDay {
  return {
    day: row.day.toISOString().slice(0, 10),
    plays: row.plays,
    uniqueViewers: row.uniqueViewers,
    watchSeconds: row.watchSeconds,
    completions: row.completions,
    completionRate: row.plays > 0 ? Math.min(1, row.completions / row.plays) : 0,
    qualitySeconds: row.qualitySeconds as Record<string, number>,
  };
}
