import { baseConfigSchema, loadConfig } from '@castline/platform';
import { z } from 'zod';

export const TrafficLoggerConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3006),
  /** nginx's JSON access log (NGINX_ACCESS_LOG): tailed for requests and live viewers. Unset: nothing is tailed. */
  TRAFFIC_ACCESS_LOG: z.string().min(1).optional(),
  /** A viewer fetched a segment within this many seconds. */
  TRAFFIC_VIEWER_WINDOW_S: z.coerce.number().int().min(1).max(600).default(30),
  /** How often `traffic.viewers` is published. */
  TRAFFIC_VIEWERS_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** How often the tailer looks for new lines when idle. */
  TRAFFIC_TAIL_POLL_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  /** After a rename, nginx workers write to the old file until they reopen: it is drained this long. */
  TRAFFIC_ROTATE_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** The tail lease (one tailer per file): a crashed holder's file is taken over after this. */
  TRAFFIC_TAIL_LEASE_MS: z.coerce.number().int().min(1_000).max(300_000).default(10_000),
});

export type TrafficLoggerConfig = z.infer<typeof TrafficLoggerConfigSchema>;

export const loadTrafficLoggerConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('traffic-logger', TrafficLoggerConfigSchema, env);
