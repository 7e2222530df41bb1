import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const ChannelsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3002),
});

export type ChannelsConfig = z.infer<typeof ChannelsConfigSchema>;

export const loadChannelsConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('channels', ChannelsConfigSchema, env);
