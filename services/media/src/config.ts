import { baseConfigSchema, CPU_LIST, DEV_MEDIA_UPLOAD_SECRET, loadConfig, PLAYBACK_SECRET_PATTERN } from '@castline/platform';
import { z } from 'zod';

const rungList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'comma-separated heights such as 1080,720,480,360')
  .transform((value) => value.split(',').map(Number))
  .refine((heights) => heights.every((height) => height >= 2 && height % 2 === 0), 'even heights >= 2');

export const MediaConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3007),
  /** incoming/ (tus uploads), originals/, work/ (transcodes in progress) and vod/ (what nginx serves). */
  MEDIA_ROOT: z.string().min(1).default('data/media'),
  /** Rung heights (the short side of portrait videos); never above the source. */
  MEDIA_RUNGS: rungList.default([1080, 720, 480, 360]),
  /** Transcodes one worker process runs at once. */
  MEDIA_TRANSCODE_SLOTS: z.coerce.number().int().min(1).max(64).default(1),
  /** -threads for each transcode's decoder, filter graph and encoders. */
  MEDIA_TRANSCODE_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  /** nice of every transcode FFmpeg and of its session's autogroup. */
  MEDIA_FFMPEG_NICE: z.coerce.number().int().min(0).max(19).default(19),
  MEDIA_X264_PRESET: z.string().regex(/^[a-z]+$/).default('veryfast'),
  MEDIA_CRF: z.coerce.number().min(0).max(51).default(23),
  MEDIA_SEGMENT_SECONDS: z.coerce.number().int().min(2).max(10).default(4),
  MEDIA_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).default(20 * 1024 ** 3),
  /** Free space kept on MEDIA_ROOT besides an upload's own length. */
  MEDIA_DISK_RESERVE_BYTES: z.coerce.number().int().min(0).default(1024 ** 3),
  MEDIA_MAX_DURATION_SECONDS: z.coerce.number().int().min(1).default(6 * 3600),
  /** HMAC key of X-Castline-Principal (gateway signs, media checks); the same value in both. */
  MEDIA_UPLOAD_SECRET: z.string().min(16).default(DEV_MEDIA_UPLOAD_SECRET),
  /** nginx's secure_link secret for /vod/_signed/ (private videos). */
  PLAYBACK_SIGNING_SECRET: z.string().regex(PLAYBACK_SECRET_PATTERN).optional(),
  PLAYBACK_URL_TTL_SECONDS: z.coerce.number().int().min(60).default(3600),
  WORKER_CPUS: z.string().regex(CPU_LIST, 'a CPU list such as 18-85 or 2,4-7').optional(),
  /** /metrics and /health of the transcode worker; 0 takes any free port. */
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
}).superRefine((config, context) => {
  if (config.NODE_ENV === 'production' && config.MEDIA_UPLOAD_SECRET === DEV_MEDIA_UPLOAD_SECRET) {
    context.addIssue({ code: 'custom', path: ['MEDIA_UPLOAD_SECRET'], message: 'must be set to at least 32 random characters in production' });
  }
});

export type MediaConfig = z.infer<typeof MediaConfigSchema>;

export const loadMediaConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('media', MediaConfigSchema, env);
