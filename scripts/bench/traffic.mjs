// `npm run bench:traffic` (run `npm run build` first): the traffic-logger's ingest and viewer counting, on a
// database of its own (castline_bench_traffic on the DATABASE_URL server, dropped at the end).
//  1. Ingest, events/s: the pipeline alone (rows -> TrafficStore in 5,000-row COPY batches) side by side with
//     one INSERT per event (the Umami way), and file -> rows (a generated castline_json access log through the
//     tailer, enrichment and the ingest buffer until every row is stored).
//  3. CPU per 1,000 segment requests at BENCH_VIEWERS (10,000) viewers on BENCH_CHANNELS (100) channels:
//     parse + route alone vs parse + route + viewer counting (goal: at most +50%).
//  2. BENCH_EVENTS (10,000,000) tracker events of one site over 30 days (+ a session per 5 events), generated
//     server-side (INSERT ... SELECT generate_series into the daily partitions), rollups built day by day as the
//     job does it, then the summary (visitors, page views, sessions, bounces, duration) of 7 and 30 days from
//     the rollups vs scanned from the raw rows: p50/p95 and the ratio (goals: rollup p95 < 200 ms, >= 20x).
// 1c. Collect, events/s: BENCH_COLLECT_CLIENTS (50) concurrent tracker clients, each event answered only once
//     committed: one transaction per event (as before) vs the collect service's group commit.
// BENCH_PARTS (1,1c,2,2b,3) picks the parts to run.
// 2b. Search over 10M generated rows: see scripts/bench/traffic-search.mjs.
// BENCH_ROWS (100000), BENCH_SINGLE_ROWS (10000), BENCH_FILE_LINES (100000), BENCH_SEGMENT_LINES (200000) tune it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const dist = (file) => require(path.join(root, file));
const db = dist('packages/db/dist/index.js');
const { PostgresTrafficStore } = dist('services/traffic-logger/dist/store/postgres-traffic-store.js');
const { NOT_ENRICHED } = dist('services/traffic-logger/dist/store/traffic-store.js');
const { parseAccessLine } = dist('services/traffic-logger/dist/access-log/access-line.js');
const { routeMedia } = dist('services/traffic-logger/dist/access-log/media-route.js');
const { ViewerCounter } = dist('services/traffic-logger/dist/viewers/viewer-counter.js');
const { FileTailer } = dist('services/traffic-logger/dist/access-log/file-tailer.js');
const { accessRows } = dist('services/traffic-logger/dist/pipeline/access-rows.js');
const { IngestBuffer } = dist('services/traffic-logger/dist/pipeline/ingest-buffer.js');
const { Enricher } = dist('services/traffic-logger/dist/enrichment/enricher.js');
const { GroupCommit } = dist('services/traffic-logger/dist/pipeline/group-commit.js');
const { Client } = require(path.join(root, 'node_modules/pg'));

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const singleRows = Number(process.env.BENCH_SINGLE_ROWS ?? 10_000);
const fileLines = Number(process.env.BENCH_FILE_LINES ?? 100_000);
const segmentLines = Number(process.env.BENCH_SEGMENT_LINES ?? 200_000);
const viewers = Number(process.env.BENCH_VIEWERS ?? 10_000);
const channels = Number(process.env.BENCH_CHANNELS ?? 100);
const databaseUrl = db.withDatabaseName(process.env.DATABASE_URL ?? db.defaultDatabaseUrl(), 'castline_bench_traffic');
const work = mkdtempSync(path.join(os.tmpdir(), 'castline-bench-traffic-'));
const fmt = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
];
const start = Date.now() - 3_600_000;

function requestRow(index) {
  return {
    ts: new Date(start + index), requestId: randomBytes(16).toString('hex'), host: 'tv.example.com', method: 'GET',
    path: `/live/ch-${index % channels}/index.m3u8`, query: null, status: 200, bodyBytes: 400, bytesSent: 700, requestTimeMs: 1,
    upstreamAddr: null, upstreamStatus: null, upstreamResponseTime: null, ip: null, ipHash: `h${index % viewers}`,
    userAgent: USER_AGENTS[index % USER_AGENTS.length], referer: null, mediaKind: 'live', channelSlug: `ch-${index % channels}`,
    channelId: null, rendition: null, ...NOT_ENRICHED,
  };
}

function accessLine(index, file) {
  const viewer = index % viewers;
  return JSON.stringify({
    time: new Date(start + index).toISOString(), msec: (Date.now() - 1_000) / 1000, request_id: randomBytes(16).toString('hex'),
    host: 'tv.example.com', method: 'GET', uri: `/live/ch-${viewer % channels}/${file}`, status: 200, bytes: 188 * 1000,
    bytes_sent: 188 * 1000 + 300, request_time: 0.001, upstream_response_time: '', upstream_addr: '', upstream_status: '',
    remote_addr: `10.${(viewer >> 16) & 255}.${(viewer >> 8) & 255}.${viewer & 255}`, x_forwarded_for: '',
    user_agent: USER_AGENTS[viewer % USER_AGENTS.length], referer: '',
  });
}

async function timed(work) {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

async function ingest() {
  const store = new PostgresTrafficStore(databaseUrl);
  await store.ensurePartitions(new Date(start), 2);
  const batched = await timed(async () => {
    for (let offset = 0; offset < rows; offset += 5_000) {
      const batch = Array.from({ length: Math.min(5_000, rows - offset) }, (_, index) => requestRow(offset + index));
      await store.writeAccessBatch({ requests: batch, viewHits: [], checkpoint: null });
    }
  });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const columns = ['ts', 'request_id', 'host', 'method', 'path', 'status', 'body_bytes', 'bytes_sent', 'request_time_ms', 'ip_hash', 'user_agent', 'media_kind', 'channel_slug'];
  const single = await timed(async () => {
    for (let index = 0; index < singleRows; index += 1) {
      const row = requestRow(rows + index);
      await client.query(
        `INSERT INTO traffic.requests (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`,
        [row.ts, row.requestId, row.host, row.method, row.path, row.status, row.bodyBytes, row.bytesSent, row.requestTimeMs, row.ipHash, row.userAgent, row.mediaKind, row.channelSlug],
      );
    }
  });
  await client.end();

  // File -> rows: the tailer (state in memory: no Redis needed for one process), enrichment, buffer, store.
  const log = path.join(work, 'access.log');
  const lines = [];
  for (let index = 0; index < fileLines; index += 1) lines.push(accessLine(index, index % 3 === 0 ? 'index.m3u8' : `seg_${index}.ts`));
  writeFileSync(log, `${lines.join('\n')}\n`);
  const memoryState = { acquire: async () => true, release: async () => undefined, load: async () => null, commit: async () => true };
  const enricher = new Enricher({ geo: null, botRowsPerMinute: 1e9 });
  const before = await client2Count();
  const file = await timed(async () => {
    let read = 0;
    const buffer = new IngestBuffer({ writeAccessBatch: (batch) => store.writeAccessBatch({ ...batch, checkpoint: null }) });
    const tailer = new FileTailer({
      file: log, source: log, owner: 'bench', state: memoryState, pollMs: 5,
      onBatch: async (batch, after) => {
        read += batch.entries.length;
        const rows = accessRows(batch.entries, { ipSecret: 'bench-secret-bench-secret-bench-secret', storeRawIp: false, logSegments: false, enricher });
        await buffer.add(rows, { source: log, owner: 'bench', ...after });
      },
    });
    tailer.start();
    while (read < fileLines) await new Promise((resolve) => setTimeout(resolve, 5));
    await buffer.close();
    await tailer.stop();
  });
  const after = await client2Count();
  await store.close();
  return { batched, single, file, fileRows: after - before };
}

const collectClients = Number(process.env.BENCH_COLLECT_CLIENTS ?? 50);
const collectEvents = Number(process.env.BENCH_COLLECT_EVENTS ?? 5_000);

/** A page view and its session as the collect service builds them (a session per client). */
function collectRows(client, index) {
  const ts = new Date(start + index);
  const sessionId = `00000000-0000-4000-8000-${String(client).padStart(12, '0')}`;
  const event = {
    ts, id: randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'), siteId: '00000000-0000-4000-8000-000000000001',
    sessionId, visitorId: `v${client}`, name: 'page_view', hostname: 'www.example.com', path: `/article/${index % 100}`, query: null,
    referrerDomain: null, utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null, clickId: null, props: {},
    isBot: false, browser: 'Chrome', os: 'Windows', device: 'desktop', country: null,
  };
  const session = {
    startedAt: new Date(start), id: sessionId, siteId: event.siteId, visitorId: event.visitorId, lastSeen: ts, pageviews: index, events: index,
    entryPath: '/', exitPath: event.path, referrerDomain: null, utmSource: null, utmMedium: null, utmCampaign: null,
    browser: 'Chrome', os: 'Windows', device: 'desktop', country: null, isBot: false,
  };
  return [event, session];
}

/** collectEvents events from collectClients clients, each waiting for its answer before the next event. */
async function collectThroughput(write) {
  let next = 0;
  return timed(() =>
    Promise.all(
      Array.from({ length: collectClients }, async (_, client) => {
        for (let index = next++; index < collectEvents; index = next++) {
          const [event, session] = collectRows(client, index);
          await write([event], [session]);
        }
      }),
    ),
  );
}

async function collect() {
  const store = new PostgresTrafficStore(databaseUrl);
  await store.ensurePartitions(new Date(start), 2);
  const perEvent = await collectThroughput((events, sessions) => store.writeEvents(events, sessions));
  const commits = new GroupCommit(store);
  const grouped = await collectThroughput((events, sessions) => commits.write(events, sessions));
  await store.close();
  return { perEvent, grouped };
}

async function client2Count() {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows: [row] } = await client.query('SELECT count(*)::int AS count FROM traffic.requests');
  await client.end();
  return row.count;
}

const events = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const parts = new Set((process.env.BENCH_PARTS ?? '1,1c,2,2b,3').split(',').map((part) => part.trim()));
const DAY_MS = 86_400_000;

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function latencies(runs, work) {
  const samples = [];
  for (let index = 0; index < runs; index += 1) samples.push((await timed(work)).seconds * 1000);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** 2. Tracker events generated in Postgres, rollups built, then summaries from rollups vs raw scans. */
async function rollups() {
  const site = '7b6f3a2e-1c4d-4e5f-8a9b-0c1d2e3f4a5b';
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const first = new Date(today - 29 * DAY_MS);
  const end = new Date(today + DAY_MS);
  const store = new PostgresTrafficStore(databaseUrl);
  await store.ensurePartitions(first, 31);
  const client = new Client({ connectionString: databaseUrl });
  // A failure below drops the database in `finally`: this connection's end is not the error to report.
  client.on('error', () => undefined);
  await client.connect();
  const chunk = 1_000_000;
  // Spread evenly over the 30 days; ~25,000 visitors a day (ids include the day, as the daily salt does).
  const generate = await timed(async () => {
    for (let offset = 0; offset < events; offset += chunk) {
      await client.query(
        `INSERT INTO traffic.events (ts, id, site_id, session_id, visitor_id, name, hostname, path, referrer_domain, utm_source, utm_medium,
           utm_campaign, is_bot, browser, os, device, country)
         SELECT t, md5(g::text)::uuid, $1, md5((g / 5)::text)::uuid, to_char(t, 'YYYYMMDD') || ':' || (hashint8(g / 5) & 32767)::text,
           CASE WHEN g % 10 = 0 THEN 'play' ELSE 'page_view' END, 'www.example.com', '/page-' || (g % 300),
           (ARRAY['google.com', 'news.example', NULL, 't.co', NULL])[g % 5 + 1], (ARRAY['newsletter', NULL, NULL, 'facebook'])[g % 4 + 1],
           (ARRAY['email', NULL, NULL, 'social'])[g % 4 + 1], (ARRAY['spring', NULL, NULL, 'launch'])[g % 4 + 1], g % 50 = 0,
           (ARRAY['Chrome', 'Firefox', 'Safari', 'Edge'])[g % 4 + 1], (ARRAY['Windows', 'Linux', 'iOS', 'Android', 'macOS'])[g % 5 + 1],
           (ARRAY['desktop', 'mobile', 'tablet'])[g % 3 + 1], (ARRAY['FR', 'DE', 'US', 'GB', 'NL', NULL, 'ES'])[g % 7 + 1]
         FROM generate_series($2::bigint, $3::bigint) AS g, LATERAL (SELECT $4::timestamptz + (g * $5::double precision) * interval '1 millisecond' AS t) AS at`,
        [site, offset, Math.min(events, offset + chunk) - 1, first, (30 * DAY_MS) / events],
      );
    }
    await client.query(
      `INSERT INTO traffic.sessions (started_at, id, site_id, visitor_id, last_seen, pageviews, events, entry_path, exit_path, referrer_domain,
         utm_source, utm_medium, utm_campaign, browser, os, device, country)
       SELECT t, md5(s::text)::uuid, $1, to_char(t, 'YYYYMMDD') || ':' || (hashint8(s) & 32767)::text, t + (s % 600) * interval '1 second',
         s % 4, 5, '/page-' || (s * 5 % 300), '/page-' || (s * 5 % 300), (ARRAY['google.com', 'news.example', NULL, 't.co', NULL])[s % 5 + 1], NULL, NULL, NULL,
         'Chrome', 'Linux', 'desktop', 'FR'
       FROM generate_series(0::bigint, $2::bigint) AS s, LATERAL (SELECT $3::timestamptz + (s * 5 * $4::double precision) * interval '1 millisecond' AS t) AS at`,
      [site, Math.ceil(events / 5) - 1, first, (30 * DAY_MS) / events],
    );
    await client.query('VACUUM ANALYZE traffic.events');
    await client.query('VACUUM ANALYZE traffic.sessions');
  });
  const build = await timed(async () => {
    for (let day = first.getTime(); day < end.getTime(); day += DAY_MS) await store.rebuildRollups(new Date(day), new Date(day + DAY_MS));
    await client.query('VACUUM ANALYZE traffic.rollup_hourly');
    await client.query('VACUUM ANALYZE traffic.rollup_daily_visitors');
  });
  // The minutely job: the last 2 hours and the current one.
  const minutely = await timed(() => store.rebuildRollups(new Date(today + DAY_MS / 2 - 2 * 3_600_000), new Date(today + DAY_MS / 2 + 3_600_000)));
  const { rows: [sizes] } = await client.query(
    `SELECT (SELECT count(*) FROM traffic.rollup_hourly)::int AS hourly, (SELECT count(*) FROM traffic.rollup_daily_visitors)::int AS daily`,
  );
  await client.end();
  const results = [];
  for (const days of [7, 30]) {
    const from = new Date(end.getTime() - days * DAY_MS);
    const fromRollups = await store.analyticsTotals(site, from, end);
    const fromEvents = await store.analyticsTotalsFromEvents(site, from, end);
    const same = JSON.stringify(fromRollups) === JSON.stringify(fromEvents);
    const rollup = await latencies(30, () => store.analyticsTotals(site, from, end));
    const raw = await latencies(5, () => store.analyticsTotalsFromEvents(site, from, end));
    results.push({ days, rollup, raw, same, totals: fromRollups });
  }
  await store.close();
  return { generate, build, minutely, sizes, results };
}

function viewerCpu() {
  const lines = Array.from({ length: segmentLines }, (_, index) => accessLine(index, `seg_${index}.ts`));
  const run = (count) => {
    const counter = count ? new ViewerCounter(30_000) : null;
    const started = process.cpuUsage();
    for (let index = 0; index < lines.length; index += 1) {
      const parsed = parseAccessLine(lines[index]);
      if (!parsed.ok) throw new Error(parsed.reason);
      const route = routeMedia(parsed.entry.uri);
      if (counter && route) counter.observe(parsed.entry, route);
      // The 5-second publish: a snapshot every 10,000 lines.
      if (counter && index % 10_000 === 0) counter.snapshot();
    }
    const used = process.cpuUsage(started);
    return ((used.user + used.system) / lines.length) * 1000;
  };
  run(false);
  run(true);
  return { parse: run(false), counting: run(true) };
}

try {
  await db.dropDatabase(databaseUrl);
  await db.ensureDatabase(databaseUrl);
  await db.applyMigrations(databaseUrl);
  console.log(`bench:traffic on ${db.describeDatabase(databaseUrl)}, node ${process.version}, ${os.cpus().length} CPUs\n`);

  if (parts.has('1')) {
    const { batched, single, file, fileRows } = await ingest();
    const batchedRate = rows / batched.seconds;
    const singleRate = singleRows / single.seconds;
    console.log('1. Ingest (traffic.requests)');
    console.log(`   COPY batches of 5,000 (TrafficStore)   ${fmt(rows).padStart(9)} rows in ${fmt(batched.seconds, 2)} s = ${fmt(batchedRate).padStart(8)} rows/s`);
    console.log(`   one INSERT per event                   ${fmt(singleRows).padStart(9)} rows in ${fmt(single.seconds, 2)} s = ${fmt(singleRate).padStart(8)} rows/s`);
    console.log(`   ratio                                  ${fmt(batchedRate / singleRate, 1)}x (goal >= 10x)`);
    console.log(`   file -> rows (tail, parse, enrich, buffer, COPY): ${fmt(fileLines)} lines (${fmt(fileRows)} stored rows, segments fold into view_sessions) in ${fmt(file.seconds, 2)} s = ${fmt(fileLines / file.seconds)} lines/s\n`);
  }
  if (parts.has('1c')) {
    const { perEvent, grouped } = await collect();
    const perEventRate = collectEvents / perEvent.seconds;
    const groupedRate = collectEvents / grouped.seconds;
    console.log(`1c. Collect (traffic.events + sessions), ${fmt(collectEvents)} events from ${collectClients} concurrent clients, each answered after its commit`);
    console.log(`   one transaction per event              ${fmt(perEventRate).padStart(8)} events/s`);
    console.log(`   group commit                           ${fmt(groupedRate).padStart(8)} events/s (${fmt(groupedRate / perEventRate, 1)}x)\n`);
  }
  if (parts.has('2')) {
    const { generate, build, minutely, sizes, results } = await rollups();
    console.log(`2. Analytics summary, ${fmt(events)} events (+ ${fmt(Math.ceil(events / 5))} sessions) of one site over 30 days`);
    console.log(`   generated in ${fmt(generate.seconds, 1)} s; rollups built day by day in ${fmt(build.seconds, 1)} s (${fmt(sizes.hourly)} hourly rows, ${fmt(sizes.daily)} daily visitor rows)`);
    console.log(`   one minutely run (last 2 h + current hour)   ${fmt(minutely.seconds * 1000)} ms`);
    for (const { days, rollup, raw, same, totals } of results) {
      console.log(`   ${String(days).padStart(2)} days: rollups p50 ${fmt(rollup.p50, 1)} ms p95 ${fmt(rollup.p95, 1)} ms | raw scan p50 ${fmt(raw.p50)} ms p95 ${fmt(raw.p95)} ms | ${fmt(raw.p95 / rollup.p95, 0)}x faster at p95 (goals: p95 < 200 ms, >= 20x)${same ? '' : ' | FIGURES DIFFER'}`);
      console.log(`            ${fmt(totals.visitors)} visitors, ${fmt(totals.pageviews)} page views, ${fmt(totals.sessions)} sessions`);
    }
    console.log('');
  }
  if (parts.has('3')) {
    const cpu = viewerCpu();
    console.log(`3. CPU per 1,000 segment requests (${fmt(viewers)} viewers, ${channels} channels, ${fmt(segmentLines)} lines)`);
    console.log(`   parse + route                          ${fmt(cpu.parse / 1000, 2)} ms`);
    console.log(`   parse + route + viewer counting        ${fmt(cpu.counting / 1000, 2)} ms`);
    console.log(`   overhead                               +${fmt((cpu.counting / cpu.parse - 1) * 100, 1)}% (goal <= +50%)\n`);
  }
  // 2b. search: 10M generated rows, first pages and keyset vs OFFSET (its own database).
  if (parts.has('2b')) await (await import('./traffic-search.mjs')).searchBench();
} finally {
  await db.dropDatabase(databaseUrl).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
