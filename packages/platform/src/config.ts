import { z } from 'zod';

/** Variables every service reads. Each service extends this with its own and validates once at start. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Lowest level shipped to monitoring's app_logs over JetStream (stdout is unchanged); `off` ships nothing. */
  LOG_SHIP_LEVEL: z.enum(['off', 'fatal', 'error', 'warn', 'info']).default('warn'),
  /** Log records kept while NATS is away; newer ones are dropped and counted (castline_log_records_dropped_total). */
  /** Per-minute request rollups (route, method, status class, latency buckets) published to monitoring. */
  API_ROLLUPS: z.enum(['on', 'off']).default('on'),
  LOG_SHIP_BUFFER: z.coerce.number().int().min(10).max(1_000_000).default(5_000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/castline'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key this process writes, so several installs (or test files) share one Redis. */
  REDIS_KEY_PREFIX: z.string().default('castline:'),
  /** May carry the credentials (`nats://user:password@host:4222`); NATS_USER/NATS_PASSWORD win over them. */
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** This process's NATS user (production: one per service, see nats/users.conf); unset: no authentication. */
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /**
   * `off` skips the checks NatsClient makes of a request before sending it and of the reply on arrival (for
   * measuring their cost; handlers still parse their requests). Default `on`.
   */
  CONTRACT_VALIDATION: z.enum(['on', 'off']).default('on'),
  /** How long SIGTERM may wait for in-flight work before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment with the service's schema. Fails with one line per problem, each naming the
 * variable, so an operator can fix a deployment from the error alone.
 */
export function loadConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // Empty strings in env files mean "not set", not "set to nothing".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return `${variable}: ${message}`;
  });
  throw new ConfigError(service, problems);
}
