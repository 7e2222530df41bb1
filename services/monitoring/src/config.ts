import { baseConfigSchema, loadConfig, parseAllowedTargets } from '@castline/platform';
import { z } from 'zod';

/** Development only: production refuses to start with it. */
export const DEV_SECRETS_ENCRYPTION_KEY = 'castline-development-secrets-key-not-for-production';

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
  /** How often the check scheduler looks for due checks; 0 stops it (tests run `CheckScheduler.tick` themselves). */
  CHECKS_TICK_MS: z.coerce.number().int().min(0).default(1_000),
  /** Interval of the built-in checks (services, Postgres, Redis, NATS, nginx) when first created. */
  CHECKS_BUILTIN_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(30),
  /** nginx's health endpoint for the built-in nginx check; `off` leaves the check out. */
  NGINX_HEALTH_URL: z.union([z.literal('off'), z.url({ protocol: /^https?$/ })]).default('http://127.0.0.1:8080/nginx-health'),
  /**
   * Networks (CIDRs) and host names that checks and webhooks may reach although the SSRF guard refuses their
   * range (loopback, private, link-local, CGNAT, ...): `10.0.0.0/8,status.internal`.
   */
  ALERTS_ALLOWED_TARGETS: z
    .string()
    .optional()
    .superRefine((value, context) => {
      try {
        parseAllowedTargets(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** Seals receiver URLs, tokens and signing secrets (AES-256-GCM); required (>= 32 characters) in production. */
  SECRETS_ENCRYPTION_KEY: z.string().min(32, 'at least 32 characters').default(DEV_SECRETS_ENCRYPTION_KEY),
  /** Earlier keys (comma-separated) that still open values sealed before a rotation (re-sealed at startup). */
  SECRETS_ENCRYPTION_KEYS_OLD: z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((key) => key.trim()).filter(Boolean)),
  /** How often the alert evaluator runs (on the instance holding its Redis lease); 0 stops it (tests call evaluate). */
  ALERTS_EVAL_INTERVAL_MS: z.coerce.number().int().min(0).default(15_000),
  /** How often the outbox is rescanned for rows not yet queued (after a crash between commit and enqueue). */
  ALERTS_OUTBOX_SCAN_MS: z.coerce.number().int().min(100).default(5_000),
  /** Delivery attempts per notification (exponential backoff with jitter, capped at an hour: about a day in all). */
  ALERTS_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(30),
  /** First retry delay; doubles per attempt up to an hour. */
  ALERTS_RETRY_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  /** How long app_logs rows are kept (pruned hourly). */
  APP_LOGS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  /** Test fault point: `exit-after-commit` kills the process (SIGKILL) between an outbox commit and its enqueue. */
  ALERTS_TEST_FAULT: z.enum(['none', 'exit-after-commit']).default('none'),
}).superRefine((config, context) => {
  if (config.NODE_ENV === 'production' && config.SECRETS_ENCRYPTION_KEY === DEV_SECRETS_ENCRYPTION_KEY) {
    context.addIssue({ code: 'custom', path: ['SECRETS_ENCRYPTION_KEY'], message: 'must be set to at least 32 random characters in production' });
  }
  if (config.NODE_ENV === 'production' && config.ALERTS_TEST_FAULT !== 'none') {
    context.addIssue({ code: 'custom', path: ['ALERTS_TEST_FAULT'], message: 'is for tests only' });
  }
});

export type MonitoringConfig = z.infer<typeof MonitoringConfigSchema>;

export const loadMonitoringConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('monitoring', MonitoringConfigSchema, env);
