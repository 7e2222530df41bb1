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
