import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const MonitoringConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3003),
});

export type MonitoringConfig = z.infer<typeof MonitoringConfigSchema>;

export const loadMonitoringConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('monitoring', MonitoringConfigSchema, env);
