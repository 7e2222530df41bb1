// `npm run bench:campaigns` (run `npm run build` first): a 2-year backfill of 200 campaigns (100 on a Meta ad
// account, 100 on a Google Ads manager with two customers; one ad each, so campaign and ad level) from the
// local fakes (packages/testkit/src/fakes), through the campaigns service's real sync path into PostgreSQL.
// Prints, side by side: rows/s of the sync (end to end, and of its upsert transactions alone) vs a plain
// multi-row INSERT of the same rows into a table like the real one (same indexes); API calls vs the minimum the fakes compute from their documented limits;
// calls the fakes rejected for rate; peak usage; then a second run of the same range (rows changed, calls).
// BENCH_DAYS (730), BENCH_CAMPAIGNS (200), BENCH_META_WINDOW_MS (10000: the Graph fake's 200-call window,
// shortened from 60 s so one run takes seconds, not minutes) tune it.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');
const testkit = require(path.join(root, 'packages/testkit/dist/index.js'));
const { Rpc } = require(path.join(root, 'packages/contracts/dist/index.js'));
const { startCampaigns } = require(path.join(root, 'services/campaigns/dist/campaigns-app.js'));
const { AdSyncService } = require(path.join(root, 'services/campaigns/dist/sync/ad-sync.service.js'));
const { MetricsRepository } = require(path.join(root, 'services/campaigns/dist/sync/metrics.repository.js'));
const { Client } = require('pg');

const days = Number(process.env.BENCH_DAYS ?? 730);
const campaigns = Number(process.env.BENCH_CAMPAIGNS ?? 200);
const metaWindowMs = Number(process.env.BENCH_META_WINDOW_MS ?? 10_000);
const until = new Date().toISOString().slice(0, 10);
const since = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
const META_ID = '7000000001';
const GOOGLE_MANAGER = '9000000001';
const GOOGLE_CUSTOMERS = ['9000000011', '9000000012'];
const metaCampaigns = Math.ceil(campaigns / 2);
const googleCampaigns = campaigns - metaCampaigns;

const meta = new testkit.MetaGraphFake({ windowMs: metaWindowMs });
const google = new testkit.GoogleAdsFake();
await meta.start();
await google.start();
meta.addAccount({ id: META_ID, campaigns: metaCampaigns, adsPerCampaign: 1, currency: 'EUR', timezone: 'Europe/Berlin' });
meta.addToken('bench-meta-token');
google.addManager({ id: GOOGLE_MANAGER, currency: 'USD', timezone: 'America/New_York' });
GOOGLE_CUSTOMERS.forEach((id, index) =>
  google.addCustomer(
    { id, campaigns: Math.floor(googleCampaigns / 2) + (index < googleCampaigns % 2 ? 1 : 0), adsPerCampaign: 1, currency: 'USD', timezone: 'America/New_York' },
    { manager: GOOGLE_MANAGER },
  ),
);
google.addRefreshToken('bench-google-refresh');

let harness;
try {
  harness = await testkit.startServiceHarness('bench-campaigns', startCampaigns, {
    META_GRAPH_URL: meta.url,
    META_GRAPH_VERSION: meta.options.version,
    GOOGLE_ADS_URL: google.url,
    GOOGLE_ADS_VERSION: google.options.version,
    GOOGLE_OAUTH_TOKEN_URL: `${google.url}/token`,
    META_POLL_INTERVAL_MS: '50',
    AD_SYNC_WORKER: 'off',
    LOG_LEVEL: 'warn',
  });
  const app = harness.app;
  const sync = app.get(AdSyncService);
  const metrics = app.get(MetricsRepository);
  // Time spent in the sync's write transactions (upserts of campaigns, ads and their days).
  let writeMs = 0;
  const transaction = metrics.transaction.bind(metrics);
  metrics.transaction = async (write) => {
    const started = performance.now();
    try {
      return await transaction(write);
    } finally {
      writeMs += performance.now() - started;
    }
  };

  const metaAccount = await harness.call(Rpc.adAccounts.connect, {
    platform: 'meta',
    externalId: META_ID,
    credentials: { accessToken: 'bench-meta-token', appSecret: meta.options.appSecret },
    backfillDays: days,
  });
  const googleAccount = await harness.call(Rpc.adAccounts.connect, {
    platform: 'google',
    externalId: GOOGLE_MANAGER,
    customerIds: GOOGLE_CUSTOMERS,
    credentials: { refreshToken: 'bench-google-refresh', clientId: google.options.clientId, clientSecret: google.options.clientSecret, developerToken: google.options.developerToken, loginCustomerId: GOOGLE_MANAGER },
    backfillDays: days,
  });

  const minimum = {
    meta: meta.minimumCalls(META_ID, since, until, ['campaign', 'ad']),
    google: google.minimumCalls(GOOGLE_CUSTOMERS.length, 2),
  };
  async function runAll(kind) {
    const before = { meta: meta.stats.calls, google: google.stats.calls + google.stats.tokenCalls };
    writeMs = 0;
    const started = performance.now();
    // One after the other, so the time in write transactions is not counted twice.
    const results = [
      await sync.run({ platform: 'meta', accountId: metaAccount.id, since, until, kind }),
      await sync.run({ platform: 'google', accountId: googleAccount.id, since, until, kind }),
    ];
    const wallMs = performance.now() - started;
    for (const result of results) if (result.status !== 'succeeded') throw new Error(`sync ${result.status}: ${result.reason}`);
    return {
      wallMs,
      writeMs,
      upserted: results.reduce((sum, each) => sum + each.tally.rowsUpserted, 0),
      changed: results.reduce((sum, each) => sum + each.tally.rowsChanged, 0),
      calls: { meta: meta.stats.calls - before.meta, google: google.stats.calls + google.stats.tokenCalls - before.google },
      throttledMs: results.reduce((sum, each) => sum + each.tally.throttledMs, 0),
    };
  }

  console.log(`bench:campaigns: ${campaigns} campaigns (+ 1 ad each), ${days} days ${since}..${until}; Meta window ${metaWindowMs} ms x 200 calls`);
  const first = await runAll('backfill');
  const second = await runAll('manual');

  // The same rows with a plain multi-row INSERT into copies of the two tables, 1000 rows a statement.
  const client = new Client({ connectionString: harness.databaseUrl });
  await client.connect();
  let plainRows = 0;
  let plainMs = 0;
  for (const [table, key] of [['campaign_metrics', 'campaign_id'], ['creative_metrics', 'creative_id']]) {
    const { rows } = await client.query(`SELECT ${key} AS o, date::text AS d, impressions::text AS i, clicks::text AS c, spend_micros::text AS s, platform_conversions::text AS v, platform_revenue_micros::text AS r FROM ${table}`);
    // The same columns, defaults and indexes (unique (object, date) included), without the foreign key.
    await client.query(`CREATE TABLE plain_${table} (LIKE ${table} INCLUDING ALL)`);
    const started = performance.now();
    for (let start = 0; start < rows.length; start += 1000) {
      const slice = rows.slice(start, start + 1000);
      const values = slice.map((_, index) => `($${index * 7 + 1}, $${index * 7 + 2}, $${index * 7 + 3}, $${index * 7 + 4}, $${index * 7 + 5}, $${index * 7 + 6}, $${index * 7 + 7})`);
      await client.query(
        `INSERT INTO plain_${table} (${key}, date, impressions, clicks, spend_micros, platform_conversions, platform_revenue_micros) VALUES ${values.join(', ')}`,
        slice.flatMap((row) => [row.o, row.d, row.i, row.c, row.s, row.v, row.r]),
      );
    }
    plainMs += performance.now() - started;
    plainRows += rows.length;
  }
  await client.end();

  const perSecond = (rows, ms) => Math.round((rows / ms) * 1000);
  const plainRate = perSecond(plainRows, plainMs);
  const writeRate = perSecond(first.upserted, first.writeMs);
  const wallRate = perSecond(first.upserted, first.wallMs);
  const minTotal = minimum.meta + minimum.google;
  const firstCalls = first.calls.meta + first.calls.google;
  const secondCalls = second.calls.meta + second.calls.google;
  const ratio = (a, b) => (a / b).toFixed(2);
  const table = [
    ['', 'value', 'reference', 'ratio', 'target'],
    ['rows written (1st run)', first.upserted, `${plainRows} plain`, '', ''],
    ['rows/s, sync upsert transactions', writeRate, `${plainRate} plain INSERT`, ratio(writeRate, plainRate), '>= 0.5'],
    ['rows/s, sync end to end (fetch + write)', wallRate, `${plainRate} plain INSERT`, ratio(wallRate, plainRate), ''],
    ['API calls, 1st run (Meta + Google)', `${firstCalls} (${first.calls.meta} + ${first.calls.google})`, `${minTotal} minimum (${minimum.meta} + ${minimum.google})`, ratio(firstCalls, minTotal), '<= 1.2'],
    ['calls rejected for rate', meta.stats.rejected + google.stats.rejected, '', '', '0'],
    ['peak usage % (Meta, Google)', `${meta.stats.peakUsagePct}, ${google.stats.peakUsagePct}`, '', '', '< 90'],
    ['time throttled by the client, 1st run (ms)', Math.round(first.throttledMs), '', '', ''],
    ['rows changed, 2nd run', second.changed, `${second.upserted} re-read`, '', '0'],
    ['API calls, 2nd run', secondCalls, `${minTotal} minimum`, ratio(secondCalls, minTotal), '<= 1.2'],
    ['wall time 1st / 2nd run (s)', `${(first.wallMs / 1000).toFixed(1)} / ${(second.wallMs / 1000).toFixed(1)}`, '', '', ''],
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => String(row[column]).length)));
  for (const row of table) console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '));
} finally {
  await harness?.close();
  await meta.close();
  await google.close();
}
