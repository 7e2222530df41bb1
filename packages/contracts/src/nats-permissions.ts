import { SERVICE_NAMES } from './services';
import { Subjects } from './subjects';

/**
 * Who may publish and subscribe what on NATS, derived from `Subjects`: production gives every process its own
 * NATS user with exactly these permissions (scripts/nats-permissions.mjs renders nats/users.conf from it).
 *
 * Request/reply subjects are served by the service their first token names (`channels.*` by channels,
 * `monitoring.*` by monitoring, `<service>.health` by that service) and called by the gateway, the only
 * process that asks other services anything, except where NATS_RPC_CALLERS says otherwise. Events (published without a reply) are listed in NATS_EVENTS
 * with their publishers and subscribers; a subject in neither form fails `natsRoutes()`, so a new subject
 * cannot ship without a decision about who may use it. scripts/test/nats-usage.test.ts scans the services' code
 * and fails when a process calls, serves, publishes or receives a subject these tables do not allow it.
 */

/** A NATS identity: the seven services plus the live-channels worker (`channels` image, its own process). */
export const NATS_USERS = [...SERVICE_NAMES, 'channels-worker', 'media-worker'] as const;
export type NatsUser = (typeof NATS_USERS)[number];

type SubjectKey = keyof typeof Subjects;

/** Request/reply callers: the gateway turns REST calls into requests, unless listed here. */
const RPC_CALLERS: readonly NatsUser[] = ['gateway'];
export const NATS_RPC_CALLERS: Partial<Record<SubjectKey, NatsUser[]>> = {
  // The activity feed (monitoring) reads the gateway's audit log.
  gatewayAuditRecent: ['monitoring'],
  // Monitoring's built-in checks ask every service's health, as the gateway's GET /health does.
  health: ['gateway', 'monitoring'],
  // Attribution of a conversion by session asks the traffic-logger (300 ms deadline).
  trafficSessionsGet: ['campaigns'],
};

/** JetStream API subjects a user may request (not in `Subjects`: they belong to nats-server). */
export const NATS_JETSTREAM_API: Partial<Record<NatsUser, string[]>> = {
  // The built-in NATS check asks for the JetStream account info; the channel events consumer keeps its stream
  // and durable consumer and pulls and acks messages.
  monitoring: [
    '$JS.API.INFO',
    '$JS.API.STREAM.INFO.CHANNEL_EVENTS',
    '$JS.API.STREAM.CREATE.CHANNEL_EVENTS',
    '$JS.API.STREAM.UPDATE.CHANNEL_EVENTS',
    '$JS.API.CONSUMER.INFO.CHANNEL_EVENTS.*',
    '$JS.API.CONSUMER.CREATE.CHANNEL_EVENTS.>',
    '$JS.API.CONSUMER.DURABLE.CREATE.CHANNEL_EVENTS.*',
    '$JS.API.CONSUMER.MSG.NEXT.CHANNEL_EVENTS.*',
    '$JS.ACK.CHANNEL_EVENTS.>',
    // App logs and API metrics: the same for their streams.
    ...['APP_LOGS', 'API_METRICS'].flatMap((stream) => [
      `$JS.API.STREAM.INFO.${stream}`,
      `$JS.API.STREAM.CREATE.${stream}`,
      `$JS.API.STREAM.UPDATE.${stream}`,
      `$JS.API.CONSUMER.INFO.${stream}.*`,
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.*`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
      `$JS.ACK.${stream}.>`,
    ]),
  ],
};

/** Subjects that carry events (no reply): who publishes and who subscribes each. */
export const NATS_EVENTS: Partial<Record<SubjectKey, { publishers: NatsUser[]; subscribers: NatsUser[]; jetstream?: boolean }>> = {
  // The channels API (start/stop, reconciler) tells the worker that runs the channel; one subject per channel.
  channelControl: { publishers: ['channels'], subscribers: ['channels-worker'] },
  // Every running channel's worker, every second; the gateway relays, monitoring and channels keep the last.
  channelsMetrics: { publishers: ['channels-worker'], subscribers: ['gateway', 'monitoring', 'channels'] },
  // Status changes: written by the API (create/update/stop) and by workers (running, failed); the gateway relays.
  // Monitoring reads them through the CHANNEL_EVENTS JetStream stream (durable consumer) for alert rules.
  channelsEvents: { publishers: ['channels', 'channels-worker'], subscribers: ['gateway', 'monitoring'] },
  // One gateway replica revokes, every replica (itself included) ends that owner's live connections.
  gatewayCredentialsRevoked: { publishers: ['gateway'], subscribers: ['gateway'] },
  // The transcode worker's progress and status changes (media publishes the ones it makes); the gateway relays.
  mediaVideosProgress: { publishers: ['media', 'media-worker'], subscribers: ['gateway'] },
  // A new dashboard notification: monitoring publishes, every gateway replica pushes it to its dashboards.
  monitoringNotifications: { publishers: ['monitoring'], subscribers: ['gateway'] },
  // The running backup job's progress; the gateway relays it to the dashboard.
  backupsProgress: { publishers: ['backup'], subscribers: ['gateway'] },
  // After a restore switched the database: channels reconciles its running jobs against the restored rows.
  backupsRestored: { publishers: ['backup'], subscribers: ['channels'] },
  // Viewer counts from each access log's tailer; monitoring fills MonitoringStreams.viewers.
  trafficViewers: { publishers: ['traffic-logger'], subscribers: ['monitoring', 'gateway'] },
  // Tracker events just stored: the gateway streams them to the Analytics page (SSE live feed).
  trafficEvents: { publishers: ['traffic-logger'], subscribers: ['gateway'] },
  // Ad account paused, failing or synced again (the campaigns sync); the gateway relays to the dashboard.
  campaignsEvents: { publishers: ['campaigns'], subscribers: ['gateway'] },
  // Every process ships its warn+ log records (JetStream publish: the publisher waits for the stream's ack on
  // `_JSACK.>`); monitoring consumes them from the APP_LOGS stream.
  appLogs: { publishers: [...NATS_USERS], subscribers: ['monitoring'], jetstream: true },
  // Every service's per-minute request rollups, the same way (stream API_METRICS).
  apiMetrics: { publishers: [...SERVICE_NAMES], subscribers: ['monitoring'], jetstream: true },
  // Stored log rows: monitoring publishes, every gateway replica relays them to /api/v1/logs/stream.
  monitoringLogsStored: { publishers: ['monitoring'], subscribers: ['gateway'] },
};

export interface NatsRoute {
  /** A NATS subject; a `*` token stands for one variable token (e.g. the channel id). */
  subject: string;
  kind: 'rpc' | 'event';
  publishers: NatsUser[];
  subscribers: NatsUser[];
  /** Published to a JetStream stream with an ack: publishers wait for it on `_JSACK.>`. */
  jetstream?: boolean;
}

/** The concrete subject of a `Subjects` entry; parameterised ones get `*` for their parameter. */
function subjectsOf(key: SubjectKey): string[] {
  const value = Subjects[key] as string | ((parameter: string) => string);
  if (typeof value === 'string') return [value];
  if (key === 'health') return SERVICE_NAMES.map((service) => value(service));
  return [value('*')];
}

function rpcServer(subject: string): NatsUser {
  const owner = subject.split('.')[0] as NatsUser;
  if (!(SERVICE_NAMES as readonly string[]).includes(owner)) {
    throw new Error(`NATS subject ${subject} names no service: list it in NATS_EVENTS or rename it`);
  }
  return owner;
}

/** Every subject with its publishers and subscribers. */
export function natsRoutes(): NatsRoute[] {
  return (Object.keys(Subjects) as SubjectKey[]).flatMap((key) =>
    subjectsOf(key).map((subject): NatsRoute => {
      const event = NATS_EVENTS[key];
      if (event) return { subject, kind: 'event', publishers: event.publishers, subscribers: event.subscribers, ...(event.jetstream ? { jetstream: true } : {}) };
      return { subject, kind: 'rpc', publishers: [...(NATS_RPC_CALLERS[key] ?? RPC_CALLERS)], subscribers: [rpcServer(subject)] };
    }),
  );
}

export interface NatsUserPermissions {
  publish: string[];
  subscribe: string[];
  /** Serves requests: may publish one reply to the reply subject of each request it received. */
  respond: boolean;
}

/** Where replies arrive: nats.js and Nest's client both use `_INBOX.` inboxes. */
export const NATS_INBOX = '_INBOX.>';
/** Where JetStream publish acks arrive (platform publishToStream): not `_INBOX.`, so stream publishers see no RPC replies. */
export const NATS_STREAM_ACKS = '_JSACK.>';

/** The allow-lists of every NATS user (anything not listed is denied). */
export function natsPermissions(routes: NatsRoute[] = natsRoutes()): Record<NatsUser, NatsUserPermissions> {
  const result = Object.fromEntries(
    NATS_USERS.map((user) => [user, { publish: [], subscribe: [], respond: false }]),
  ) as unknown as Record<NatsUser, NatsUserPermissions>;
  for (const route of routes) {
    for (const user of route.publishers) result[user].publish.push(route.subject);
    for (const user of route.subscribers) {
      result[user].subscribe.push(route.subject);
      if (route.kind === 'rpc') result[user].respond = true;
    }
    // Callers wait for the reply on their own inbox.
    if (route.kind === 'rpc') for (const user of route.publishers) result[user].subscribe.push(NATS_INBOX);
    if (route.jetstream) for (const user of route.publishers) result[user].subscribe.push(NATS_STREAM_ACKS);
  }
  for (const [user, subjects] of Object.entries(NATS_JETSTREAM_API) as Array<[NatsUser, string[]]>) {
    result[user].publish.push(...subjects);
    result[user].subscribe.push(NATS_INBOX);
  }
  for (const permissions of Object.values(result)) {
    permissions.publish = [...new Set(permissions.publish)].sort();
    permissions.subscribe = [...new Set(permissions.subscribe)].sort();
  }
  return result;
}

/** The environment variable holding a NATS user's password in production (compose passes it on). */
export function natsPasswordVariable(user: NatsUser): string {
  return `NATS_${user.toUpperCase().replace(/-/g, '_')}_PASSWORD`;
}

/**
 * A nats-server config include with one user per process. Passwords are environment variables of the
 * nats-server process (`$NATS_GATEWAY_PASSWORD`), so the file holds no secret and can be committed.
 * nats-server parses a variable's value as config text: its environment must hold the password in double
 * quotes (`"7e5f..."`), or a password like `7e5f` is read as a number (docker-compose.prod.yml adds them).
 */
export function renderNatsUsersConfig(permissions = natsPermissions()): string {
  const list = (subjects: string[]) => `[${subjects.map((subject) => JSON.stringify(subject)).join(', ')}]`;
  // An empty allow list is spelled as denying everything, so no reading of `allow: []` can open it up.
  const rule = (subjects: string[]) => (subjects.length > 0 ? `{ allow: ${list(subjects)} }` : `{ deny: [">"] }`);
  const users = NATS_USERS.map((user) => {
    const { publish, subscribe, respond } = permissions[user];
    const lines = [
      `    {`,
      `      user: ${JSON.stringify(user)}`,
      `      password: $${natsPasswordVariable(user)}`,
      `      permissions: {`,
      `        publish: ${rule(publish)}`,
      `        subscribe: ${rule(subscribe)}`,
      ...(respond ? [`        allow_responses: true`] : []),
      `      }`,
      `    }`,
    ];
    return lines.join('\n');
  });
  return [
    '# Generated by scripts/nats-permissions.mjs from packages/contracts (nats-permissions.ts): do not edit.',
    '# One user per Castline process; each may publish and subscribe only the subjects it uses.',
    '# The password variables must be set in double quotes in the environment of nats-server.',
    'authorization {',
    '  users = [',
    users.join('\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}
