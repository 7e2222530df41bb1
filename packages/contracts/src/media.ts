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

export const UpdateVideoBodySchema = z
  .object({ title: z.string().trim().min(1).max(200).optional(), visibility: VideoVisibilitySchema.optional() })
  .refine((body) => body.title !== undefined || body.visibility !== undefined, { message: 'change title or visibility' });
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
});
export type VideoView = z.infer<typeof VideoViewSchema>;

export const VideoPageSchema = z.object({ items: z.array(VideoViewSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
