import { daysBetween } from '@castline/testkit';
import { AdSyncJobs } from '../src/sync/ad-sync.worker';
import { addDays, todayIn } from '../src/sync/day-range';
import { backfillCursor, type CampaignsTestbed, fakeDays, seedAccount, startTestbed, storedDays, syncWorkers } from './campaigns-harness';

/** A worker killed with SIGKILL in the middle of a backfill: the next one resumes after the last committed chunk. */
describe('backfill after kill -9', () => {
  let bed: CampaignsTestbed;
  let workers: ReturnType<typeof syncWorkers>;

  beforeAll(async () => {
    // Each one-day chunk takes a few polls, so the backfill is still running when the worker is killed.
    bed = await startTestbed('campaigns-backfill', { meta: { pollsToComplete: 3, callsPerWindow: 10_000 }, env: { META_DAYS_PER_RUN: '1' } });
    workers = syncWorkers(bed);
  });
  afterAll(async () => {
    workers?.kill();
    await bed?.close();
  });

  const worker = () => workers.start();
  const cursorOf = (accountId: string) => backfillCursor(bed.prisma, accountId);
  const waitFor = <T>(read: () => Promise<T>, done: (value: T) => boolean) => workers.waitFor(read, done);

  it('resumes at the chunk after the last committed one and stores every day exactly once', async () => {
    bed.meta.addAccount({ id: '8080', campaigns: 2, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '8080');
    const { since, until } = await bed.harness.app.get(AdSyncJobs).backfill(account, 20);
    expect(until).toBe(todayIn('UTC'));
    const first = await worker();
    const atKill = await waitFor(() => cursorOf(account.id), (cursor) => cursor !== null && cursor >= addDays(since, 4));
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const killedAt = (await cursorOf(account.id))!;
    expect(killedAt >= atKill! && killedAt < until).toBe(true);
    const second = await worker();
    await waitFor(() => cursorOf(account.id), (cursor) => cursor === until);
    await second.stop();

    const days = daysBetween(since, until);
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.meta, '8080', 'campaign', days));
    expect(await storedDays(bed.prisma, account.id, 'ad')).toEqual(fakeDays(bed.meta, '8080', 'ad', days));
    const fetched = new Map<string, number>();
    for (const run of bed.meta.runLog.filter((each) => each.accountId === '8080')) {
      const key = `${run.level} ${run.since}`;
      fetched.set(key, (fetched.get(key) ?? 0) + 1);
    }
    for (const day of days) {
      for (const level of ['campaign', 'ad']) {
        // Committed chunks were never fetched again; only the chunk in flight at the kill may have been.
        const times = fetched.get(`${level} ${day}`);
        if (day <= killedAt) expect({ day, level, times }).toEqual({ day, level, times: 1 });
        else expect(times === 1 || (times === 2 && day === addDays(killedAt, 1))).toBe(true);
      }
    }
    const runs = await bed.prisma.adSyncRun.findMany({ where: { accountId: account.id }, orderBy: { startedAt: 'asc' } });
    expect(runs.map((run) => run.status)).toEqual(['interrupted', 'succeeded']);
  }, 90_000);
  it('a worker stopped with SIGTERM mid-backfill hands the job back without finishing it; the next goes on from the cursor', async () => {
    bed.meta.addAccount({ id: '8081', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '8081');
    const { since, until } = await bed.harness.app.get(AdSyncJobs).backfill(account, 30);
    const first = await worker();
    await waitFor(() => cursorOf(account.id), (cursor) => cursor !== null && cursor >= addDays(since, 3));
    // A deploy's stop: the worker must not hold the process until 26 more days are read.
    await first.stop();
    const stoppedAt = (await cursorOf(account.id))!;
    expect(stoppedAt < until).toBe(true);
    const runsOf = () => bed.prisma.adSyncRun.findMany({ where: { accountId: account.id }, orderBy: { startedAt: 'asc' } });
    // Closed by the stopping worker itself, with the reason, not left running for the next one to find.
    expect((await runsOf()).map((run) => [run.status, run.errorCode])).toEqual([['interrupted', 'interrupted']]);
    const second = await worker();
    await waitFor(() => cursorOf(account.id), (cursor) => cursor === until);
    await second.stop();
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.meta, '8081', 'campaign', daysBetween(since, until)));
    expect((await runsOf()).map((run) => run.status)).toEqual(['interrupted', 'succeeded']);
    const fetchedTwice = bed.meta.runLog.filter((run) => run.accountId === '8081' && run.since <= stoppedAt && run.level === 'campaign').length - daysBetween(since, stoppedAt).length;
    expect(fetchedTwice).toBe(0);
  }, 90_000);
});
