import { LOGO_MAX_BYTES } from '@castline/contracts';
import { SOURCE_SCHEMES } from '@castline/ffmpeg';
import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const ChannelsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** URL schemes a channel source may use; FFmpeg gets the matching -protocol_whitelist. */
  SOURCE_SCHEMES: z
    .string()
    .default(SOURCE_SCHEMES.join(','))
    .transform((value) => value.split(',').map((scheme) => scheme.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(SOURCE_SCHEMES)).min(1)),
  /** Where logos are stored; FFmpeg reads them from here, and nothing outside it. */
  UPLOADS_DIR: z.string().default('data/uploads'),
  LOGO_MAX_BYTES: z.coerce.number().int().positive().max(LOGO_MAX_BYTES).default(LOGO_MAX_BYTES),
  LOGO_MAX_SIDE: z.coerce.number().int().min(16).max(4096).default(2048),
  /** Where running channels write their HLS output (<HLS_ROOT>/<slug>/index.m3u8); a tmpfs. */
  HLS_ROOT: z.string().default('/dev/shm/castline/hls'),
  /** Channels one worker process runs at once (BullMQ concurrency). */
  WORKER_SLOTS: z.coerce.number().int().min(1).max(256).default(4),
});

export type ChannelsConfig = z.infer<typeof ChannelsConfigSchema>;

export const loadChannelsConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('channels', ChannelsConfigSchema, env);
