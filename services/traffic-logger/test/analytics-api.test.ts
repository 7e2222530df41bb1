import { request as httpRequest } from 'node:http';
import { withPgClient } from '@castline/db';
import { Jobs } from '@castline/platform';
import {
  ADMIN,
  bearer,
  createTestDatabase,
  inProcessServiceEnv,
  login,
  redisKeyPrefix,
  type ServiceProcess,
  spawnService,
  startTestGateway,
  type TestDatabase,
  type TestGateway,
  userWithRole,
} from '@castline/testkit';
import { ROLLUPS_SCHEDULER } from '../src/rollups/rollups.worker';
import { PostgresTrafficStore } from '../src/store/postgres-traffic-store';
import type { EventRow } from '../src/store/traffic-store';

/**
 * GET /api/v1/analytics/* through the real gateway and traffic-logger (its own database, so it can be taken
 * down alone): figures from the rollups, every bad input refused with the field named, 503 when the store is
 * down, the SSE live feed of stored events.
 */
let gateway: TestGateway;
let storeDatabase: TestDatabase;
let service: ServiceProcess;
let store: PostgresTrafficStore;
let viewerToken: string;
let adminToken: string;
let siteId: string;
const prefix = redisKeyPrefix('traffic-analytics');
const origin = 'https://www.example.com';

beforeAll(async () => {
  gateway = await startTestGateway('traffic-analytics');
  storeDatabase = await createTestDatabase('traffic-analytics-store');
  service = await spawnService('traffic-logger', { ...inProcessServiceEnv(storeDatabase.url), REDIS_KEY_PREFIX: prefix });
  store = new PostgresTrafficStore(storeDatabase.url);
  adminToken = (await login(gateway.app, ADMIN.email, ADMIN.password)).accessToken;
  viewerToken = (await userWithRole(gateway.app, adminToken, 'viewer')).accessToken;
  const created = await gateway.app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: bearer(adminToken),
    payload: { name: 'Example', domain: 'www.example.com', allowedOrigins: [origin] },
  });
  expect(created.statusCode).toBe(201);
  siteId = created.json<{ id: string }>().id;
}, 60_000);

afterAll(async () => {
  await store?.close();
  await service?.stop();
  await gateway?.close();
  await storeDatabase?.drop();
});

const get = (url: string, token = viewerToken) => gateway.app.inject({ method: 'GET', url, headers: bearer(token) });

const pageView = (visitorId: string, ts: Date, path: string, country: string | null): EventRow => ({
  ts, id: crypto.randomUUID(), siteId, sessionId: crypto.randomUUID(), visitorId, name: 'page_view', hostname: 'www.example.com', path,
  query: null, referrerDomain: null, utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, clickId: null,
  props: {}, isBot: false, browser: 'Firefox', os: 'Linux', device: 'desktop', country,
});

it('answers summary, series, top and live from the rollups the scheduler keeps', async () => {
  const jobs = new Jobs({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix });
  expect(await jobs.queue('traffic-rollups').nextRun(ROLLUPS_SCHEDULER)).toBeInstanceOf(Date);
  await jobs.onApplicationShutdown();

  const now = new Date();
  await store.writeEvents([pageView('v1', now, '/', 'FR'), pageView('v1', now, '/', 'FR'), pageView('v2', now, '/news', 'DE')], []);
  // What the minutely job runs (not waited for here).
  await store.rebuildRollups(new Date(now.getTime() - 7_200_000), new Date(now.getTime() + 3_600_000));

  const summary = await get(`/api/v1/analytics/summary?site=${siteId}&range=7d`);
  expect(summary.statusCode).toBe(200);
  expect(summary.json()).toMatchObject({ current: { visitors: 2, pageviews: 3 }, previous: { visitors: 0, pageviews: 0, bounceRate: null } });
  const series = await get(`/api/v1/analytics/series?site=${siteId}&range=7d`);
  expect(series.json()).toMatchObject({ interval: 'day' });
  expect(series.json().points).toHaveLength(7);
  expect(series.json().points.at(-1)).toMatchObject({ visitors: 2, pageviews: 3 });
  const top = await get(`/api/v1/analytics/top?site=${siteId}&range=today&dimension=country&limit=1`);
  expect(top.json()).toMatchObject({ items: [{ value: 'FR', pageviews: 2, visitors: 1 }], others: { pageviews: 1, visitors: 1 } });
  expect((await get(`/api/v1/analytics/live?site=${siteId}`)).json()).toMatchObject({ visitors: 2, windowSeconds: 300 });
  const channel = await get('/api/v1/analytics/channel-viewers?slug=news');
  expect(channel.json().points).toHaveLength(1_440);
});

it('refuses bad input with 400 naming the field', async () => {
  const cases: Array<[string, string]> = [
    [`site=${siteId}&range=custom&from=2026-01-01&to=2026-06-01`, 'from'],
    [`site=${siteId}&range=custom&from=2026-02-30&to=2026-03-01`, 'from'],
    [`site=${siteId}&range=custom&from=2026-03-02&to=2026-03-01`, 'to'],
    [`site=${siteId}&range=custom&from=2026-03-01`, 'to'],
    [`site=${siteId}&range=year`, 'range'],
    ["site=1'%20OR%20'1'='1&range=7d", 'site'],
  ];
  for (const [query, field] of cases) {
    const response = await get(`/api/v1/analytics/summary?${query}`);
    expect({ query, status: response.statusCode, code: response.json().error.code, fields: response.json().error.details.fields.map((entry: { path: string }) => entry.path) }).toEqual({
      query,
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [field],
    });
  }
  const dimension = await get(`/api/v1/analytics/top?site=${siteId}&dimension=password&limit=1000`);
  expect(dimension.json().error.details.fields.map((entry: { path: string }) => entry.path).sort()).toEqual(['dimension', 'limit']);
  expect((await get('/api/v1/analytics/channel-viewers')).statusCode).toBe(400);
});

it('streams stored events of the site as server-sent events', async () => {
  const stream = await gateway.app.inject({ method: 'GET', url: `/api/v1/analytics/live/stream?site=${siteId}`, headers: bearer(viewerToken), payloadAsStream: true });
  expect(stream.headers['content-type']).toContain('text/event-stream');
  const body = stream.stream();
  let text = '';
  const received = new Promise<void>((resolve) => {
    body.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('event: traffic')) resolve();
    });
  });
  const collected = await collect({ site: siteId, name: 'page_view', url: 'https://www.example.com/live?utm_source=nl' });
  expect(collected).toBe(202);
  await received;
  body.destroy();
  expect(text).toContain('"path":"/live"');
  expect(text).not.toContain('visitor');
});

it('answers 503 STORE_UNAVAILABLE while Postgres refuses the store, and recovers', async () => {
  const name = new URL(storeDatabase.url).pathname.slice(1);
  const admin = new URL(storeDatabase.url);
  admin.pathname = '/postgres';
  await withPgClient(admin.toString(), async (client) => {
    await client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  });
  try {
    const down = await get(`/api/v1/analytics/summary?site=${siteId}`);
    // Within the RPC's 3 s (a later answer would be 504 UPSTREAM_TIMEOUT).
    expect({ status: down.statusCode, code: down.json().error.code }).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
  } finally {
    await withPgClient(admin.toString(), (client) => client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
  }
  expect((await get(`/api/v1/analytics/summary?site=${siteId}`)).statusCode).toBe(200);
});

/** POST /api/v1/collect on the traffic-logger itself, with the site's Origin. */
function collect(event: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify(event);
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${service.url}/api/v1/collect`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'content-length': Buffer.byteLength(body) },
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(body);
  });
}
