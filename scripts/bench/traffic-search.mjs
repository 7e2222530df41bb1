// Part 2 of `npm run bench:traffic`, search (run `npm run build` first): BENCH_SEARCH_ROWS (10,000,000) generated
// request rows over 30 days (INSERT ... SELECT generate_series into daily partitions) on a database of its own
// (castline_bench_traffic_search, dropped at the end), then
//   - the first page (50 rows, and its capped count) of a few filter combinations, p50/p95 over BENCH_SEARCH_RUNS (20),
//   - page 500 by keyset cursor vs by OFFSET, side by side (goal: keyset >= 10x faster).
// Runs alone (`node scripts/bench/traffic-search.mjs`) or from scripts/bench/traffic.mjs.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const dist = (file) => require(path.join(root, file));

const fmt = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

async function timings(runs, work) {
  const times = [];
  for (let index = 0; index < runs; index += 1) {
    const started = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

export async function searchBench() {
  const db = dist('packages/db/dist/index.js');
  const { PostgresTrafficStore } = dist('services/traffic-logger/dist/store/postgres-traffic-store.js');
  const { buildSearchQuery, encodeCursor } = dist('services/traffic-logger/dist/search/search-query.js');
  const { searchSql } = dist('services/traffic-logger/dist/store/postgres-search.js');
  const { ipHashOf } = dist('services/traffic-logger/dist/pipeline/access-rows.js');
  const { Client } = require(path.join(root, 'node_modules/pg'));
  const rows = Number(process.env.BENCH_SEARCH_ROWS ?? 10_000_000);
  const runs = Number(process.env.BENCH_SEARCH_RUNS ?? 20);
  const databaseUrl = db.withDatabaseName(process.env.DATABASE_URL ?? db.defaultDatabaseUrl(), 'castline_bench_traffic_search');
  const secret = 'bench-search-secret-0123456789abcdef';
  const end = new Date(Date.UTC(2026, 10, 30));
  const start = new Date(end.getTime() - 30 * 86_400_000);
  const store = new PostgresTrafficStore(databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  try {
    await db.dropDatabase(databaseUrl);
    await db.ensureDatabase(databaseUrl);
    await db.applyMigrations(databaseUrl);
    await store.ensurePartitions(start, 31);
    await client.connect();
    // As the search runs its statements (postgres-traffic-store readOnly): OFFSET gets the same planner settings.
    await client.query('SET jit = off');
    const loadStarted = Date.now();
    // 50,000 visitors (ip_hash of 10.x.y.z), mostly 200s, a few countries/devices/browsers, 5% bots.
    const chunk = 1_000_000;
    for (let first = 1; first <= rows; first += chunk) {
      await client.query(
        `INSERT INTO traffic.requests (ts, request_id, host, method, path, query, status, body_bytes, bytes_sent, request_time_ms, ip_hash,
           user_agent, referer, is_bot, browser, os, device, country, channel_slug, utm_source, utm_campaign)
         SELECT $1::timestamptz + make_interval(secs => (n::double precision / $3) * 30 * 86400), 'r' || n, 'tv.example.com',
           CASE WHEN n % 50 = 0 THEN 'POST' ELSE 'GET' END,
           CASE WHEN n % 3 = 0 THEN '/live/ch-' || (n % 100) || '/index.m3u8' ELSE '/page/' || (n % 5000) END,
           CASE WHEN n % 20 = 0 THEN 'utm_source=newsletter&utm_campaign=c' || (n % 10) END,
           (ARRAY[200,200,200,200,200,200,200,200,304,404,500,502])[1 + n % 12], 100, 500, n % 2000,
           'ip' || (n % 50000), 'UA', CASE WHEN n % 7 = 0 THEN 'https://www.google.com/' END, n % 20 = 0,
           (ARRAY['Chrome','Firefox','Mobile Safari','Edge'])[1 + n % 4], (ARRAY['Windows','iOS','Android','Linux','Mac OS'])[1 + n % 5],
           (ARRAY['desktop','mobile','mobile','tablet','smarttv'])[1 + n % 5], (ARRAY['DE','FR','NL','US','TR','GB','IT','ES'])[1 + n % 8],
           CASE WHEN n % 3 = 0 THEN 'ch-' || (n % 100) END,
           -- The query string's UTM parameters, as ingest parses them into columns.
           CASE WHEN n % 20 = 0 THEN 'newsletter' END, CASE WHEN n % 20 = 0 THEN 'c' || (n % 10) END
         FROM generate_series($2::bigint, $4::bigint) AS n`,
        [start, first, rows, Math.min(rows, first + chunk - 1)],
      );
    }
    // The ip_hash of one visitor as the search computes it: point 1 in 50,000 rows at a real HMAC.
    const oneIp = '10.1.2.3';
    await client.query(`UPDATE traffic.requests SET ip_hash = $1 WHERE ip_hash = 'ip4242'`, [ipHashOf(secret, oneIp)]);
    await client.query('VACUUM ANALYZE traffic.requests');
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    console.log(`2b. Search (traffic.requests: ${fmt(rows)} rows over 30 days, loaded + analyzed in ${fmt(loadSeconds, 1)} s)`);

    const context = { storeRawIp: false, ipSecret: secret, canSeeIp: false, now: end };
    const day = 86_400_000;
    const range = (days) => ({ from: new Date(end.getTime() - days * day).toISOString(), to: end.toISOString() });
    const combos = [
      ['last 24 h, no filter', { ...range(1) }],
      ['7 d, country DE + mobile', { ...range(7), country: ['DE'], device: ['mobile'] }],
      ['30 d, status 5xx, people only', { ...range(30), status: ['5xx'], bot: 'no' }],
      ['30 d, one IP (HMAC)', { ...range(30), ip: oneIp }],
      ['7 d, path contains "ch-42", country NL', { ...range(7), path: 'ch-42', pathMatch: 'contains', country: ['NL'] }],
      // Both match nothing. Every campaign here is c0: the utm_campaign index answers at once. Newsletter rows
      // (5 % of all) are never 404s: each one of them is checked for its status.
      ['30 d, utm_campaign c3 (none, by index)', { ...range(30), utmCampaign: 'c3' }],
      ['30 d, utm_source newsletter, status 404', { ...range(30), utmSource: 'newsletter', status: ['404'] }],
      ['30 d, channel ch-7, GET', { ...range(30), channel: 'ch-7', method: ['GET'] }],
      ['30 d, nothing matches (channel ch-7, POST)', { ...range(30), channel: 'ch-7', method: ['POST'] }],
    ];
    console.log(`   first page (50 rows) p50 / p95 over ${runs} runs; + count: the page and its count (capped at 100,000) together`);
    for (const [name, filters] of combos) {
      const query = buildSearchQuery({ source: 'requests', pathMatch: 'prefix', ...filters }, { sort: 'newest', limit: 50 }, context);
      const page = await timings(runs, () => store.search(query, 60_000));
      const both = await timings(Math.max(3, Math.floor(runs / 4)), () => Promise.all([store.search(query, 60_000), store.countMatching(query, 100_000, 60_000)]));
      console.log(`   ${name.padEnd(42)} page ${fmt(page.p50, 1).padStart(7)} / ${fmt(page.p95, 1).padStart(7)} ms   + count ${fmt(both.p50, 1).padStart(7)} / ${fmt(both.p95, 1).padStart(7)} ms`);
    }

    // Page 500 of 50 rows, 30 days, newest first: the keyset cursor of row 24,950 vs OFFSET 24,950.
    const query = buildSearchQuery({ source: 'requests', pathMatch: 'prefix', ...range(30) }, { sort: 'newest', limit: 50 }, context);
    const offsetRows = 499 * 50;
    const { text, values } = searchSql(query);
    const offsetSql = `${text.replace(/ LIMIT \$\d+$/, '')} LIMIT 50 OFFSET ${offsetRows}`;
    const boundary = await client.query(`${text.replace(/ LIMIT \$\d+$/, '')} LIMIT 1 OFFSET ${offsetRows - 1}`, values.slice(0, -1));
    const last = boundary.rows[0];
    const keysetQuery = buildSearchQuery(
      { source: 'requests', pathMatch: 'prefix', ...range(30) },
      { sort: 'newest', limit: 50, cursor: encodeCursor('requests', 'newest', last.ts_text, last.id) },
      context,
    );
    if (process.env.BENCH_EXPLAIN) {
      const sql = searchSql(keysetQuery);
      const plan = await client.query(`EXPLAIN (ANALYZE, COSTS OFF) ${sql.text}`, sql.values);
      console.log(plan.rows.map((row) => row['QUERY PLAN']).join('\n'));
    }
    const keyset = await timings(runs, () => store.search(keysetQuery, 60_000));
    const offset = await timings(Math.max(5, Math.floor(runs / 2)), () => client.query(offsetSql, values.slice(0, -1)));
    const keysetPage = await store.search(keysetQuery, 60_000);
    const offsetPage = await client.query(offsetSql, values.slice(0, -1));
    const same = keysetPage.hits.map((hit) => hit.id).join() === offsetPage.rows.map((row) => row.id).join();
    console.log(`   page 500 (rows ${fmt(offsetRows + 1)}-${fmt(offsetRows + 50)}, 30 d, newest first; same rows: ${same})`);
    console.log(`   keyset (ts, id) < cursor                    ${fmt(keyset.p50, 2).padStart(8)} / ${fmt(keyset.p95, 2).padStart(8)} ms (p50 / p95)`);
    console.log(`   OFFSET ${fmt(offsetRows)}                               ${fmt(offset.p50, 2).padStart(8)} / ${fmt(offset.p95, 2).padStart(8)} ms`);
    console.log(`   ratio (p50)                                 ${fmt(offset.p50 / keyset.p50, 1)}x (goal >= 10x)\n`);
  } finally {
    await client.end().catch(() => undefined);
    await store.close();
    await db.dropDatabase(databaseUrl).catch(() => undefined);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`bench:traffic search, node ${process.version}, ${os.cpus().length} CPUs\n`);
  await searchBench();
}
