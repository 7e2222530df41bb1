import { z } from 'zod';

/** Media library: what the media service, its worker, the gateway and the dashboard share (issue 13). */

export const VIDEO_STATUSES = ['uploading', 'probing', 'queued', 'transcoding', 'ready', 'failed', 'rejected', 'cancelled'] as const;
export const VideoStatusSchema = z.enum(VIDEO_STATUSES);
export type VideoStatus = z.infer<typeof VideoStatusSchema>;

/** Error codes a video can end with (errorCode), and the 4xx codes of an upload refused on its final PATCH. */
export const MediaErrorCodes = {
  notVideo: 'MEDIA_NOT_VIDEO',
  corrupt: 'MEDIA_CORRUPT',
  duration: 'MEDIA_DURATION',
  dimensions: 'MEDIA_DIMENSIONS',
  transcodeFailed: 'MEDIA_TRANSCODE_FAILED',
} as const;

/** Published by the transcode worker at most once a second per video, and on every status change. */
export const VideoProgressSchema = z.object({
  videoId: z.string().min(1),
  status: VideoStatusSchema,
  /** 0..100 */
  progress: z.number().int().min(0).max(100),
  errorCode: z.string().nullable().optional(),
});
export type VideoProgress = z.infer<typeof VideoProgressSchema>;

export const VideoVisibilitySchema = z.enum(['public', 'private']);

export const ListVideosSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(24),
  status: VideoStatusSchema.optional(),
  q: z.string().max(200).optional(),
});

export const VideoIdSchema = z.object({ id: z.uuid() });

/** scheme://host[:port] as browsers send it in Origin. */
const EmbedOriginSchema = z.string().regex(/^https?:\/\/[a-z0-9.-]+(?::[0-9]{1,5})?$/, 'an origin such as https://www.example.com (scheme, host, optional port; no path)');

/** A video's embed configuration (video_pages): player options and the origins that may frame a private video. */
export const EmbedConfigSchema = z.strictObject({
  autoplay: z.boolean(),
  loop: z.boolean(),
  controls: z.boolean(),
  muted: z.boolean(),
  allowedOrigins: z.array(EmbedOriginSchema).max(20),
});
export type EmbedConfig = z.infer<typeof EmbedConfigSchema>;
export const DEFAULT_EMBED_CONFIG: EmbedConfig = { autoplay: false, loop: false, controls: true, muted: false, allowedOrigins: [] };

/** One day of playback aggregates (video_analytics). */
export const VideoAnalyticsDaySchema = z.object({
  day: z.string(),
  plays: z.number().int(),
  uniqueViewers: z.number().int(),
  watchSeconds: z.number(),
  completions: z.number().int(),
  /** completions / plays (0 without plays). */
  completionRate: z.number(),
  /** Seconds watched per rendition name. */
  qualitySeconds: z.record(z.string(), z.number()),
});
export type VideoAnalyticsDay = z.infer<typeof VideoAnalyticsDaySchema>;

export const UpdateVideoBodySchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    visibility: VideoVisibilitySchema.optional(),
    embed: EmbedConfigSchema.partial().optional(),
  })
  .refine((body) => body.title !== undefined || body.visibility !== undefined || body.embed !== undefined, { message: 'change title, visibility or embed' });
export const UpdateVideoRequestSchema = z.object({ id: z.uuid(), changes: UpdateVideoBodySchema });

export const VideoVersionViewSchema = z.object({
  kind: z.enum(['hls', 'mp4', 'poster', 'sprite']),
  name: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  bitrateKbps: z.number().int().nullable(),
  path: z.string(),
  /** Bytes as a decimal string (BigInt in the database). */
  sizeBytes: z.string(),
  status: z.enum(['pending', 'ready', 'failed']),
});

export const VideoViewSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  originalFilename: z.string(),
  status: VideoStatusSchema,
  progress: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  visibility: VideoVisibilitySchema,
  sizeBytes: z.string(),
  sha256: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  fps: z.number().nullable(),
  uploadedBy: z.string().nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  versions: z.array(VideoVersionViewSchema),
  /**
   * Where players find it (ready videos only): `/vod/<id>/` for a public video, a signed
   * `/vod/_signed/<token>/<expires>/<id>/` for a private one (null when no signing secret is configured).
   * `index.m3u8`, `poster.jpg`, `sprite.vtt` and `download.mp4` sit under it.
   */
  playbackBase: z.string().nullable(),
  embed: EmbedConfigSchema,
  /** The last 30 days of playback aggregates, oldest first (one video's view only; lists leave it out). */
  analytics: z.array(VideoAnalyticsDaySchema).optional(),
});
export type VideoView = z.infer<typeof VideoViewSchema>;

export const VideoPageSchema = z.object({ items: z.array(VideoViewSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export type VideoPage = z.infer<typeof VideoPageSchema>;

/** What the public embed endpoint gives the /embed/<id> player: URLs (signed for a private video) and options. */
export const EmbedPlaybackSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  durationSeconds: z.number().nullable(),
  playlistUrl: z.string(),
  posterUrl: z.string().nullable(),
  autoplay: z.boolean(),
  loop: z.boolean(),
  controls: z.boolean(),
  muted: z.boolean(),
});
export type EmbedPlayback = z.infer<typeof EmbedPlaybackSchema>;

/**
 * Player events (POST /api/v1/media/collect, public): `media.play` once per playback, `media.progress` every 10 s
 * (position, seconds watched since the last event, the rendition playing), `media.complete` at the end,
 * `media.quality` on a rendition switch. `viewer` is a random id the player keeps (no cookie, no IP stored).
 */
export const MEDIA_PLAYBACK_EVENTS = ['media.play', 'media.progress', 'media.complete', 'media.quality'] as const;
export const MediaPlaybackEventSchema = z.strictObject({
  name: z.enum(MEDIA_PLAYBACK_EVENTS),
  video: z.uuid(),
  viewer: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8-64 letters, digits, _ or -'),
  position: z.number().min(0).max(7 * 24 * 3600).optional(),
  /** Seconds watched since the previous event of this playback (progress: about 10; capped at 30). */
  watched: z.number().min(0).max(30).optional(),
  rendition: z.string().regex(/^[a-z0-9_-]{1,16}$/).optional(),
});
export type MediaPlaybackEvent = z.infer<typeof MediaPlaybackEventSchema>;
