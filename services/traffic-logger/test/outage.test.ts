import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrismaClient, maintenanceUrlOf, quoteIdentifier, withPgClient } from '@castline/db';
import {
  createTestDatabase,
  eventually,
  inProcessServiceEnv,
  redisKeyPrefix,
  type ServiceProcess,
  spawnService,
  startTestNats,
  type TestDatabase,
  type TestNats,
} from '@castline/testkit';
import { Redis } from 'ioredis';
import { Pool } from 'pg';

/**
 * The outage: 50,000 events from both sources (access-log lines appended to the tailed file, collect
 * POSTs over HTTP) while the test database refuses connections for 10 s (ALLOW_CONNECTIONS false +
 * pg_terminate_backend), then a SIGKILL of the traffic-logger mid-batch and a restart: exactly 45,000 request
 * rows and 5,000 events, every segment counted once in view_sessions, the spill drained to 0.
 */
// Collect stores one transaction per call (a few ms each on a busy machine), the tailer thousands of rows per
// COPY: most of the 50,000 come from the log, so the test takes a minute or two.
const LINES = 45_000;
const POSTS = 5_000;
const SEGMENT_EVERY = 10;
const OUTAGE_MS = 10_000;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const site = { id: randomUUID(), origin: 'https://outage.example.com' };

const work = mkdtempSync(path.join(tmpdir(), 'castline-traffic-outage-'));
const accessLog = path.join(work, 'access.log');
let database: TestDatabase;
let nats: TestNats;
let redis: Redis;
let pool: Pool;
let logger: ServiceProcess | undefined;
let env: Record<string, string | undefined>;
let prefix: string;

const line = (index: number, segment: boolean) =>
  JSON.stringify({
    time: new Date().toISOString(),
    msec: Date.now() / 1000,
    request_id: randomBytes(16).toString('hex'),
    host: 'tv.example.com',
    method: 'GET',
    uri: segment ? `/live/news/720p/seg_${index}.ts` : `/live/news/index.m3u8?n=${index}`,
    status: 200,
    bytes: 100,
    bytes_sent: 300,
    request_time: 0.001,
    upstream_response_time: '',
    upstream_addr: '',
    upstream_status: '',
    remote_addr: `198.51.100.${index % 200}`,
    x_forwarded_for: '',
    user_agent: CHROME,
    referer: '',
  });

const count = async (sql: string, values: unknown[] = []) => Number((await pool.query<{ count: string }>(sql, values)).rows[0]!.count);
const requestRows = () => count('SELECT count(*) FROM traffic.requests');
const eventRows = () => count(`SELECT count(*) FROM traffic.events WHERE site_id = $1 AND name = 'play'`, [site.id]);
const segmentsCounted = () => count('SELECT coalesce(sum(segments), 0) AS count FROM traffic.view_sessions');
const spillDepth = async () => ({
  rows: Number((await redis.get('traffic:spill:rows')) ?? 0),
  entries: await redis.xlen('traffic:spill'),
});

/** Appends the lines in steps over a few seconds, so the outage and the kill fall in the middle of them. */
async function writeLines(): Promise<number> {
  let segments = 0;
  for (let start = 0; start < LINES; start += 500) {
    const chunk: string[] = [];
    for (let index = start; index < start + 500; index += 1) {
      chunk.push(line(index, false));
      if (index % SEGMENT_EVERY === 0) {
        chunk.push(line(index, true));
        segments += 1;
      }
    }
    appendFileSync(accessLog, chunk.join('\n') + '\n');
    await sleep(400);
  }
  return segments;
}

/** Collect posts by a few concurrent clients; `gate` holds them (none in flight) while the service is killed. */
const gate = { open: Promise.resolve(), inFlight: 0 };
async function postEvents(): Promise<{ retried: number }> {
  let next = 0;
  let retried = 0;
  const client = async () => {
    while (next < POSTS) {
      const index = next++;
      for (;;) {
        await gate.open;
        gate.inFlight += 1;
        const response = await fetch(`${logger!.url}/api/v1/collect`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', origin: site.origin, 'user-agent': CHROME },
          body: JSON.stringify({ site: site.id, name: 'play', url: `https://outage.example.com/watch?n=${index}` }),
        }).finally(() => {
          gate.inFlight -= 1;
        });
        await response.arrayBuffer();
        if (response.status === 202) break;
        // 503 INGEST_UNAVAILABLE stores nothing: sending again is what the tracker may do.
        expect(response.status).toBe(503);
        retried += 1;
        await sleep(200);
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, client));
  return { retried };
}

async function outage(): Promise<void> {
  const name = new URL(database.url).pathname.slice(1);
  await withPgClient(maintenanceUrlOf(database.url), async (client) => {
    await client.query(`ALTER DATABASE ${quoteIdentifier(name)} ALLOW_CONNECTIONS false`);
    try {
      const until = Date.now() + OUTAGE_MS;
      while (Date.now() < until) {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await sleep(1_000);
      }
    } finally {
      await client.query(`ALTER DATABASE ${quoteIdentifier(name)} ALLOW_CONNECTIONS true`);
    }
  });
}

/** SIGKILL with no collect call in flight (its answer would be lost), lines still being appended; then a restart. */
async function killAndRestart(): Promise<void> {
  let release!: () => void;
  gate.open = new Promise((resolve) => {
    release = resolve;
  });
  while (gate.inFlight > 0) await sleep(5);
  logger!.child.kill('SIGKILL');
  await new Promise((resolve) => logger!.child.once('exit', resolve));
  logger = await spawnService('traffic-logger', env);
  release();
}

beforeAll(async () => {
  writeFileSync(accessLog, '');
  database = await createTestDatabase('traffic-outage');
  nats = await startTestNats();
  prefix = redisKeyPrefix('traffic-outage');
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: prefix });
  pool = new Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => undefined);
  const prisma = createPrismaClient(database.url);
  await prisma.site.create({ data: { id: site.id, domain: 'outage.example.com', name: 'Outage', allowedOrigins: [site.origin] } });
  await prisma.$disconnect();
  env = {
    ...inProcessServiceEnv(database.url, nats.url),
    LOG_LEVEL: 'error',
    REDIS_KEY_PREFIX: prefix,
    TRAFFIC_ACCESS_LOG: accessLog,
    TRAFFIC_TAIL_POLL_MS: '50',
    TRAFFIC_FLUSH_MS: '300',
    // Longer than a flush that waits for Postgres (the lease is renewed between batches); the restart waits it out.
    TRAFFIC_TAIL_LEASE_MS: '4000',
    TRAFFIC_SPILL_DRAIN_MS: '100',
    TRAFFIC_COLLECT_PER_MINUTE: '1000000',
    TRAFFIC_BOT_ROWS_PER_MINUTE: '1000000',
  };
  logger = await spawnService('traffic-logger', env);
}, 60_000);

afterAll(async () => {
  await logger?.stop();
  redis?.disconnect();
  await pool?.end();
  await database?.drop();
  await nats?.stop();
  rmSync(work, { recursive: true, force: true });
});

it('stores exactly 50,000 rows through a 10 s Postgres outage and a SIGKILL mid-batch, and drains the spill', async () => {
  const lines = writeLines();
  const posts = postEvents();
  await sleep(2_000);
  let deepest = 0;
  const sampler = setInterval(() => void spillDepth().then((depth) => (deepest = Math.max(deepest, depth.rows)), () => undefined), 250);
  await outage();
  clearInterval(sampler);
  // Postgres answers again: the spill is being drained (and the tailer's buffer holds a batch) when the kill comes.
  await killAndRestart();
  const segments = await lines;
  await posts;

  // Both sources went to the spill meanwhile.
  expect(deepest).toBeGreaterThan(0);
  const settled = await eventually(async () => {
    await sleep(250);
    const now = { requests: await requestRows(), events: await eventRows(), segments: await segmentsCounted(), spill: await spillDepth() };
    return now.requests >= LINES && now.events >= POSTS && now.segments >= segments && now.spill.entries === 0 ? now : undefined;
  }, 120_000);
  expect(settled).toEqual({ requests: LINES, events: POSTS, segments, spill: { rows: 0, entries: 0 } });
  // Nothing arrives late (a replayed batch would add segments or rows now).
  await sleep(2_000);
  expect({ requests: await requestRows(), events: await eventRows(), segments: await segmentsCounted() }).toEqual({ requests: LINES, events: POSTS, segments });
}, 300_000);
