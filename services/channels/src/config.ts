import { LOGO_MAX_BYTES } from '@castline/contracts';
import { SOURCE_SCHEMES } from '@castline/ffmpeg';
import { baseConfigSchema, CPU_LIST, loadConfig, parseAllowedNetworks, PLAYBACK_SECRET_PATTERN } from '@castline/platform';
import { z } from 'zod';

/** Development only: production refuses to start with it. */
export const DEV_SOURCE_SECRET_KEY = 'castline-development-source-secret-key-not-for-production';

export const ChannelsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** URL schemes a channel source may use; FFmpeg gets the matching -protocol_whitelist. */
  SOURCE_SCHEMES: z
    .string()
    .default(SOURCE_SCHEMES.join(','))
    .transform((value) => value.split(',').map((scheme) => scheme.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(SOURCE_SCHEMES)).min(1)),
  /**
   * Key of the sealed source URLs (their user info, stream keys, tokens): any string of at least 32
   * characters, the same for the service and its workers. Required in production; elsewhere a fixed
   * development key is used so `npm start` and the tests need nothing.
   */
  SOURCE_SECRET_KEY: z.string().min(32, 'at least 32 characters').default(DEV_SOURCE_SECRET_KEY),
  /**
   * Networks sources may reach although they are loopback, private, link-local, CGNAT... (comma-separated
   * CIDRs; `scheme:CIDR` limits one to a scheme, e.g. `udp:127.0.0.1/32`). Unset: only public unicast and
   * multicast addresses. `npm start` sets `udp:127.0.0.1/32` for its demo source.
   */
  SOURCE_ALLOWED_NETWORKS: z
    .string()
    .optional()
    .superRefine((value, context) => {
      try {
        parseAllowedNetworks(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** srt:// sources may use mode=listener/rendezvous (FFmpeg then opens a listening socket). */
  SOURCE_ALLOW_LISTENER: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Where logos are stored; FFmpeg reads them from here, and nothing outside it. */
  UPLOADS_DIR: z.string().default('data/uploads'),
  LOGO_MAX_BYTES: z.coerce.number().int().positive().max(LOGO_MAX_BYTES).default(LOGO_MAX_BYTES),
  LOGO_MAX_SIDE: z.coerce.number().int().min(16).max(4096).default(2048),
  /** Where running channels write their HLS output (<HLS_ROOT>/<slug>/index.m3u8); a tmpfs. */
  HLS_ROOT: z.string().default('/dev/shm/castline/hls'),
  /**
   * Shared with nginx (secure_link) to sign playback URLs of `signed` channels. Required in production; elsewhere
   * signed playback is refused while it is unset (a random one would not match nginx's).
   */
  PLAYBACK_SIGNING_SECRET: z
    .string()
    .regex(PLAYBACK_SECRET_PATTERN, 'letters, digits and _.~+/=- only (it is written into the nginx config)')
    .optional(),
  /** How long a signed playback URL stays valid. */
  PLAYBACK_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
  /** Channels one worker process runs at once (BullMQ concurrency). */
  WORKER_SLOTS: z.coerce.number().int().min(1).max(256).default(4),
  /** Cores a worker process and its FFmpegs run on, as a taskset list ("18-85", "2,4-7"); unset: all cores. */
  WORKER_CPUS: z.string().regex(CPU_LIST, 'a CPU list such as 18-85 or 2,4-7').optional(),
  /** Port of a worker process's /metrics, /healthz and /health; 0 (default) takes any free port and logs it. */
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Seconds a silent or stalled source may block a read before FFmpeg gives up (a network failure). */
  INPUT_TIMEOUT_SECONDS: z.coerce.number().positive().max(120).default(5),
  /** While a channel runs on a backup source, how often the primary is probed to switch back. */
  PRIMARY_PROBE_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** Stall watchdog: FFmpeg is restarted after this long without a progress report... */
  STALL_PROGRESS_MS: z.coerce.number().int().min(100).default(15_000),
  /** ...or this long without a new segment in its playlist. */
  STALL_SEGMENT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Restart policy: at most RESTART_MAX automatic restarts in RESTART_WINDOW_MS, RESTART_COOLDOWN_MS apart. */
  RESTART_MAX: z.coerce.number().int().min(0).default(5),
  RESTART_WINDOW_MS: z.coerce.number().int().positive().default(600_000),
  RESTART_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  /** Crash loop (RESTART_MAX in RESTART_WINDOW_MS): wait RESTART_COOLDOWN_MS, doubling up to this, before each further try. */
  RESTART_BACKOFF_MAX_MS: z.coerce.number().int().min(0).default(300_000),
  /** A source that cannot be opened this many times in a row puts the channel in `waiting` (for its source). */
  SOURCE_OPEN_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  /** While `waiting`, the source is probed after 5 s, then ever more slowly up to this interval. */
  SOURCE_PROBE_MAX_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * Live FFmpeg's CPU priority (nice, and its session's autogroup nice). 0: live ranks with the services and
   * above VOD transcodes (MEDIA_FFMPEG_NICE 19); at 19 a live channel starved behind any nice-0 work on the host
   * (bench:vod). Raise it to favour the services' latency when encoders fill the CPU.
   */
  FFMPEG_NICE: z.coerce.number().int().min(0).max(19).default(0),
  /** How often the channels service reconciles desiredState with the queue (one replica at a time, by a Redis lease). */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** A channel does not start while HLS_ROOT has less free space than this. */
  HLS_MIN_FREE_BYTES: z.coerce.number().int().min(0).default(256 * 1024 * 1024),
  /** How often a worker grabs a JPEG of each running channel's newest segment (GET /channels/:id/thumbnail). */
  THUMBNAIL_INTERVAL_MS: z.coerce.number().int().min(500).default(5_000),
}).superRefine((config, context) => {
  if (config.NODE_ENV !== 'production') return;
  if (!config.PLAYBACK_SIGNING_SECRET || config.PLAYBACK_SIGNING_SECRET.length < 32) {
    context.addIssue({
      code: 'custom',
      path: ['PLAYBACK_SIGNING_SECRET'],
      message: 'must be set to at least 32 random characters in production (the same value as nginx)',
    });
  }
  if (config.SOURCE_SECRET_KEY === DEV_SOURCE_SECRET_KEY) {
    context.addIssue({ code: 'custom', path: ['SOURCE_SECRET_KEY'], message: 'must be set to at least 32 random characters in production' });
  }
});

export type ChannelsConfig = z.infer<typeof ChannelsConfigSchema>;

export const loadChannelsConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig('channels', ChannelsConfigSchema, env);
