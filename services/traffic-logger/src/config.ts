import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const TrafficLoggerConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3006),
});

export type TrafficLoggerConfig = z.infer<typeof TrafficLoggerConfigSchema>;

export const loadTrafficLoggerConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('traffic-logger', TrafficLoggerConfigSchema, env);
