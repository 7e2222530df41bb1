import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const CampaignsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65535).default(3005),
});

export type CampaignsConfig = z.infer<typeof CampaignsConfigSchema>;

export const loadCampaignsConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('campaigns', CampaignsConfigSchema, env);
