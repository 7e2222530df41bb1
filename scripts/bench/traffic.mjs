// `npm run bench:traffic` (run `npm run build` first): the traffic-logger's ingest and viewer counting, on a
// database of its own (castline_bench_traffic on the DATABASE_URL server, dropped at the end).
//  1. Ingest, events/s: the pipeline alone (rows -> TrafficStore in 5,000-row COPY batches) side by side with
//     one INSERT per event (the Umami way), and file -> rows (a generated castline_json access log through the
//     tailer, enrichment and the ingest buffer until every row is stored).
//  3. CPU per 1,000 segment requests at BENCH_VIEWERS (10,000) viewers on BENCH_CHANNELS (100) channels:
//     parse + route alone vs parse + route + viewer counting (goal: at most +50%).
// 2b. Search over 10M generated rows: see scripts/bench/traffic-search.mjs (2a, rollups vs raw scans, not built yet).
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

async function client2Count() {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows: [row] } = await client.query('SELECT count(*)::int AS count FROM traffic.requests');
  await client.end();
  return row.count;
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

  const { batched, single, file, fileRows } = await ingest();
  const batchedRate = rows / batched.seconds;
  const singleRate = singleRows / single.seconds;
  console.log('1. Ingest (traffic.requests)');
  console.log(`   COPY batches of 5,000 (TrafficStore)   ${fmt(rows).padStart(9)} rows in ${fmt(batched.seconds, 2)} s = ${fmt(batchedRate).padStart(8)} rows/s`);
  console.log(`   one INSERT per event                   ${fmt(singleRows).padStart(9)} rows in ${fmt(single.seconds, 2)} s = ${fmt(singleRate).padStart(8)} rows/s`);
  console.log(`   ratio                                  ${fmt(batchedRate / singleRate, 1)}x (goal >= 10x)`);
  console.log(`   file -> rows (tail, parse, enrich, buffer, COPY): ${fmt(fileLines)} lines (${fmt(fileRows)} stored rows, segments fold into view_sessions) in ${fmt(file.seconds, 2)} s = ${fmt(fileLines / file.seconds)} lines/s\n`);

  const cpu = viewerCpu();
  console.log(`3. CPU per 1,000 segment requests (${fmt(viewers)} viewers, ${channels} channels, ${fmt(segmentLines)} lines)`);
  console.log(`   parse + route                          ${fmt(cpu.parse / 1000, 2)} ms`);
  console.log(`   parse + route + viewer counting        ${fmt(cpu.counting / 1000, 2)} ms`);
  console.log(`   overhead                               +${fmt((cpu.counting / cpu.parse - 1) * 100, 1)}% (goal <= +50%)\n`);
  console.log('2a. (10M rows: rollups vs raw scans) not built yet.');
  // 2b. search: 10M generated rows, first pages and keyset vs OFFSET (its own database).
  await (await import('./traffic-search.mjs')).searchBench();
} finally {
  await db.dropDatabase(databaseUrl).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
