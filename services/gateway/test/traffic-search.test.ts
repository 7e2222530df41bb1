import { readFileSync } from 'node:fs';
import { get as httpGet, request as httpRequest } from 'node:http';
import { ADMIN, bearer, freePort, inProcessServiceEnv, login, type ServiceProcess, spawnService, startTestGateway, type TestGateway, userWithRole } from '@castline/testkit';
import { Pool } from 'pg';

/**
 * The traffic search and export routes end to end: gateway -> NATS -> traffic-logger (its own process, so its
 * memory can be read) -> Postgres, and the export stream piped from the traffic-logger's internal port.
 */
const ROWS = 100_000;
const FROM = '2026-11-20T00:00:00.000Z';
const RANGE = { from: FROM, to: '2026-11-21T00:00:00.000Z' };
let gateway: TestGateway;
let logger: ServiceProcess;
let pool: Pool;
let admin: string;
let operator: string;
let viewer: string;
let exportPort: number;

beforeAll(async () => {
  exportPort = await freePort();
  gateway = await startTestGateway('traffic-search', { TRAFFIC_EXPORT_URL: `http://127.0.0.1:${exportPort}` });
  logger = await spawnService('traffic-logger', { ...inProcessServiceEnv(gateway.databaseUrl), TRAFFIC_INTERNAL_PORT: String(exportPort) });
  pool = new Pool({ connectionString: gateway.databaseUrl, max: 2 });
  // Every 7th row carries what a spreadsheet would run, quotes, commas and line breaks.
  await pool.query(
    `INSERT INTO traffic.requests (ts, request_id, host, method, path, query, status, body_bytes, bytes_sent, request_time_ms, user_agent, referer, country)
     SELECT $1::timestamptz + make_interval(secs => n / 10.0), 'req' || lpad(n::text, 6, '0'), 'export.example', 'GET',
       CASE WHEN n % 7 = 0 THEN '=HYPERLINK("http://evil.example","x")' ELSE '/page/' || n END,
       CASE WHEN n % 7 = 0 THEN 'a=1,b="2"' || chr(10) || 'c' END, 200, 10, 100, n % 1000, '@SUM(A1)', '-2+3', 'DE'
     FROM generate_series(1, ${ROWS}) AS n`,
    [FROM],
  );
  const adminSession = await login(gateway.app, ADMIN.email, ADMIN.password);
  admin = adminSession.accessToken;
  operator = (await userWithRole(gateway.app, admin, 'operator')).accessToken;
  viewer = (await userWithRole(gateway.app, admin, 'viewer')).accessToken;
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await logger?.stop();
  await gateway?.close();
});

const post = (url: string, token: string, payload: unknown) => gateway.app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as object });

describe('search', () => {
  it('answers a page with the capped count, and the next by cursor', async () => {
    const first = await post('/api/v1/traffic/search', viewer, { filters: RANGE, limit: 2 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ count: { value: ROWS, capped: false }, items: [{ id: 'req100000' }, { id: 'req099999' }] });
    const next = await post('/api/v1/traffic/search', viewer, { filters: RANGE, limit: 2, cursor: first.json().nextCursor });
    expect(next.json()).toMatchObject({ count: null, items: [{ id: 'req099998' }, { id: 'req099997' }] });
  });

  it.each([
    ['an unknown filter', { filters: { ...RANGE, nope: 1 } }, 'filters'],
    ['a bad country', { filters: { ...RANGE, country: ['Germany'] } }, 'filters.country.0'],
    ['a sort that is not in the enum', { filters: RANGE, sort: 'ts; DROP TABLE traffic.requests' }, 'sort'],
    ['a bad IP', { filters: { ...RANGE, ip: '1.2.3.4.5' } }, 'ip'],
    ['more than 92 days', { filters: { from: '2026-01-01T00:00:00Z', to: '2026-11-01T00:00:00Z' } }, 'to'],
  ])('400 names %s', async (_name, body, field) => {
    const response = await post('/api/v1/traffic/search', viewer, body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.details.fields.map((problem: { path: string }) => problem.path)).toContain(field);
  });

  it('400 INVALID_CURSOR for a cursor it did not make', async () => {
    const response = await post('/api/v1/traffic/search', viewer, { filters: RANGE, cursor: 'AAAA' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_CURSOR');
  });

  it('saves searches and lists history per user', async () => {
    const saved = await post('/api/v1/traffic/saved-searches', viewer, { name: 'German traffic', filters: { ...RANGE, country: ['DE'] } });
    expect(saved.statusCode).toBe(201);
    const list = await gateway.app.inject({ method: 'GET', url: '/api/v1/traffic/saved-searches', headers: bearer(viewer) });
    expect(list.json().items.map((item: { name: string }) => item.name)).toEqual(['German traffic']);
    const others = await gateway.app.inject({ method: 'GET', url: '/api/v1/traffic/saved-searches', headers: bearer(operator) });
    expect(others.json().items).toEqual([]);
    const history = await gateway.app.inject({ method: 'GET', url: '/api/v1/traffic/search-history', headers: bearer(viewer) });
    expect(history.json().items.length).toBeGreaterThan(0);
    const removed = await gateway.app.inject({ method: 'DELETE', url: `/api/v1/traffic/saved-searches/${saved.json().id}`, headers: bearer(viewer) });
    expect(removed.statusCode).toBe(204);
  });
});

/** A whole RFC 4180 document: rows of cells (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 1;
    } else cell += character;
  }
  return rows;
}

/** The traffic-logger's resident memory (MiB), from /proc. */
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${logger.child.pid}/status`, 'utf8'))![1]) / 1024;

/** An export over real HTTP, read whole while sampling the traffic-logger's RSS. */
async function download(format: 'csv' | 'json', token = operator): Promise<{ status: number; body: string; headers: Record<string, unknown>; peakRss: number }> {
  const address = gateway.app.getHttpServer().address() as { port: number };
  let peakRss = rssMiB();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB())), 25);
  try {
    return await new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { port: address.port, host: '127.0.0.1', method: 'POST', path: '/api/v1/traffic/export', headers: { ...bearer(token), 'content-type': 'application/json' } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers, peakRss }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(JSON.stringify({ format, filters: RANGE, sort: 'oldest' }));
    });
  } finally {
    clearInterval(sampler);
  }
}

describe('export', () => {
  // One small export first: what its first use loads (code, pools, JIT) is not growth with the export's size.
  beforeAll(async () => {
    const warm = await post('/api/v1/traffic/export', operator, { format: 'csv', filters: { ...RANGE, path: '/page/1' } });
    expect(warm.statusCode).toBe(200);
  });

  it('streams 100k rows as CSV that parses back whole, formulas escaped, in bounded memory', async () => {
    const before = rssMiB();
    const { status, body, headers, peakRss } = await download('csv');
    expect(status).toBe(200);
    expect(headers['content-disposition']).toMatch(/^attachment; filename="traffic-requests-.*\.csv"$/);
    expect(headers['x-export-rows']).toBe(String(ROWS));
    const rows = parseCsv(body);
    expect(rows).toHaveLength(ROWS + 1);
    const header = rows[0]!;
    const column = (name: string) => header.indexOf(name);
    expect(rows[1]![column('id')]).toBe('req000001');
    expect(rows.at(-1)![column('id')]).toBe('req100000');
    const formula = rows[7]!;
    expect(formula[column('path')]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(formula[column('query')]).toBe('a=1,b="2"\nc');
    expect(formula[column('userAgent')]).toBe("'@SUM(A1)");
    expect(formula[column('referrer')]).toBe("'-2+3");
    console.log(`CSV export of ${ROWS} rows: traffic-logger RSS ${before.toFixed(0)} -> peak ${peakRss.toFixed(0)} MiB`);
    expect(peakRss - before).toBeLessThan(64);
  });

  it('streams 100k rows as JSON that parses back whole, in bounded memory', async () => {
    const before = rssMiB();
    const { status, body, peakRss } = await download('json');
    expect(status).toBe(200);
    const rows = JSON.parse(body) as Array<{ id: string; path: string }>;
    expect(rows).toHaveLength(ROWS);
    expect(rows[6]).toMatchObject({ id: 'req000007', path: '=HYPERLINK("http://evil.example","x")' });
    console.log(`JSON export of ${ROWS} rows: traffic-logger RSS ${before.toFixed(0)} -> peak ${peakRss.toFixed(0)} MiB`);
    expect(peakRss - before).toBeLessThan(64);
  });

  const exportQueries = async () =>
    (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '/* traffic-export */%' AND state <> 'idle' AND datname = current_database()`)).rows[0].n as number;

  it('one export per user at a time (429); a client that goes away ends the query and frees the slot', async () => {
    const address = gateway.app.getHttpServer().address() as { port: number };
    // Open an export, read one chunk, then hold it: the traffic-logger waits on backpressure.
    const { abort } = await new Promise<{ abort: () => void }>((resolve, reject) => {
      const outgoing = httpRequest(
        { port: address.port, host: '127.0.0.1', method: 'POST', path: '/api/v1/traffic/export', headers: { ...bearer(admin), 'content-type': 'application/json' } },
        (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => {
            response.pause();
            resolve({ abort: () => outgoing.destroy() });
          });
        },
      );
      outgoing.on('error', () => undefined);
      outgoing.end(JSON.stringify({ format: 'csv', filters: RANGE }));
      setTimeout(() => reject(new Error('no first chunk')), 10_000);
    });
    expect(await exportQueries()).toBe(1);
    const second = await post('/api/v1/traffic/export', admin, { format: 'json', filters: RANGE });
    expect(second.statusCode).toBe(429);
    expect(second.json().error.code).toBe('RATE_LIMITED');
    abort();
    const deadline = Date.now() + 10_000;
    while ((await exportQueries()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await exportQueries()).toBe(0);
    let again = 0;
    while (Date.now() < deadline) {
      const retry = await post('/api/v1/traffic/export', admin, { format: 'json', filters: { ...RANGE, path: '/page/42', pathMatch: 'exact' } });
      again = retry.statusCode;
      if (again === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (again !== 200) console.log(logger.output());
    expect(again).toBe(200);
  });

  it('refuses more than 1,000,000 rows with 422 EXPORT_TOO_LARGE before any byte', async () => {
    await pool.query(
      `INSERT INTO traffic.requests (ts, request_id, host, method, path, status, body_bytes, bytes_sent, request_time_ms)
       SELECT $1::timestamptz + make_interval(secs => n / 100.0), 'huge' || n, 'huge.example', 'GET', '/', 200, 0, 0, 1
       FROM generate_series(1, 1000001 - ${ROWS}) AS n`,
      [FROM],
    );
    const refused = await post('/api/v1/traffic/export', operator, { format: 'csv', filters: RANGE });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toMatch(/json/);
    expect(refused.json().error.code).toBe('EXPORT_TOO_LARGE');
  }, 60_000);

  it('a viewer may search but not export', async () => {
    const refused = await post('/api/v1/traffic/export', viewer, { format: 'csv', filters: RANGE });
    expect(refused.statusCode).toBe(403);
    // The internal stream answers nothing without a ticket.
    const status = await new Promise<number>((resolve) => httpGet(`http://127.0.0.1:${exportPort}/internal/exports/${'A'.repeat(43)}`, (response) => resolve(response.statusCode!)));
    expect(status).toBe(404);
  });
});
