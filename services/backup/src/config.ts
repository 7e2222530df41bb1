import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const BackupConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3004),
});

export type BackupConfig = z.infer<typeof BackupConfigSchema>;

export const loadBackupConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('backup', BackupConfigSchema, env);
