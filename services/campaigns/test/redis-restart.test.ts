import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queues } from '@castline/contracts';
import { Jobs } from '@castline/platform';
import { daysBetween, freePort } from '@castline/testkit';
import { parse } from 'yaml';
import { AdSyncJobs, adSyncIds } from '../src/sync/ad-sync.worker';
import { addDays } from '../src/sync/day-range';
import { backfillCursor, type CampaignsTestbed, fakeDays, seedAccount, startTestbed, storedDays, syncWorkers } from './campaigns-harness';

/**
 * Redis restarts (as `docker compose restart redis` does: SIGTERM, then the same data directory) while a worker
 * is in the middle of a backfill, with a delayed "sync now" job and the job schedulers in Redis. Redis runs with
 * the production compose file's command (AOF + RDB, noeviction, the ACL user), on a port of its own.
 */
const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const password = randomBytes(24).toString('hex');

function composeRedisArgs(): string[] {
  const compose = parse(readFileSync(path.join(__dirname, '../../../docker-compose.prod.yml'), 'utf8')) as { services: { redis: { command: string[] } } };
  const [binary, ...args] = compose.services.redis.command;
  expect(binary).toBe('redis-server');
  expect(args).toContain('--appendonly');
  return args.map((arg) => arg.replace(/\$\{REDIS_PASSWORD:\?[^}]*\}/g, password));
}

describe('a Redis restart mid-run', () => {
  let bed: CampaignsTestbed;
  let redis: ChildProcess | undefined;
  let port: number;
  let dataDir: string;
  let workers: ReturnType<typeof syncWorkers>;
  const redisUrl = () => `redis://castline:${password}@127.0.0.1:${port}`;

  async function startRedis(): Promise<void> {
    const server = spawn(REDIS_SERVER, [...composeRedisArgs(), '--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`))));
    const ready = (async () => {
      while (!/Ready to accept connections/.test(output)) await new Promise((resolve) => setTimeout(resolve, 20));
    })();
    await Promise.race([ready, exited]);
    // Replaying the AOF must not refuse anything (with the default user off it refused every MULTI/EXEC).
    expect(output).not.toMatch(/CRITICAL/);
    redis = server;
  }

  async function stopRedis(): Promise<void> {
    const server = redis;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'castline-redis-restart-'));
    await startRedis();
    // Each one-day chunk takes a few polls, so the backfill is still running when Redis goes away.
    bed = await startTestbed('campaigns-redis-restart', {
      meta: { pollsToComplete: 3, callsPerWindow: 10_000 },
      env: { META_DAYS_PER_RUN: '1', REDIS_URL: redisUrl() },
    });
    workers = syncWorkers(bed);
  });
  afterAll(async () => {
    workers?.kill();
    await bed?.close();
    await stopRedis();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const worker = () => workers.start({ REDIS_URL: redisUrl() });
  const cursorOf = (accountId: string) => backfillCursor(bed.prisma, accountId);
  const waitFor = <T>(read: () => Promise<T>, done: (value: T) => boolean) => workers.waitFor(read, done, 60_000);

  it('the backfill, a delayed sync-now job and the schedulers all come through: nothing lost, nothing written twice', async () => {
    bed.meta.addAccount({ id: '8181', campaigns: 2, adsPerCampaign: 1 });
    bed.meta.addAccount({ id: '8282', campaigns: 1, adsPerCampaign: 1 });
    const backfilled = await seedAccount(bed, 'meta', '8181');
    const scheduled = await seedAccount(bed, 'meta', '8282');
    const jobs = bed.harness.app.get(AdSyncJobs);
    const queue = bed.harness.app.get(Jobs).queue(Queues.adSync);
    await jobs.schedule(backfilled);
    await jobs.schedule(scheduled);
    const nextRuns = async () => Promise.all([backfilled, scheduled].flatMap((account) => [queue.nextRun(adSyncIds.hourly(account.id)), queue.nextRun(adSyncIds.lookback(account.id))]));
    const schedulersBefore = await nextRuns();
    expect(schedulersBefore.every((next) => next instanceof Date)).toBe(true);
    const { since, until } = await jobs.backfill(backfilled, 20);
    // "Sync now" of the other account, due a few seconds after Redis is back: it waits in Redis through the restart.
    const manualRange = { since: addDays(until, -2), until };
    await queue.add('manual', { platform: 'meta', accountId: scheduled.id, kind: 'manual', ...manualRange }, { jobId: adSyncIds.manual(scheduled.id), delay: 4_000, attempts: 20, backoff: { type: 'fixed', delay: 1500 }, removeOnComplete: true });

    await worker();
    const atRestart = await waitFor(() => cursorOf(backfilled.id), (cursor) => cursor !== null && cursor >= addDays(since, 4));
    await stopRedis();
    // Down long enough for the job lock (1.5 s) to lapse while the worker keeps syncing against Postgres.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await startRedis();
    expect(await cursorOf(backfilled.id)).not.toBe(until);

    await waitFor(() => cursorOf(backfilled.id), (cursor) => cursor === until);
    await waitFor(
      () => bed.prisma.adSyncRun.findMany({ where: { accountId: scheduled.id } }),
      (runs) => runs.some((run) => run.status === 'succeeded'),
    );
    // Every job settles: none left failed or waiting (the schedulers' next runs are delayed jobs).
    await waitFor(
      () => queue.counts(),
      (counts) => counts.active === 0 && counts.waiting === 0,
    );
    expect((await queue.inState('failed')).map((job) => `${job.id} ${job.data.kind}: ${job.failedReason}`)).toEqual([]);

    // Nothing lost: every day of both accounts equals the fake; nothing twice: a (campaign, date) is one row.
    const days = daysBetween(since, until);
    expect(await storedDays(bed.prisma, backfilled.id, 'campaign')).toEqual(fakeDays(bed.meta, '8181', 'campaign', days));
    expect(await storedDays(bed.prisma, backfilled.id, 'ad')).toEqual(fakeDays(bed.meta, '8181', 'ad', days));
    expect(await storedDays(bed.prisma, scheduled.id, 'campaign')).toEqual(fakeDays(bed.meta, '8282', 'campaign', daysBetween(manualRange.since, manualRange.until)));
    // Chunks committed before the restart were not fetched again; at most the one in flight was.
    const fetched = new Map<string, number>();
    for (const run of bed.meta.runLog.filter((each) => each.accountId === '8181')) fetched.set(`${run.level} ${run.since}`, (fetched.get(`${run.level} ${run.since}`) ?? 0) + 1);
    const again = [...fetched.entries()].filter(([, times]) => times > 1);
    expect(again.length).toBeLessThanOrEqual(2);
    for (const [key] of again) expect(key.split(' ')[1]! > atRestart!).toBe(true);
    // A job whose lock lapsed while Redis was down runs again (BullMQ is at-least-once), but nothing is written
    // twice: over all runs of an account every stored row changed exactly once, and no run failed.
    for (const [account, rows] of [
      [backfilled, days.length * 4],
      [scheduled, daysBetween(manualRange.since, manualRange.until).length * 2],
    ] as const) {
      const runs = await bed.prisma.adSyncRun.findMany({ where: { accountId: account.id }, orderBy: { startedAt: 'asc' } });
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.filter((run) => run.status !== 'succeeded' && run.status !== 'interrupted')).toEqual([]);
      expect({ account: account.externalId, changed: runs.reduce((sum, run) => sum + run.rowsChanged, 0) }).toEqual({ account: account.externalId, changed: rows });
    }
    // The schedulers are still there, due when they were.
    expect(await nextRuns()).toEqual(schedulersBefore);
  }, 120_000);
});
