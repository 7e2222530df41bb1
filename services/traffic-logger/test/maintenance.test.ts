import { randomBytes } from 'node:crypto';
import { Jobs } from '@castline/platform';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { runTrafficMaintenance } from '../src/maintenance/maintenance';
import { MAINTENANCE_SCHEDULER } from '../src/maintenance/maintenance.worker';
import { PostgresTrafficStore } from '../src/store/postgres-traffic-store';
import { NO_UTM, NOT_ENRICHED, type RequestRow } from '../src/store/traffic-store';
import { startTrafficLogger } from '../src/traffic-logger-app';

/** Daily partitions ahead and retention by DROP PARTITION, on the service's real database and queue. */
let harness: ServiceHarness;
let store: PostgresTrafficStore;
let jobs: Jobs;
const DAY = 86_400_000;
const compact = (at: Date) => at.toISOString().slice(0, 10).replace(/-/g, '');

const row = (ts: Date): RequestRow => ({
  ts, requestId: randomBytes(16).toString('hex'), host: 'h', method: 'GET', path: '/', query: null, ...NO_UTM, status: 200, bodyBytes: 1, bytesSent: 1,
  requestTimeMs: 1, upstreamAddr: null, upstreamStatus: null, upstreamResponseTime: null, ip: null, ipHash: null, userAgent: null,
  referer: null, mediaKind: null, channelSlug: null, channelId: null, rendition: null, ...NOT_ENRICHED,
});

beforeAll(async () => {
  harness = await startServiceHarness('traffic-maintenance', startTrafficLogger, { TRAFFIC_PARTITIONS_AHEAD_DAYS: '7' });
  store = new PostgresTrafficStore(harness.databaseUrl);
  jobs = new Jobs({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: harness.redisKeyPrefix });
});

afterAll(async () => {
  await jobs?.onApplicationShutdown();
  await store?.close();
  await harness?.close();
});

it('creates the daily partitions of today and the next 7 days at start, and schedules the hourly job', async () => {
  const now = new Date();
  const report = await runTrafficMaintenance(store, { partitionsAheadDays: 7, retentionDays: { requests: 30, view_sessions: 90, events: 90, sessions: 90 } }, now);
  // The service did it already at start: nothing left to create.
  expect(report.created).toEqual([]);
  const lastDay = await store.ensurePartitions(new Date(now.getTime() + 8 * DAY), 1);
  expect(lastDay).toEqual(['requests', 'view_sessions', 'events', 'sessions'].map((table) => `${table}_${compact(new Date(now.getTime() + 8 * DAY))}`));
  expect(await jobs.queue('traffic-maintenance').nextRun(MAINTENANCE_SCHEDULER)).toBeInstanceOf(Date);
});

it('drops request partitions past 30 days and view sessions past 90, and reports rows in DEFAULT', async () => {
  const now = new Date();
  const old = new Date(now.getTime() - 40 * DAY);
  await store.ensurePartitions(old, 1);
  await store.writeAccessBatch({ requests: [row(old)], viewHits: [], checkpoint: null });
  const farAhead = new Date(now.getTime() + 60 * DAY);
  await store.writeAccessBatch({ requests: [row(farAhead)], viewHits: [], checkpoint: null });

  const report = await runTrafficMaintenance(store, { partitionsAheadDays: 7, retentionDays: { requests: 30, view_sessions: 90, events: 90, sessions: 90 } }, now);
  expect(report.dropped).toEqual([`requests_${compact(old)}`]);
  expect(report.defaultRows).toEqual({ requests: 1, view_sessions: 0, events: 0, sessions: 0 });
  expect(await store.requestsBetween(new Date(old.getTime() - DAY), new Date(old.getTime() + DAY))).toEqual([]);
  // The view-session partition of that day is within its 90 days.
  expect(await store.dropPartitionsBefore('view_sessions', new Date(now.getTime() - 90 * DAY))).toEqual([]);
});
