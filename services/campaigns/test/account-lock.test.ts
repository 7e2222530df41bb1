import { Queues, Rpc } from '@castline/contracts';
import { Jobs } from '@castline/platform';
import { adSyncIds, AdSyncJobs } from '../src/sync/ad-sync.worker';
import { addDays, asDate, todayIn } from '../src/sync/day-range';
import { type CampaignsTestbed, META_APP_SECRET, META_TOKEN, seedAccount, startTestbed, syncWorkers } from './campaigns-harness';

interface SchedulerJson {
  key: string;
  name: string;
  pattern?: string;
  tz?: string;
  next?: number;
  template?: { data?: Record<string, unknown> };
}

/**
 * One sync per account at a time, with the worker in this process on the real queue: what the other jobs of a
 * busy account do, and the job schedulers connect registers.
 */
describe('one sync per account', () => {
  let bed: CampaignsTestbed;
  let waitFor: ReturnType<typeof syncWorkers>['waitFor'];

  beforeAll(async () => {
    // One-day report runs of a few polls each: the backfill holds the account for a few seconds.
    bed = await startTestbed('campaigns-account-lock', {
      meta: { pollsToComplete: 3, callsPerWindow: 10_000 },
      env: { AD_SYNC_WORKER: 'on', AD_SYNC_LOCK_MS: '1500', META_DAYS_PER_RUN: '1', META_POLL_INTERVAL_MS: '40' },
    });
    waitFor = (read, done, timeoutMs = 30_000) => syncWorkers(bed).waitFor(read, done, timeoutMs);
  });
  afterAll(() => bed?.close());

  const queue = () => bed.harness.app.get(Jobs).queue(Queues.adSync);
  const runsOf = (accountId: string) => bed.prisma.adSyncRun.findMany({ where: { accountId }, orderBy: { startedAt: 'asc' } });

  it('during a backfill an hourly job is skipped and recorded; "sync now" waits and runs after it; nothing fails', async () => {
    bed.meta.addAccount({ id: '8484', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '8484');
    const until = todayIn('UTC');
    await bed.prisma.adAccount.update({ where: { id: account.id }, data: { backfillSince: asDate(addDays(until, -11)), backfillUntil: asDate(until) } });
    await bed.harness.app.get(AdSyncJobs).backfill(account, 12);
    await waitFor(() => runsOf(account.id), (runs) => runs.some((run) => run.kind === 'backfill' && run.status === 'running'));

    await queue().add('hourly', { platform: 'meta', accountId: account.id, since: until, until, kind: 'hourly' }, { jobId: `hourly-${account.id}`, removeOnComplete: true });
    const now = await bed.harness.call(Rpc.adAccounts.syncNow, { id: account.id });
    expect(now).toMatchObject({ queued: true, jobId: adSyncIds.manual(account.id), behind: 'backfill' });

    const skipped = (await waitFor(() => runsOf(account.id), (runs) => runs.some((run) => run.kind === 'hourly'))).find((run) => run.kind === 'hourly')!;
    expect(skipped).toMatchObject({ status: 'skipped', errorCode: 'account_busy', apiCalls: 0, rowsUpserted: 0 });
    expect(skipped.error).toContain('(backfill) was running');
    // The backfill's own run was left running (not closed as interrupted by the skipped one).
    expect((await runsOf(account.id)).find((run) => run.kind === 'backfill')).toMatchObject({ status: 'running' });

    const runs = await waitFor(() => runsOf(account.id), (all) => all.some((run) => run.kind === 'manual' && run.status === 'succeeded'));
    expect(runs.map((run) => `${run.kind} ${run.status}`)).toEqual(['backfill succeeded', 'hourly skipped', 'manual succeeded']);
    const backfill = runs[0]!;
    const manual = runs[2]!;
    expect(manual.startedAt.getTime()).toBeGreaterThanOrEqual(backfill.finishedAt!.getTime());
    expect(manual.rowsUpserted).toBeGreaterThan(0);
    // No job failed or is left behind.
    await waitFor(() => queue().counts(), (counts) => counts.active === 0 && counts.waiting === 0 && counts.delayed === 0);
    expect((await queue().inState('failed')).map((job) => `${job.id}: ${job.failedReason}`)).toEqual([]);
    expect(await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'active', statusCode: null });
  }, 60_000);

  it('connect registers the hourly and 03:00 lookback schedulers in the account time zone', async () => {
    bed.meta.addAccount({ id: '8585', campaigns: 1, adsPerCampaign: 1, timezone: 'Europe/Berlin' });
    const connected = await bed.harness.call(Rpc.adAccounts.connect, { platform: 'meta', externalId: '8585', credentials: { accessToken: META_TOKEN, appSecret: META_APP_SECRET }, backfillDays: 3 });
    const raw = (queue() as unknown as { queue: { getJobSchedulers(): Promise<SchedulerJson[]> } }).queue;
    const schedulers = (await raw.getJobSchedulers()).filter((each) => each.key.startsWith(connected.id));
    expect(schedulers.map(({ key, name, pattern, tz, template }) => ({ key, name, pattern, tz, kind: template?.data?.kind, platform: template?.data?.platform })).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: adSyncIds.hourly(connected.id), name: 'hourly', pattern: '0 * * * *', tz: 'Europe/Berlin', kind: 'hourly', platform: 'meta' },
      { key: adSyncIds.lookback(connected.id), name: 'lookback', pattern: '0 3 * * *', tz: 'Europe/Berlin', kind: 'lookback', platform: 'meta' },
    ]);
    // The lookback fires at 03:00 Berlin time (02:00 or 01:00 UTC), within the next day; the hourly on the hour.
    const at = (id: string) => queue().nextRun(id);
    const lookback = (await at(adSyncIds.lookback(connected.id)))!;
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(lookback);
    expect(berlin).toBe('03:00');
    expect(lookback.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    const hourly = (await at(adSyncIds.hourly(connected.id)))!;
    expect(hourly.getUTCMinutes()).toBe(0);
    expect(hourly.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
    // The backfill connect queued runs to its end before the worker stops.
    await waitFor(() => bed.prisma.adAccount.findUniqueOrThrow({ where: { id: connected.id } }), (account) => account.backfillCursor !== null && account.backfillCursor >= account.backfillUntil!);
  });
});
