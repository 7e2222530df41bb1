import { baseConfigSchema, loadConfig, parseAllowedTargets } from '@castline/platform';
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
});

export type MonitoringConfig = z.infer<typeof MonitoringConfigSchema>;

export const loadMonitoringConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('monitoring', MonitoringConfigSchema, env);
