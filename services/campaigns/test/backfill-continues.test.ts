import { Queues, Rpc } from '@castline/contracts';
import type { AdAccount } from '@castline/db';
import { Jobs } from '@castline/platform';
import { daysBetween } from '@castline/testkit';
import { AdSyncJobs } from '../src/sync/ad-sync.worker';
import { addDays, asDate, dateOnly, todayIn } from '../src/sync/day-range';
import { backfillCursor, type CampaignsTestbed, fakeDays, META_APP_SECRET, seedAccount, startTestbed, type StoredDay, storedDays, syncWorkers } from './campaigns-harness';

/**
 * A backfill stopped by something other than a kill (a quota pause, revoked credentials, a fault past its
 * retries) ends its job; it goes on from its committed cursor once the account can sync again: the pause's
 * time passing (the next hourly run), new credentials, a later clean run. The ad-sync worker runs in this
 * process on the real queue.
 */
describe('an interrupted backfill continues', () => {
  let bed: CampaignsTestbed;
  let waitFor: ReturnType<typeof syncWorkers>['waitFor'];

  beforeAll(async () => {
    bed = await startTestbed('campaigns-backfill-continues', { env: { AD_SYNC_WORKER: 'on', AD_SYNC_LOCK_MS: '1500', META_DAYS_PER_RUN: '2' } });
    waitFor = (read, done, timeoutMs = 20_000) => syncWorkers(bed).waitFor(read, done, timeoutMs);
  });
  afterAll(() => bed?.close());

  const queue = () => bed.harness.app.get(Jobs).queue(Queues.adSync);
  const accountOf = (id: string) => bed.prisma.adAccount.findUniqueOrThrow({ where: { id } });
  const runsOf = async (id: string) => (await bed.prisma.adSyncRun.findMany({ where: { accountId: id }, orderBy: { startedAt: 'asc' } })).map((run) => `${run.kind} ${run.status}${run.errorCode ? ` ${run.errorCode}` : ''}`);
  const sortDays = (rows: StoredDay[]) => rows.sort((a, b) => (a.date === b.date ? a.externalId.localeCompare(b.externalId) : a.date.localeCompare(b.date)));

  /** The range connect records on the account (backfillSince/Until), then the backfill job connect queues. */
  async function startBackfill(account: AdAccount, days: number) {
    const until = todayIn(account.timezone);
    const since = addDays(until, -(days - 1));
    await bed.prisma.adAccount.update({ where: { id: account.id }, data: { backfillSince: asDate(since), backfillUntil: asDate(until) } });
    expect(await bed.harness.app.get(AdSyncJobs).backfill(account, days)).toEqual({ since, until });
    return { since, until };
  }

  /** The hourly job the account's scheduler adds at the top of the hour. */
  const hourly = (account: AdAccount) =>
    queue().add('hourly', { platform: account.platform, accountId: account.id, since: todayIn('UTC'), until: todayIn('UTC'), kind: 'hourly' }, { jobId: `hourly-${account.id}-${Date.now()}`, removeOnComplete: true });

  it('Google RESOURCE_EXHAUSTED past 15 min: paused until then; after it the backfill goes on without refetching finished customers', async () => {
    bed.google.addCustomer({ id: '2100000001', campaigns: 1, adsPerCampaign: 1 });
    bed.google.addCustomer({ id: '2100000002', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '2100000000', {
      customers: [
        { id: '2100000001', currency: 'USD' },
        { id: '2100000002', currency: 'USD' },
      ],
    });
    // The first customer's two streams get through, then the daily quota runs out for 3 hours.
    bed.google.exhaustQuota(3 * 3600, 2);
    const { since, until } = await startBackfill(account, 10);
    const paused = await waitFor(() => accountOf(account.id), (each) => each.status === 'paused');
    expect(paused).toMatchObject({ statusCode: 'google_quota_exhausted', backfillCursor: null });
    expect(paused.pausedUntil!.getTime()).toBeGreaterThan(Date.now() + 2.9 * 3600_000);
    expect(paused.customers).toEqual([
      expect.objectContaining({ id: '2100000001', cursor: { campaign: until, ad: until } }),
      expect.objectContaining({ id: '2100000002', cursor: {} }),
    ]);
    expect(await runsOf(account.id)).toEqual(['backfill paused google_quota_exhausted']);

    // The quota resets and the pause's time passes; the next hourly run finds the account due again.
    bed.google.exhaustQuota(0);
    await bed.prisma.adAccount.update({ where: { id: account.id }, data: { pausedUntil: new Date(Date.now() - 1000) } });
    await hourly(account);
    await waitFor(() => backfillCursor(bed.prisma, account.id), (cursor) => cursor === until);
    await waitFor(() => runsOf(account.id), (runs) => runs.length === 3 && !runs.some((run) => run.endsWith('running')));
    expect(await runsOf(account.id)).toEqual(['backfill paused google_quota_exhausted', 'hourly succeeded', 'backfill succeeded']);
    expect(await accountOf(account.id)).toMatchObject({ status: 'active', statusCode: null, pausedUntil: null });

    // Each customer and level was streamed over the backfill once: the first customer's before the pause only.
    const backfillStreams = bed.google.streamLog.filter((each) => each.customerId.startsWith('21000000') && each.since === since).map((each) => `${each.customerId} ${each.level} ${each.until}`);
    expect(backfillStreams.sort()).toEqual([`2100000001 ad ${until}`, `2100000001 campaign ${until}`, `2100000002 ad ${until}`, `2100000002 campaign ${until}`]);
    const days = daysBetween(since, until);
    for (const level of ['campaign', 'ad'] as const) {
      expect(await storedDays(bed.prisma, account.id, level)).toEqual(sortDays([...fakeDays(bed.google, '2100000001', level, days), ...fakeDays(bed.google, '2100000002', level, days)]));
    }
  }, 60_000);

  it('Meta 190 mid-backfill: paused; new credentials (update) and the backfill goes on from its cursor', async () => {
    bed.meta.addAccount({ id: '8383', campaigns: 1, adsPerCampaign: 1 });
    const expiring = 'meta-token-that-expires';
    bed.meta.addToken(expiring);
    const account = await seedAccount(bed, 'meta', '8383', { accessToken: expiring });
    const until = todayIn('UTC');
    const since = addDays(until, -9);
    // The first 4 days were committed by the backfill before the token expired.
    expect((await bed.sync.run({ platform: 'meta', accountId: account.id, kind: 'backfill', since, until: addDays(since, 3) })).status).toBe('succeeded');
    expect(await backfillCursor(bed.prisma, account.id)).toBe(addDays(since, 3));
    bed.meta.expireToken(expiring);
    await startBackfill(account, 10);
    const paused = await waitFor(() => accountOf(account.id), (each) => each.status === 'paused');
    expect(paused).toMatchObject({ statusCode: 'meta_token_expired' });
    expect(dateOnly(paused.backfillCursor!)).toBe(addDays(since, 3));
    expect(await queue().getJob(`backfill-${account.id}`)).toBeUndefined();

    const renewed = 'meta-token-renewed';
    bed.meta.addToken(renewed);
    const updated = await bed.harness.call(Rpc.adAccounts.update, { id: account.id, changes: { credentials: { accessToken: renewed, appSecret: META_APP_SECRET } } });
    expect(updated).toMatchObject({ status: 'active', statusCode: null });
    await waitFor(() => backfillCursor(bed.prisma, account.id), (cursor) => cursor === until);
    await waitFor(() => runsOf(account.id), (runs) => runs.length === 3 && !runs.some((run) => run.endsWith('running')));
    expect(await runsOf(account.id)).toEqual(['backfill succeeded', 'backfill failed meta_token_expired', 'backfill succeeded']);

    // Days committed before the 190 were not fetched again.
    const fetched = bed.meta.runLog.filter((each) => each.accountId === '8383').map((each) => `${each.level} ${each.since}`);
    for (const day of daysBetween(since, until).filter((_, index) => index % 2 === 0)) {
      for (const level of ['campaign', 'ad']) expect({ day, level, times: fetched.filter((each) => each === `${level} ${day}`).length }).toEqual({ day, level, times: 1 });
    }
    const days = daysBetween(since, until);
    expect(await storedDays(bed.prisma, account.id, 'ad')).toEqual(fakeDays(bed.meta, '8383', 'ad', days));
  }, 60_000);

  it('Google stream breaking past its retries: the account errs; the next clean run continues the backfill at the committed day', async () => {
    bed.google.addCustomer({ id: '2200000001', campaigns: 2, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '2200000001');
    // 2 campaign rows a day: the first stream breaks inside day 4 (the days complete before it are committed),
    // every retry at once.
    bed.google.breakNextStreams(7, 0, 0, 0, 0, 0);
    const { since, until } = await startBackfill(account, 10);
    const failed = await waitFor(() => accountOf(account.id), (each) => each.status === 'error');
    expect(failed).toMatchObject({ statusCode: 'google_stream_broken', backfillCursor: null });
    const committed = (failed.customers as Array<{ cursor: { campaign?: string } }>)[0]!.cursor;
    expect(Object.keys(committed)).toEqual(['campaign']);
    expect(committed.campaign! >= addDays(since, 1) && committed.campaign! <= addDays(since, 2)).toBe(true);
    const resumeAt = addDays(committed.campaign!, 1);

    await hourly(account);
    await waitFor(() => backfillCursor(bed.prisma, account.id), (cursor) => cursor === until);
    await waitFor(() => runsOf(account.id), (runs) => runs.length === 3 && !runs.some((run) => run.endsWith('running')));
    expect(await runsOf(account.id)).toEqual(['backfill failed google_stream_broken', 'hourly succeeded', 'backfill succeeded']);
    expect((await accountOf(account.id)).customers).toEqual([expect.objectContaining({ cursor: { campaign: until, ad: until } })]);

    // Campaign level: the broken stream from day 1, its 5 retries and the continuation from the day after the
    // committed one; the ad level once, after the error. No committed day was asked for twice.
    const streams = bed.google.streamLog.filter((each) => each.customerId === '2200000001' && each.since !== addDays(until, -1)).map((each) => `${each.level} ${each.since}`);
    expect(streams).toEqual([`campaign ${since}`, ...Array<string>(6).fill(`campaign ${resumeAt}`), `ad ${since}`]);
    const days = daysBetween(since, until);
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.google, '2200000001', 'campaign', days));
    expect(await storedDays(bed.prisma, account.id, 'ad')).toEqual(fakeDays(bed.google, '2200000001', 'ad', days));
  }, 60_000);
});
