import { randomBytes } from 'node:crypto';
import { baseConfigSchema, DEV_BACKUP_TRANSFER_SECRET, DEV_MEDIA_UPLOAD_SECRET, loadConfig } from '@castline/platform';
import { z } from 'zod';

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

export const GatewayConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** HS256 key for access tokens. Required in production; elsewhere a random one is made per start. */
    JWT_SECRET: z.string().optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
    /** Origins allowed to call the API from a browser (the dashboard's own origin needs no entry). */
    CORS_ORIGINS: commaList.default([]),
    /** Peers whose X-Forwarded-For is believed (nginx). proxy-addr syntax: loopback, CIDRs, addresses. */
    TRUSTED_PROXIES: z.string().default('loopback'),
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    LOGIN_LIMIT_PER_IP: z.coerce.number().int().positive().default(30),
    LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
    LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
    /**
     * `false` skips the token-version and disabled-creator checks (revocation then waits for token expiry).
     * Only for `npm run bench:gateway`, which measures their cost side by side; never turn it off in production.
     */
    REVOCATION_CHECK: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    /** Audit rows older than this many days are deleted (hourly). */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
    HEALTH_TIMEOUT_MS: z.coerce.number().int().positive().default(1000),
    /** The traffic-logger's internal export stream (TRAFFIC_INTERNAL_PORT), piped to the client of an export. */
    TRAFFIC_EXPORT_URL: z.url().default('http://127.0.0.1:3016'),
    /** Signs X-Castline-Principal for tus uploads (nginx auth_request); media checks it with the same value. */
    MEDIA_UPLOAD_SECRET: z.string().min(16).default(DEV_MEDIA_UPLOAD_SECRET),
    /** Signs X-Castline-Principal for backup downloads and imports (nginx auth_request); backup checks it. */
    BACKUP_TRANSFER_SECRET: z.string().min(16).default(DEV_BACKUP_TRANSFER_SECRET),
  })
  .superRefine((config, context) => {
    if (config.NODE_ENV !== 'production') return;
    if (!config.JWT_SECRET || config.JWT_SECRET.length < 32) {
      context.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'must be set to at least 32 random characters in production',
      });
    }
    if (config.MEDIA_UPLOAD_SECRET === DEV_MEDIA_UPLOAD_SECRET) {
      context.addIssue({ code: 'custom', path: ['MEDIA_UPLOAD_SECRET'], message: 'must be set to at least 32 random characters in production' });
    }
    if (config.BACKUP_TRANSFER_SECRET === DEV_BACKUP_TRANSFER_SECRET) {
      context.addIssue({ code: 'custom', path: ['BACKUP_TRANSFER_SECRET'], message: 'must be set to at least 32 random characters in production' });
    }
  });

export type GatewayConfig = z.infer<typeof GatewayConfigSchema> & { JWT_SECRET: string };

/** Loads the gateway's config; outside production a missing JWT_SECRET becomes a random per-process key. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const config = loadConfig('gateway', GatewayConfigSchema, env);
  const JWT_SECRET = config.JWT_SECRET ?? randomBytes(48).toString('base64url');
  return { ...config, JWT_SECRET };
}
