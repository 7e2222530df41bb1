import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const MonitoringConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** Where procfs is mounted; tests point it at a directory of fixture files. */
  PROC_ROOT: z.string().default('/proc'),
  /** Live HLS output (a tmpfs); its free space is reported as the "hls" disk. */
  HLS_ROOT: z.string().default('/dev/shm/castline/hls'),
  /** The data disk (database, uploads, backups) reported as the "data" disk. Default: the working directory. */
  DATA_DIR: z.string().default(process.cwd()),
  /** How often host metrics are sampled; rates are over this interval. */
  SYSTEM_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(100).default(1_000),
});

export type MonitoringConfig = z.infer<typeof MonitoringConfigSchema>;

export const loadMonitoringConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('monitoring', MonitoringConfigSchema, env);
