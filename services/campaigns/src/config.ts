import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

/** Development only: production refuses to start with it. */
export const DEV_SECRETS_ENCRYPTION_KEY = 'castline-development-secrets-key-not-for-production';

export const CampaignsConfigSchema = baseConfigSchema
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3005),
    /**
     * Seals ad-account credentials (AES-256-GCM, packages/platform secret-box.ts). Required in production;
     * SECRETS_ENCRYPTION_KEYS_OLD (comma-separated) still opens values sealed before a rotation (re-sealed at startup).
     */
    SECRETS_ENCRYPTION_KEY: z.string().min(32, 'at least 32 characters').default(DEV_SECRETS_ENCRYPTION_KEY),
    SECRETS_ENCRYPTION_KEYS_OLD: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((each) => each.trim()).filter(Boolean)),
    META_GRAPH_URL: z.url().default('https://graph.facebook.com'),
    META_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
    GOOGLE_ADS_URL: z.url().default('https://googleads.googleapis.com'),
    GOOGLE_ADS_VERSION: z.string().regex(/^v\d+$/).default('v17'),
    GOOGLE_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
    /** Between polls of a Meta report run, and how long a run may stay at one percentage before it is replaced. */
    META_POLL_INTERVAL_MS: z.coerce.number().int().min(1).default(2_000),
    META_STUCK_AFTER_MS: z.coerce.number().int().min(1).default(10 * 60_000),
    /** Days per Meta report run (halved on code 1 "reduce the amount of data"). */
    META_DAYS_PER_RUN: z.coerce.number().int().min(1).max(366).default(90),
    /** First step of the exponential backoff (with jitter) on throttling and 5xx answers. */
    AD_SYNC_BACKOFF_MS: z.coerce.number().int().min(1).default(1_000),
    AD_SYNC_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(6),
    /** Days of history pulled when an account connects (default 2 years). */
    AD_SYNC_BACKFILL_DAYS: z.coerce.number().int().min(1).max(1096).default(730),
    /**
     * How long a sync job's BullMQ lock and the account lock live without renewal: a killed worker's job is
     * picked up again about this long after (also the stalled-job check interval and the busy-retry delay).
     */
    AD_SYNC_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
    /**
     * HMAC key of the visitors' IP addresses in clicks and conversions (the IP itself is never stored); unset,
     * one is derived from SECRETS_ENCRYPTION_KEY.
     */
    TRACKING_IP_KEY: z.string().min(16).optional(),
    /**
     * Peers whose X-Real-IP is believed (nginx); any other peer's own address is the client IP. Compose sets
     * the private ranges nginx reaches the service from.
     */
    TRACKING_TRUSTED_PROXIES: z.string().default('127.0.0.1/32,::1/128'),
    /** The tracking id cookie gets `Secure` (default: in production). */
    TRACKING_COOKIE_SECURE: z.enum(['on', 'off']).optional(),
    /** A conversion is attributed to the last click at most this many days before it. */
    ATTRIBUTION_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    /** Starts the `ad-sync` worker inside this process (off in tests that only call handlers). */
    AD_SYNC_WORKER: z.enum(['on', 'off']).default('on'),
  })
  .superRefine((config, context) => {
    if (config.NODE_ENV === 'production' && config.SECRETS_ENCRYPTION_KEY === DEV_SECRETS_ENCRYPTION_KEY) {
      context.addIssue({ code: 'custom', path: ['SECRETS_ENCRYPTION_KEY'], message: 'must be set to at least 32 random characters in production' });
    }
  });

export type CampaignsConfig = z.infer<typeof CampaignsConfigSchema>;

export const loadCampaignsConfig = (env: Record<string, string | undefined> = process.env) => loadConfig('campaigns', CampaignsConfigSchema, env);
