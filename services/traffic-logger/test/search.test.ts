import { randomUUID } from 'node:crypto';
import { Rpc, type RpcRequest, type TrafficSearchFiltersInput, type TrafficSearchRow } from '@castline/contracts';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { Pool } from 'pg';
import { ipHashOf, utmColumnsOf } from '../src/pipeline/access-rows';
import { buildSearchQuery } from '../src/search/search-query';
import { searchError } from '../src/search/search.service';
import { StoreUnavailableError } from '../src/store/traffic-store';
import { PostgresTrafficStore } from '../src/store/postgres-traffic-store';
import { startTrafficLogger } from '../src/traffic-logger-app';

/**
 * traffic-logger.search.* over NATS on real Postgres: every filter, the keyset walk, refusals naming their
 * field, SQL injection staying literal, history, saved searches, the journey, the timeout and the count cap.
 */
const SECRET = 'search-test-ip-secret-0123456789abcdef';
const caller = { owner: randomUUID(), canSeeIp: false };
const base = Date.parse('2026-11-20T12:00:00.000Z');
const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
const RANGE = { from: at(-60), to: at(24 * 60) };
let harness: ServiceHarness;
let pool: Pool;

interface Fixture {
  id: string;
  minutes: number;
  ip?: string;
  method?: string;
  path?: string;
  query?: string | null;
  status?: number;
  ms?: number;
  host?: string;
  country?: string | null;
  device?: string | null;
  browser?: string | null;
  os?: string | null;
  bot?: boolean;
  referer?: string | null;
  slug?: string | null;
  channelId?: string | null;
}

const CHANNEL_ID = randomUUID();
const NASTY = `'; DROP TABLE traffic.requests; --`;
const FIXTURES: Fixture[] = [
  { id: 'r01', minutes: 0, ip: '203.0.113.7', path: '/live/news/index.m3u8', slug: 'news', country: 'DE', device: 'desktop', browser: 'Chrome', os: 'Windows' },
  { id: 'r02', minutes: 1, ip: '203.0.113.8', path: '/api/v1/channels', method: 'POST', status: 201, ms: 40, country: 'FR', device: 'mobile', browser: 'Mobile Safari', os: 'iOS' },
  { id: 'r03', minutes: 2, ip: '198.51.100.1', path: '/wp-login.php', status: 404, bot: true, country: 'US', browser: null, device: null, os: null },
  { id: 'r04', minutes: 3, ip: '203.0.113.7', path: '/live/_signed/x', channelId: CHANNEL_ID, status: 403, ms: 900 },
  { id: 'r05', minutes: 4, ip: '2001:db8::1', path: '/news/100%_real', query: 'utm_source=news%20letter&utm_campaign=winter', referer: 'https://www.google.com/search?q=tv', country: 'DE' },
  { id: 'r06', minutes: 5, ip: '192.0.2.1', path: '/news/100x_real', query: 'utm_source=newsletter', status: 502, ms: 3000, host: 'Other.Example' },
  { id: 'r07', minutes: 6, ip: '192.0.2.2', path: `/search/${NASTY}`, query: `q=${NASTY}`, referer: NASTY, status: 500 },
];

async function insertRequests(fixtures: Fixture[]): Promise<void> {
  for (const f of fixtures) {
    await pool.query(
      `INSERT INTO traffic.requests (ts, request_id, host, method, path, query, status, body_bytes, bytes_sent, request_time_ms, ip, ip_hash,
        user_agent, referer, channel_slug, channel_id, is_bot, browser, os, device, country, utm_source, utm_campaign)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 10, 100, $8, NULL, $9, 'UA', $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [
        at(f.minutes), f.id, f.host ?? 'tv.example.com', f.method ?? 'GET', f.path ?? '/', f.query ?? null, f.status ?? 200, f.ms ?? 5,
        f.ip ? ipHashOf(SECRET, f.ip) : null, f.referer ?? null, f.slug ?? null, f.channelId ?? null, f.bot ?? false,
        f.browser === undefined ? 'Firefox' : f.browser, f.os === undefined ? 'Linux' : f.os, f.device === undefined ? 'desktop' : f.device,
        f.country === undefined ? 'NL' : f.country,
        // As ingest parses them (pipeline/access-rows).
        utmColumnsOf(f.query ?? null).utmSource, utmColumnsOf(f.query ?? null).utmCampaign,
      ],
    );
  }
}

const search = (filters: TrafficSearchFiltersInput, extra: Partial<RpcRequest<typeof Rpc.trafficSearch.run>> = {}) =>
  harness.call(Rpc.trafficSearch.run, { filters: { ...RANGE, ...filters }, caller, ...extra });
const ids = (items: TrafficSearchRow[]) => items.map((item) => item.id);

beforeAll(async () => {
  harness = await startServiceHarness('traffic-search', startTrafficLogger, { TRAFFIC_IP_SECRET: SECRET, TRAFFIC_INTERNAL_PORT: '0' });
  pool = new Pool({ connectionString: harness.databaseUrl, max: 2 });
  await insertRequests(FIXTURES);
});

afterAll(async () => {
  await pool?.end();
  await harness?.close();
});

describe('filters', () => {
  const cases: Array<[string, TrafficSearchFiltersInput, string[]]> = [
    ['none (newest first)', {}, ['r07', 'r06', 'r05', 'r04', 'r03', 'r02', 'r01']],
    ['an exact IP, through its HMAC', { ip: '203.0.113.7' }, ['r04', 'r01']],
    ['an IPv6 address in another spelling', { ip: '2001:0DB8:0:0::1' }, ['r05']],
    ['method', { method: ['POST'] }, ['r02']],
    ['a status code', { status: ['404'] }, ['r03']],
    ['a status class and a range', { status: ['4xx', '500-501'] }, ['r07', 'r04', 'r03']],
    ['host, any case', { host: 'other.example' }, ['r06']],
    ['path prefix', { path: '/live/' }, ['r04', 'r01']],
    ['path contains, % and _ literal', { path: '100%_', pathMatch: 'contains' }, ['r05']],
    ['path exact', { path: '/wp-login.php', pathMatch: 'exact' }, ['r03']],
    ['countries', { country: ['de', 'FR'] }, ['r05', 'r02', 'r01']],
    ['device', { device: ['mobile'] }, ['r02']],
    ['browser, any case', { browser: 'mobile safari' }, ['r02']],
    ['os', { os: 'windows' }, ['r01']],
    ['bots only', { bot: 'yes' }, ['r03']],
    ['people only', { bot: 'no', country: ['US', 'FR'] }, ['r02']],
    ['referrer contains', { referrer: 'google.com' }, ['r05']],
    ['utm_source, decoded and whole', { utmSource: 'news letter' }, ['r05']],
    ['utm_source, not a prefix', { utmSource: 'news' }, []],
    ['utm_campaign', { utmCampaign: 'winter' }, ['r05']],
    ['response time range', { minResponseMs: 800, maxResponseMs: 3000 }, ['r06', 'r04']],
    ['channel by slug', { channel: 'news' }, ['r01']],
    ['channel by id', { channel: CHANNEL_ID }, ['r04']],
    ['a time range', { from: at(2), to: at(4) }, ['r04', 'r03']],
    ['injection in path stays a literal', { path: NASTY, pathMatch: 'contains' }, ['r07']],
    ['injection in referrer stays a literal', { referrer: NASTY }, ['r07']],
    ['injection in host', { host: NASTY }, []],
    ['injection in browser, os, utm', { browser: NASTY, os: `x' OR '1'='1`, utmSource: NASTY }, []],
    ['injection in channel', { channel: `news' OR 1=1 --` }, []],
  ];
  it.each(cases)('%s', async (_name, filters, expected) => {
    const page = await search(filters);
    expect(ids(page.items)).toEqual(expected);
    expect(page.count).toEqual({ value: expected.length, capped: false });
  });

  it('leaves the table whole after the injection attempts', async () => {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM traffic.requests');
    expect(rows[0].n).toBe(FIXTURES.length);
  });

  it('answers rows in the one shape, the raw IP withheld', async () => {
    const page = await search({ ip: '2001:db8::1' });
    expect(page.items[0]).toMatchObject({
      id: 'r05', source: 'requests', ts: '2026-11-20T12:04:00.000000Z', host: 'tv.example.com', method: 'GET', path: '/news/100%_real',
      status: 200, ip: null, referrer: 'https://www.google.com/search?q=tv', utmSource: 'news letter', utmCampaign: 'winter', isBot: false,
    });
  });
});

describe('keyset pages', () => {
  it('walks every row once, in both directions, with rows sharing a timestamp', async () => {
    const tied = Array.from({ length: 9 }, (_, index) => ({ id: `tie${index}`, minutes: 10 }));
    await insertRequests(tied);
    for (const sort of ['newest', 'oldest'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search({}, { sort, limit: 4, cursor });
        if (cursor) expect(page.count).toBeNull();
        seen.push(...ids(page.items));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      const all = ids((await search({}, { sort, limit: 500 })).items);
      expect(seen).toEqual(all);
      expect(new Set(seen).size).toBe(FIXTURES.length + tied.length);
      expect(pages).toBe(4);
    }
    await pool.query(`DELETE FROM traffic.requests WHERE request_id LIKE 'tie%'`);
  });

  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const cursors: Array<[string, string]> = [
    ['garbage', 'not a cursor!'],
    ['base64 of garbage', Buffer.from('{{{').toString('base64url')],
    ['a forged shape', forged({ v: 1, s: 'requests', o: 'newest', t: "2026-01-01'; DROP TABLE x; --", i: 'a' })],
    ['another sort', forged({ v: 1, s: 'requests', o: 'oldest', t: '2026-11-20T12:00:00.000000Z', i: 'r01' })],
    ['an events cursor with a non-uuid id', forged({ v: 1, s: 'events', o: 'newest', t: '2026-11-20T12:00:00.000000Z', i: 'r01' })],
  ];
  it.each(cursors)('refuses %s with INVALID_CURSOR', async (name, cursor) => {
    const source = name.startsWith('an events') ? 'events' : 'requests';
    await expect(search({ source }, { cursor })).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
  });
});

describe('refusals name the field', () => {
  // Schema errors (unknown fields, a bad country code) are the gateway's 400 (its validation pipe, gateway test).
  const cases: Array<[string, TrafficSearchFiltersInput, string]> = [
    ['a bad IP', { ip: '999.1.1.1' }, 'ip'],
    ['CIDR without raw addresses', { ip: '10.0.0.0/8' }, 'ip'],
    ['more than 92 days', { from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, 'to'],
    ['from after to', { from: at(10), to: at(0) }, 'from'],
    ['a reversed status range', { status: ['504-500'] }, 'status'],
    ['min over max', { minResponseMs: 10, maxResponseMs: 5 }, 'maxResponseMs'],
    ['a request filter on events', { source: 'events', status: ['200'] }, 'status'],
    ['an events filter on requests', { session: randomUUID() }, 'session'],
  ];
  it.each(cases)('%s', async (_name, filters, field) => {
    const attempt = search(filters);
    await expect(attempt).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const error = (await attempt.catch((caught: unknown) => caught)) as { details?: unknown };
    expect(error.details).toEqual({ fields: [{ path: field, message: expect.any(String) }] });
  });
});

describe('raw addresses (TRAFFIC_STORE_RAW_IP)', () => {
  it('searches CIDR blocks and exact addresses, answering the address', async () => {
    await pool.query(`UPDATE traffic.requests SET ip = $1 WHERE request_id = 'r01'`, ['203.0.113.7']);
    await pool.query(`UPDATE traffic.requests SET ip = $1 WHERE request_id = 'r05'`, ['2001:db8::1']);
    const store = new PostgresTrafficStore(harness.databaseUrl);
    const context = { storeRawIp: true, ipSecret: SECRET, canSeeIp: true, now: new Date() };
    const query = (ip: string) => buildSearchQuery({ ...RANGE, source: 'requests', pathMatch: 'prefix', ip }, { sort: 'newest', limit: 10 }, context);
    try {
      expect((await store.search(query('203.0.113.0/24'), 5_000)).hits.map((hit) => [hit.id, hit.ip])).toEqual([['r01', '203.0.113.7']]);
      expect((await store.search(query('2001:db8::/32'), 5_000)).hits.map((hit) => hit.id)).toEqual(['r05']);
      expect((await store.search(query('203.0.113.7'), 5_000)).hits.map((hit) => hit.id)).toEqual(['r01']);
      expect(() => buildSearchQuery({ ...RANGE, source: 'requests', pathMatch: 'prefix', ip: '10.0.0.0/8' }, { sort: 'newest', limit: 1 }, { ...context, canSeeIp: false })).toThrow(
        /traffic:ip/,
      );
    } finally {
      await store.close();
    }
  });
});

describe('history and saved searches', () => {
  it('keeps the last 50 first-page searches of each owner, newest first', async () => {
    const owner = { owner: randomUUID(), canSeeIp: false };
    for (let index = 0; index < 53; index += 1) {
      await harness.call(Rpc.trafficSearch.run, { filters: { ...RANGE, path: `/p${index}` }, caller: owner, limit: 1 });
    }
    const { items } = await harness.call(Rpc.trafficSearch.history, { caller: owner });
    expect(items).toHaveLength(50);
    expect(items[0]!.filters.path).toBe('/p52');
    expect(items[49]!.filters.path).toBe('/p3');
    expect((await harness.call(Rpc.trafficSearch.history, { caller })).items.length).toBeGreaterThan(0);
    expect(await harness.call(Rpc.trafficSearch.historyClear, { caller: owner })).toEqual({ cleared: 50 });
  });

  it('saves, lists and deletes per owner; refuses filters that would not search', async () => {
    const saved = await harness.call(Rpc.trafficSearch.savedCreate, { name: '5xx on news', filters: { ...RANGE, status: ['5xx'] }, caller });
    const other = { owner: randomUUID(), canSeeIp: false };
    expect((await harness.call(Rpc.trafficSearch.savedList, { caller })).items.map((item) => item.name)).toEqual(['5xx on news']);
    expect((await harness.call(Rpc.trafficSearch.savedList, { caller: other })).items).toEqual([]);
    await expect(harness.call(Rpc.trafficSearch.savedDelete, { id: saved.id, caller: other })).rejects.toMatchObject({ status: 404 });
    await expect(
      harness.call(Rpc.trafficSearch.savedCreate, { name: 'bad', filters: { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, caller }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await harness.call(Rpc.trafficSearch.savedDelete, { id: saved.id, caller })).toEqual({ deleted: true });
    expect((await harness.call(Rpc.trafficSearch.savedList, { caller })).items).toEqual([]);
  });
});

describe('tracker events and the journey', () => {
  const session = randomUUID();
  const site = randomUUID();
  beforeAll(async () => {
    await pool.query(
      `INSERT INTO traffic.sessions (started_at, id, site_id, visitor_id, last_seen, pageviews, events, entry_path, exit_path, country)
       VALUES ($1, $2, $3, 'v1', $4, 2, 3, '/', '/pricing', 'DE')`,
      [at(0), session, site, at(5)],
    );
    const events: Array<[number, string, string]> = [[0, 'session_start', '/'], [0, 'page_view', '/'], [3, 'signup', '/'], [5, 'page_view', '/pricing']];
    for (const [minutes, name, path] of events) {
      await pool.query(
        `INSERT INTO traffic.events (ts, id, site_id, session_id, visitor_id, name, hostname, path, utm_source) VALUES ($1, $2, $3, $4, 'v1', $5, 'shop.example', $6, 'nl')`,
        [at(minutes), randomUUID(), site, session, name, path],
      );
    }
  });

  it('searches events by session, name and utm', async () => {
    const page = await search({ source: 'events', session, utmSource: 'nl' }, { sort: 'oldest' });
    expect(page.items.map((item) => item.event)).toEqual(expect.arrayContaining(['session_start', 'page_view', 'signup']));
    expect(page.items).toHaveLength(4);
    expect(ids((await search({ source: 'events', event: 'signup' })).items)).toHaveLength(1);
  });

  it('answers the journey in order, and an unknown session as empty', async () => {
    const journey = await harness.call(Rpc.trafficSearch.journey, { id: session });
    expect(journey.session).toMatchObject({ id: session, pageviews: 2, entryPath: '/', exitPath: '/pricing' });
    expect(journey.items.map((item) => item.event).slice(2)).toEqual(['signup', 'page_view']);
    expect(await harness.call(Rpc.trafficSearch.journey, { id: randomUUID() })).toEqual({ session: null, items: [] });
  });
});

describe('store unavailable', () => {
  it('fails fast with StoreUnavailableError when Postgres cannot be reached (the service answers 503 STORE_UNAVAILABLE)', async () => {
    const nowhere = new PostgresTrafficStore('postgresql://postgres@127.0.0.1:1/castline');
    const query = buildSearchQuery({ ...RANGE, source: 'requests', pathMatch: 'prefix' }, { sort: 'newest', limit: 1 }, { storeRawIp: false, ipSecret: SECRET, canSeeIp: false, now: new Date() });
    try {
      await expect(nowhere.search(query, 5_000)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(searchError(new StoreUnavailableError('down'))).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    } finally {
      await nowhere.close();
    }
  });
});

describe('count cap and timeout', () => {
  it('stops counting at 100,000', async () => {
    await pool.query(
      `INSERT INTO traffic.requests (ts, request_id, host, method, path, status, body_bytes, bytes_sent, request_time_ms)
       SELECT $1::timestamptz + make_interval(secs => n / 1000.0), 'bulk' || n, 'bulk.example', 'GET', '/bulk', 200, 0, 0, 1
       FROM generate_series(1, 100005) AS n`,
      [at(100)],
    );
    const page = await search({ host: 'bulk.example' }, { limit: 3 });
    expect(page.count).toEqual({ value: 100_000, capped: true });
    expect(page.items).toHaveLength(3);
  });

  it('answers 504 SEARCH_TIMEOUT when a statement runs past the timeout', async () => {
    const slow = await startServiceHarness('traffic-search-slow', startTrafficLogger, { TRAFFIC_SEARCH_TIMEOUT_MS: '1', TRAFFIC_INTERNAL_PORT: '0' });
    try {
      await pool.query(`SELECT 1`);
      const slowPool = new Pool({ connectionString: slow.databaseUrl, max: 1 });
      await slowPool.query(
        `INSERT INTO traffic.requests (ts, request_id, host, method, path, status, body_bytes, bytes_sent, request_time_ms)
         SELECT $1::timestamptz + make_interval(secs => n / 100.0), 'bulk' || n, 'bulk.example', 'GET', '/bulk', 200, 0, 0, 1
         FROM generate_series(1, 200000) AS n`,
        [at(0)],
      );
      await slowPool.end();
      const attempt = slow.call(Rpc.trafficSearch.run, { filters: { ...RANGE, path: 'nothing-matches', pathMatch: 'contains' }, caller });
      await expect(attempt).rejects.toMatchObject({ status: 504, code: 'SEARCH_TIMEOUT' });
    } finally {
      await slow.close();
    }
  });
});
