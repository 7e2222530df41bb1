import { randomUUID } from 'node:crypto';
import { createPrismaClient } from '@castline/db';
import { eventually, type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { Redis } from 'ioredis';
import { PostgresTrafficStore } from '../src/store/postgres-traffic-store';
import { TRAFFIC_STORE } from '../src/store/store.provider';
import type { TrafficStore } from '../src/store/traffic-store';
import { startTrafficLogger } from '../src/traffic-logger-app';

/** POST /api/v1/collect on the traffic-logger: every refusal with its code and nothing stored, then real events. */
let harness: ServiceHarness;
let store: PostgresTrafficStore;
let redis: Redis;
const site = { id: randomUUID(), origin: 'https://tv.example.com' };
const other = { id: randomUUID(), origin: 'https://other.example.org' };
const cookieSite = { id: randomUUID(), origin: 'https://cookie.example.net' };
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const LIMIT = 12;
const SPILL_MAX = 50;

beforeAll(async () => {
  harness = await startServiceHarness('traffic-collect', startTrafficLogger, { TRAFFIC_COLLECT_PER_MINUTE: String(LIMIT), TRAFFIC_SPILL_MAX: String(SPILL_MAX), TRAFFIC_SPILL_DRAIN_MS: '50', TRAFFIC_BOT_ROWS_PER_MINUTE: '2' });
  const prisma = createPrismaClient(harness.databaseUrl);
  await prisma.site.createMany({
    data: [
      { id: site.id, domain: 'tv.example.com', name: 'TV', allowedOrigins: [site.origin] },
      { id: other.id, domain: 'other.example.org', name: 'Other', allowedOrigins: [other.origin] },
      { id: cookieSite.id, domain: 'cookie.example.net', name: 'Cookie', allowedOrigins: [cookieSite.origin], useCookie: true },
    ],
  });
  await prisma.$disconnect();
  store = new PostgresTrafficStore(harness.databaseUrl);
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: harness.redisKeyPrefix });
});

afterAll(async () => {
  redis?.disconnect();
  await store?.close();
  await harness?.close();
});

const event = (overrides: Record<string, unknown> = {}) => ({ site: site.id, name: 'page_view', url: 'https://tv.example.com/live?utm_source=nl', ...overrides });

const post = (payload: unknown, headers: Record<string, string> = {}, remoteAddress = '203.0.113.10') =>
  harness.app.inject({
    method: 'POST',
    url: '/api/v1/collect',
    remoteAddress,
    headers: { 'content-type': 'text/plain', origin: site.origin, 'user-agent': CHROME, ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const stored = async (siteId = site.id) => {
  const from = new Date(Date.now() - 3_600_000);
  const to = new Date(Date.now() + 3_600_000);
  return { events: await store.eventsOf(siteId, from, to), sessions: await store.sessionsOf(siteId, from, to) };
};

describe('refusals: a clear code, nothing stored', () => {
  const cases: Array<[string, () => ReturnType<typeof post>, number, string]> = [
    ['not JSON', () => post('{"site": '), 400, 'INVALID_PAYLOAD'],
    ['broken JSON sent as application/json', () => post('{"site": ', { 'content-type': 'application/json' }), 400, 'INVALID_PAYLOAD'],
    ['an application/json body that is not an event', () => post('"x"', { 'content-type': 'application/json; charset=utf-8' }), 400, 'INVALID_PAYLOAD'],
    ['JSON that is not an event', () => post([1, 2]), 400, 'INVALID_PAYLOAD'],
    ['a missing url', () => post(event({ url: undefined })), 400, 'INVALID_PAYLOAD'],
    ['a javascript: url', () => post(event({ url: 'javascript:alert(1)' })), 400, 'INVALID_PAYLOAD'],
    ['a bad event name', () => post(event({ name: 'drop table;' })), 400, 'INVALID_PAYLOAD'],
    ['an unknown field', () => post(event({ extra: 1 })), 400, 'INVALID_PAYLOAD'],
    ['nested props', () => post(event({ props: { a: { b: 1 } } })), 400, 'INVALID_PAYLOAD'],
    ['over 8 KiB', () => post(event({ props: { big: 'x'.repeat(200) }, referrer: 'https://a.example/' + 'y'.repeat(8_300) })), 413, 'PAYLOAD_TOO_LARGE'],
    ['an unknown site', () => post(event({ site: randomUUID() })), 404, 'UNKNOWN_SITE'],
    ['no Origin', () => post(event(), { origin: '' }), 403, 'ORIGIN_NOT_ALLOWED'],
    ['a foreign Origin', () => post(event(), { origin: 'https://evil.example' }), 403, 'ORIGIN_NOT_ALLOWED'],
    ["another site's Origin", () => post(event(), { origin: other.origin }), 403, 'ORIGIN_NOT_ALLOWED'],
  ];
  it.each(cases)('%s', async (_name, send, status, code) => {
    const response = await send();
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error: { code } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(await stored()).toEqual({ events: [], sessions: [] });
  });
});

describe('accepted events', () => {
  it('stores a page view with a session_start, attribution and the parsed browser; CORS echoes the Origin', async () => {
    const response = await post(event({ referrer: 'https://www.google.co.uk/search?q=tv' }));
    expect(response.statusCode).toBe(202);
    expect(response.headers['access-control-allow-origin']).toBe(site.origin);
    expect(response.headers.vary).toBe('Origin');
    const { events, sessions } = await stored();
    expect(events.map((e) => e.name).sort()).toEqual(['page_view', 'session_start']);
    expect(events.find((e) => e.name === 'page_view')).toMatchObject({ path: '/live', query: 'utm_source=nl', utmSource: 'nl', referrerDomain: 'google.co.uk', browser: 'Chrome', os: 'Windows', isBot: false });
    expect(sessions).toEqual([expect.objectContaining({ pageviews: 1, events: 1, entryPath: '/live', exitPath: '/live', utmSource: 'nl' })]);
    expect(JSON.stringify(await stored())).not.toContain('203.0.113.10');
  });

  it('counts two reloads as page views of the same visitor and session, and stores a custom event with its props', async () => {
    await post(event());
    await post(event({ url: 'https://tv.example.com/schedule' }));
    expect((await post(event({ name: 'play', props: { channel: 'news', seconds: 30, hd: true, note: null } }))).statusCode).toBe(202);
    const { events, sessions } = await stored();
    expect(events.filter((e) => e.name === 'page_view')).toHaveLength(3);
    expect(new Set(events.map((e) => e.visitorId)).size).toBe(1);
    expect(events.filter((e) => e.name === 'session_start')).toHaveLength(1);
    expect(events.find((e) => e.name === 'play')!.props).toEqual({ channel: 'news', seconds: 30, hd: true, note: null });
    expect(sessions).toEqual([expect.objectContaining({ pageviews: 3, events: 4, entryPath: '/live', exitPath: '/schedule' })]);
  });

  it('is another visitor from another IP, and a new session after 30 idle minutes', async () => {
    await post(event(), {}, '198.51.100.20');
    // 30 idle minutes: the session key expired.
    const keys = await redis.keys(`${harness.redisKeyPrefix}traffic:session:${site.id}:*`);
    for (const key of keys) await redis.del(key.slice(harness.redisKeyPrefix.length));
    await post(event(), {}, '203.0.113.10');
    const { events, sessions } = await stored();
    expect(new Set(events.map((e) => e.visitorId)).size).toBe(2);
    expect(events.filter((e) => e.name === 'session_start')).toHaveLength(3);
    expect(sessions).toHaveLength(3);
  });

  it('answers 429 RATE_LIMITED with Retry-After once an IP sends more than the limit in a minute', async () => {
    const ip = '192.0.2.77';
    const before = (await stored()).events.length;
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof post>> | undefined;
    for (let index = 0; index < LIMIT + 2; index += 1) {
      const response = await post(event(), {}, ip);
      statuses.push(response.statusCode);
      if (response.statusCode === 429) limited ??= response;
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
    expect(limited!.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    const accepted = statuses.filter((status) => status === 202).length;
    // Each accepted event stored (plus one session_start); refused ones nothing.
    expect((await stored()).events.length).toBe(before + accepted + 1);
  });

  it('accepts a JSON post (application/json) like a beacon', async () => {
    const before = (await stored()).events.length;
    const response = await post(event({ name: 'json_post' }), { 'content-type': 'application/json' }, '198.51.100.42');
    expect(response.statusCode).toBe(202);
    expect((await stored()).events.length).toBe(before + 2);
  });

  it('keeps events in the Redis spill while the store cannot write (202), and drains them in order once it can', async () => {
    const live = harness.app.get<TrafficStore>(TRAFFIC_STORE);
    const write = jest.spyOn(live, 'writeEvents').mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const drain = jest.spyOn(live, 'writeSpilled').mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const before = (await stored()).events.length;
    const first = await post(event({ url: 'https://tv.example.com/first' }), {}, '198.51.100.99');
    const second = await post(event({ url: 'https://tv.example.com/second' }), {}, '198.51.100.99');
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(await redis.xlen('traffic:spill')).toBe(2);
    expect((await stored()).events.length).toBe(before);
    write.mockRestore();
    // The store answers again: a new event goes behind the waiting ones, not before them.
    expect((await post(event({ url: 'https://tv.example.com/third' }), {}, '198.51.100.99')).statusCode).toBe(202);
    expect(await redis.xlen('traffic:spill')).toBe(3);
    drain.mockRestore();
    await eventually(async () => ((await redis.xlen('traffic:spill')) === 0 ? true : undefined), 10_000);
    const { events, sessions } = await stored();
    expect(events.length).toBe(before + 4);
    const visit = sessions.find((session) => session.entryPath === '/first')!;
    expect(visit).toMatchObject({ pageviews: 3, exitPath: '/third' });
    expect(await redis.get('traffic:spill:rows')).toBeNull();
  });

  it('answers 503 INGEST_UNAVAILABLE with Retry-After once the spill holds TRAFFIC_SPILL_MAX rows, storing nothing', async () => {
    const live = harness.app.get<TrafficStore>(TRAFFIC_STORE);
    const write = jest.spyOn(live, 'writeEvents').mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const before = (await stored()).events.length;
    await redis.set('traffic:spill:rows', String(SPILL_MAX));
    const response = await post(event(), {}, '198.51.100.98');
    await redis.del('traffic:spill:rows');
    write.mockRestore();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: { code: 'INGEST_UNAVAILABLE' } });
    expect(response.headers['retry-after']).toBe('30');
    expect(await redis.xlen('traffic:spill')).toBe(0);
    expect((await stored()).events.length).toBe(before);
  });

  it('with the cookie opt-in, one cookie is one visitor whatever the IP; without it the cookie is ignored', async () => {
    const vid = 'a'.repeat(32);
    const cookieEvent = (ip: string) =>
      post({ site: cookieSite.id, name: 'page_view', url: 'https://cookie.example.net/', vid }, { origin: cookieSite.origin }, ip);
    expect((await cookieEvent('198.51.100.71')).statusCode).toBe(202);
    expect((await cookieEvent('198.51.100.72')).statusCode).toBe(202);
    expect(new Set((await stored(cookieSite.id)).events.map((e) => e.visitorId)).size).toBe(1);
    const before = new Set((await stored()).events.map((e) => e.visitorId));
    await post(event({ vid }), {}, '198.51.100.73');
    await post(event({ vid }), {}, '198.51.100.74');
    const after = new Set((await stored()).events.map((e) => e.visitorId));
    expect(after.size).toBe(before.size + 2);
    expect((await post(event({ vid: 'not-hex' }), {}, '198.51.100.75')).statusCode).toBe(400);
  });

  it('stores a bot flood up to TRAFFIC_BOT_ROWS_PER_MINUTE flagged events per IP and minute, then only counts it', async () => {
    const before = (await stored()).events.filter((e) => e.isBot).length;
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await post(event({ name: 'crawl' }), { 'user-agent': 'curl/8.5.0' }, '192.0.2.200')).statusCode);
    expect(statuses).toEqual([202, 202, 202, 202]);
    // The first flagged call also brings its session_start: 2 calls stored, 3 rows.
    expect((await stored()).events.filter((e) => e.isBot).length).toBe(before + 3);
    // Its session is flagged too, so the analytics' sessions and bounces leave it out.
    const botSessions = new Set((await stored()).events.filter((e) => e.isBot).map((e) => e.sessionId));
    expect((await stored()).sessions.filter((row) => botSessions.has(row.id)).map((row) => row.isBot)).toEqual([true]);
    const metrics = await harness.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/castline_traffic_dropped_total\{reason="bot_flood"[^}]*\} 2/);
  });

  it('serves the tracker script that posts here', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/api/v1/collect/tracker.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/javascript');
    expect(response.body).toContain("send('page_view')");
  });

  it('answers the preflight of a JSON post with the Origin, never *', async () => {
    const response = await harness.app.inject({ method: 'OPTIONS', url: '/api/v1/collect', headers: { origin: site.origin, 'access-control-request-method': 'POST' } });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(site.origin);
  });
});
