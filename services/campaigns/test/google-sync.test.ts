import { daysBetween } from '@castline/testkit';
import { MetricsRepository } from '../src/sync/metrics.repository';
import { type CampaignsTestbed, fakeDays, seedAccount, startTestbed, storedDays } from './campaigns-harness';

/** Google Ads sync against the fake: streamed days, resumption, quota, token and per-customer faults. */
describe('Google Ads sync', () => {
  let bed: CampaignsTestbed;

  beforeAll(async () => {
    // Small batches so a stream spans many chunks and can break in the middle of a day.
    bed = await startTestbed('campaigns-google', { google: { rowsPerBatch: 5 } });
  });
  afterAll(() => bed?.close());

  const range = { since: '2025-05-01', until: '2025-05-07' };
  const job = (accountId: string, extra: Partial<{ since: string; until: string }> = {}) => ({ platform: 'google' as const, accountId, kind: 'manual' as const, ...range, ...extra });
  const days = daysBetween(range.since, range.until);

  it('stores exactly the fake data in one stream per customer and level; a second run changes 0 rows', async () => {
    bed.google.addCustomer({ id: '1000000001', campaigns: 3, adsPerCampaign: 2, currency: 'GBP' });
    const account = await seedAccount(bed, 'google', '1000000001', { currency: 'GBP' });
    const streamsBefore = bed.google.stats.streams;
    const first = await bed.sync.run(job(account.id));
    expect(first.status).toBe('succeeded');
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.google, '1000000001', 'campaign', days));
    expect(await storedDays(bed.prisma, account.id, 'ad')).toEqual(fakeDays(bed.google, '1000000001', 'ad', days));
    expect(bed.google.stats.streams - streamsBefore).toBe(2);
    // One token call and two streams: the minimum the fake computes.
    expect(first.tally!.apiCalls).toBe(bed.google.minimumCalls(1));
    expect(first.tally).toMatchObject({ rowsUpserted: 63, rowsChanged: 63 });
    const second = await bed.sync.run(job(account.id));
    expect(second.tally).toMatchObject({ rowsUpserted: 63, rowsChanged: 0 });
    expect(await bed.prisma.campaign.findFirstOrThrow({ where: { accountId: account.id } })).toMatchObject({ currency: 'GBP', platform: 'google' });
  });

  it('a broken stream resumes from the day after the last complete one, writing no day twice', async () => {
    bed.google.addCustomer({ id: '1000000002', campaigns: 2, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '1000000002');
    // 2 rows a day: the campaign stream breaks after 7 rows, inside day 4.
    bed.google.breakNextStreams(7);
    const streams = bed.google.stats.streams;
    const outcome = await bed.sync.run(job(account.id));
    // The campaign stream broke and was resumed once; the ad stream ran whole.
    expect(bed.google.stats.streams - streams).toBe(3);
    expect(outcome.status).toBe('succeeded');
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.google, '1000000002', 'campaign', days));
    // Days 1-3 were committed before the break and not fetched or written again: 14 campaign + 14 ad rows.
    expect(outcome.tally).toMatchObject({ rowsUpserted: 28, rowsChanged: 28 });
  });

  it('RESOURCE_EXHAUSTED with a short retryDelay: waits that long and goes on', async () => {
    bed.google.addCustomer({ id: '1000000003', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '1000000003');
    bed.google.exhaustQuota(1);
    const outcome = await bed.sync.run(job(account.id));
    expect(outcome.status).toBe('succeeded');
    expect(outcome.tally!.throttledMs).toBeGreaterThanOrEqual(900);
  });

  it('RESOURCE_EXHAUSTED beyond 15 minutes: pauses the account until then, without retrying', async () => {
    bed.google.addCustomer({ id: '1000000004', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '1000000004');
    bed.google.exhaustQuota(3 * 3600);
    const calls = bed.google.stats.calls;
    const outcome = await bed.sync.run(job(account.id));
    bed.google.exhaustQuota(0);
    expect(outcome.status).toBe('paused');
    expect(bed.google.stats.calls - calls).toBe(1);
    const stored = await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored).toMatchObject({ status: 'paused', statusCode: 'google_quota_exhausted' });
    expect(stored.pausedUntil!.getTime()).toBeGreaterThan(Date.now() + 2.9 * 3600_000);
    expect(stored.statusMessage).toContain(stored.pausedUntil!.toISOString());
    expect(await bed.sync.run(job(account.id))).toMatchObject({ status: 'skipped' });
    expect(bed.google.stats.calls - calls).toBe(1);
    // Once the time has passed the account syncs again by itself.
    await bed.prisma.adAccount.update({ where: { id: account.id }, data: { pausedUntil: new Date(Date.now() - 1000) } });
    expect(await bed.sync.run(job(account.id))).toMatchObject({ status: 'succeeded' });
    expect(await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'active', pausedUntil: null });
  });

  it('5xx UNAVAILABLE is retried', async () => {
    bed.google.addCustomer({ id: '1000000005', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '1000000005');
    bed.google.failNext(503, 2);
    expect((await bed.sync.run(job(account.id))).status).toBe('succeeded');
    expect(await storedDays(bed.prisma, account.id, 'ad')).toEqual(fakeDays(bed.google, '1000000005', 'ad', days));
  });

  it('the token endpoint answering 500 once is retried like any call; invalid_grant still pauses at once', async () => {
    bed.google.addCustomer({ id: '1000000009', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '1000000009');
    bed.google.failNextToken(500, 1);
    const tokenCalls = bed.google.stats.tokenCalls;
    const outcome = await bed.sync.run(job(account.id));
    expect(outcome.status).toBe('succeeded');
    expect(bed.google.stats.tokenCalls - tokenCalls).toBe(2);
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.google, '1000000009', 'campaign', days));
    expect(await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'active', statusCode: null });
  });

  it('invalid_grant pauses the account with google_invalid_grant and makes no further calls', async () => {
    bed.google.addCustomer({ id: '1000000006', campaigns: 1, adsPerCampaign: 1 });
    const token = 'google-refresh-token-revoked';
    bed.google.addRefreshToken(token);
    const account = await seedAccount(bed, 'google', '1000000006', { refreshToken: token });
    bed.google.revokeRefreshToken(token);
    const before = { token: bed.google.stats.tokenCalls, calls: bed.google.stats.calls };
    const outcome = await bed.sync.run(job(account.id));
    expect(outcome.status).toBe('paused');
    const stored = await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored).toMatchObject({ status: 'paused', statusCode: 'google_invalid_grant' });
    expect(stored.statusMessage).toContain('reconnect the account');
    expect(await bed.sync.run(job(account.id))).toMatchObject({ status: 'skipped' });
    expect({ token: bed.google.stats.tokenCalls - before.token, calls: bed.google.stats.calls - before.calls }).toEqual({ token: 1, calls: 0 });
    bed.google.addRefreshToken('google-test-refresh-token');
  });

  it('one managed customer refused: it is marked, the others sync, the run is partial', async () => {
    bed.google.addCustomer({ id: '1000000007', campaigns: 1, adsPerCampaign: 1 });
    bed.google.addCustomer({ id: '1000000008', campaigns: 1, adsPerCampaign: 1 });
    bed.google.refuseCustomer('1000000007', 'CUSTOMER_NOT_ENABLED');
    const account = await seedAccount(bed, 'google', '9000000000', {
      customers: [
        { id: '1000000007', currency: 'USD' },
        { id: '1000000008', currency: 'USD' },
      ],
    });
    const outcome = await bed.sync.run(job(account.id));
    expect(outcome.status).toBe('partial');
    const stored = await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.status).toBe('active');
    expect(stored.statusCode).toBe('customers_refused');
    expect(stored.customers).toEqual([
      expect.objectContaining({ id: '1000000007', status: 'refused', code: 'CUSTOMER_NOT_ENABLED' }),
      expect.objectContaining({ id: '1000000008', status: 'ok' }),
    ]);
    const synced = await storedDays(bed.prisma, account.id, 'campaign');
    expect(synced).toEqual(fakeDays(bed.google, '1000000008', 'campaign', days));
    const run = await bed.prisma.adSyncRun.findUniqueOrThrow({ where: { id: outcome.runId! } });
    expect(run).toMatchObject({ status: 'partial', errorCode: 'customers_refused' });
  });
});

describe('Google Ads sync of a slow stream', () => {
  let bed: CampaignsTestbed;

  beforeAll(async () => {
    // One day per batch, 400 ms apart: a 6-day stream takes 2 s, longer than the 1 s a complete day is held.
    bed = await startTestbed('campaigns-google-slow', { google: { rowsPerBatch: 1, batchDelayMs: 400 } });
  });
  afterAll(() => bed?.close());

  it('commits complete days while the stream is still arriving, not all at its end', async () => {
    bed.google.addCustomer({ id: '1000000009', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '1000000009');
    const metrics = bed.harness.app.get(MetricsRepository);
    const transaction = metrics.transaction.bind(metrics);
    let transactions = 0;
    const spy = jest.spyOn(metrics, 'transaction').mockImplementation((write) => {
      transactions += 1;
      return transaction(write);
    });
    try {
      const range = { since: '2025-05-01', until: '2025-05-06' };
      const result = await bed.sync.run({ platform: 'google', accountId: account.id, kind: 'manual', ...range });
      expect(result.status).toBe('succeeded');
      expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.google, '1000000009', 'campaign', daysBetween(range.since, range.until)));
      // Two streams (campaign, ad) of 6 rows, far below the 5,000-row batch: more than one commit per stream.
      expect(transactions).toBeGreaterThan(2);
    } finally {
      spy.mockRestore();
    }
  }, 30_000);
});
