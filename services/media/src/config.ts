import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const MediaConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3007),
});

export type MediaConfig = z.infer<typeof MediaConfigSchema>;

export const loadMediaConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('media', MediaConfigSchema, env);
