import { Rpc } from '@castline/contracts';
import { daysBetween, type MetaUsageHeaders } from '@castline/testkit';
import { addDays, todayIn } from '../src/sync/day-range';
import { type CampaignsTestbed, fakeDays, seedAccount, startTestbed, storedDays } from './campaigns-harness';

/** Meta sync against the Graph API fake: what is stored, what is re-written, and every fault of the issue. */
describe('Meta sync', () => {
  let bed: CampaignsTestbed;

  beforeAll(async () => {
    bed = await startTestbed('campaigns-meta', { env: { META_DAYS_PER_RUN: '4' }, meta: { pageSize: 7 } });
  });
  afterAll(() => bed?.close());

  const range = { since: '2025-03-01', until: '2025-03-10' };
  /** Milliseconds between one account's consecutive calls, as the fake saw them arrive. */
  const gaps = (accountId: string) => {
    const times = bed.meta.callLog.filter((call) => call.accountId === accountId).map((call) => call.at);
    return times.slice(1).map((at, i) => at - times[i]!);
  };
  const job = (accountId: string, extra: Partial<{ since: string; until: string; kind: 'manual' | 'lookback' | 'hourly' | 'backfill' }> = {}) => ({
    platform: 'meta' as const,
    accountId,
    ...range,
    ...extra,
  });

  it('stores exactly the fake data at campaign and ad level, and a second run changes 0 rows', async () => {
    bed.meta.addAccount({ id: '111', campaigns: 3, adsPerCampaign: 2, currency: 'EUR' });
    const account = await seedAccount(bed, 'meta', '111', { currency: 'EUR' });
    const first = await bed.sync.run(job(account.id));
    expect(first.status).toBe('succeeded');
    const days = daysBetween(range.since, range.until);
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.meta, '111', 'campaign', days));
    expect(await storedDays(bed.prisma, account.id, 'ad')).toEqual(fakeDays(bed.meta, '111', 'ad', days));
    expect(first.tally).toMatchObject({ rowsUpserted: 90, rowsChanged: 90 });
    // 10 days in runs of 4 (4, 4, 2) x 2 levels: each run one POST and one poll, then pages of 7 rows
    // (campaign level 12, 12, 6 rows: 2 + 2 + 1 pages; ad level 24, 24, 12 rows: 4 + 4 + 2 pages).
    expect(first.tally!.apiCalls).toBe(6 * 2 + 15);
    // Every run asked for the actions by action type (the fake answers only the fields asked for).
    for (const run of bed.meta.runLog.filter((each) => each.accountId === '111')) {
      expect(run.actionBreakdowns).toBe('action_type');
      expect(run.fields).toEqual(expect.arrayContaining(['impressions', 'clicks', 'spend', 'actions', 'action_values']));
    }
    const second = await bed.sync.run(job(account.id));
    expect(second.tally).toMatchObject({ rowsUpserted: 90, rowsChanged: 0 });
    const run = await bed.prisma.adSyncRun.findUniqueOrThrow({ where: { id: second.runId! } });
    expect(run).toMatchObject({ status: 'succeeded', rowsUpserted: 90, rowsChanged: 0 });
    expect(run.apiCalls).toBeGreaterThan(0);
    const campaign = await bed.prisma.campaign.findFirstOrThrow({ where: { accountId: account.id, externalId: '1110001' } });
    expect(campaign).toMatchObject({ platform: 'meta', currency: 'EUR' });
    // The campaign's creatives over the range: the fake's two ads, with their summed figures.
    const creatives = await bed.harness.call(Rpc.campaigns.creatives, { id: campaign.id, ...range });
    const adDays = fakeDays(bed.meta, '111', 'ad', days).filter((day) => day.externalId.startsWith('1110001'));
    expect(creatives.currency).toBe('EUR');
    expect(creatives.items.map((item) => [item.externalAdId, item.impressions, item.spend]).sort()).toEqual(
      ['1110001001', '1110001002'].map((adId) => {
        const own = adDays.filter((day) => day.externalId === adId);
        return [adId, own.reduce((sum, day) => sum + day.impressions, 0), own.reduce((sum, day) => sum + day.spendMicros, 0) / 1_000_000];
      }),
    );
  });

  it('a late conversion inside the lookback window updates its old day; one outside the window does not', async () => {
    bed.meta.addAccount({ id: '222', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '222');
    const today = todayIn('UTC');
    await bed.sync.run(job(account.id, { since: addDays(today, -40), until: today }));
    const adId = bed.meta.data.account('222')!.campaigns[0]!.ads[0]!.id;
    const inside = addDays(today, -5);
    const outside = addDays(today, -35);
    bed.meta.data.setAdDay(adId, inside, { conversions: 9, revenueMicros: 99_000_000 });
    bed.meta.data.setAdDay(adId, outside, { conversions: 9, revenueMicros: 99_000_000 });
    const lookback = await bed.sync.run(job(account.id, { kind: 'lookback' }));
    // The inside day changed at campaign and at ad level; nothing else did.
    expect(lookback.tally).toMatchObject({ rowsChanged: 2, rowsUpserted: 2 * 29 });
    const stored = await storedDays(bed.prisma, account.id, 'campaign');
    expect(stored.find((day) => day.date === inside)).toMatchObject({ conversions: 9, revenueMicros: 99_000_000 });
    expect(stored.find((day) => day.date === outside)!.conversions).not.toBe(9);
  });

  it('paces itself by the usage headers: usage rises, the client slows down, no call is rejected', async () => {
    const paced = await startTestbed('campaigns-meta-pace', { env: { META_DAYS_PER_RUN: '1' }, meta: { callsPerWindow: 20, windowMs: 2_000, pageSize: 50 } });
    try {
      paced.meta.addAccount({ id: '333', campaigns: 1, adsPerCampaign: 1 });
      const account = await seedAccount(paced, 'meta', '333');
      // 8 days x 2 levels x 3 calls = 48 calls against 20 per 2 s.
      const outcome = await paced.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-08' }));
      expect(outcome.status).toBe('succeeded');
      expect(paced.meta.stats.rejected).toBe(0);
      expect(paced.meta.stats.peakUsagePct).toBeGreaterThan(75);
      expect(paced.meta.stats.peakUsagePct).toBeLessThanOrEqual(90);
      expect(outcome.tally!.throttledMs).toBeGreaterThan(0);
    } finally {
      await paced.close();
    }
  });

  // Each usage header alone drives the pacing (the others left out or at 0 %): 80 % is a third of the way
  // from 75 to 90 %, so every call after the first waits at least a ninth of that header's recovery time.
  it.each<[string, string, MetaUsageHeaders, number]>([
    ['X-Business-Use-Case-Usage', '3381', { business: { pct: 80, regainMinutes: 0.01 }, account: 'off', insights: 'off' }, 600 / 9],
    ['X-Ad-Account-Usage', '3382', { business: 'off', account: { pct: 80, resetSeconds: 1 }, insights: 'off' }, 1000 / 9],
    ['x-fb-ads-insights-throttle', '3383', { business: 'off', account: { pct: 0, resetSeconds: 1 }, insights: { pct: 80 } }, 1000 / 9],
  ])('%s alone at 80 %%: the client slows down by that header', async (_header, id, modes, pauseMs) => {
    bed.meta.addAccount({ id, campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', id);
    bed.meta.setUsageHeaders(modes);
    try {
      expect((await bed.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-01' }))).status).toBe('succeeded');
    } finally {
      bed.meta.setUsageHeaders();
    }
    // 2 levels x (POST, poll, page).
    expect(gaps(id)).toHaveLength(5);
    for (const gap of gaps(id)) expect(gap).toBeGreaterThanOrEqual(Math.floor(pauseMs));
  });

  it('above 90 %: waits out estimated_time_to_regain_access before every call', async () => {
    bed.meta.addAccount({ id: '3390', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '3390');
    bed.meta.setUsageHeaders({ business: { pct: 95, regainMinutes: 0.005 }, account: 'off', insights: 'off' });
    try {
      const outcome = await bed.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-01' }));
      expect(outcome.status).toBe('succeeded');
      expect(outcome.tally!.throttledMs).toBeGreaterThanOrEqual(5 * 300 - 5 * 5);
    } finally {
      bed.meta.setUsageHeaders();
    }
    expect(gaps('3390')).toHaveLength(5);
    for (const gap of gaps('3390')) expect(gap).toBeGreaterThanOrEqual(300);
  });

  it('a throttling code with estimated_time_to_regain_access: the retry comes no sooner than that', async () => {
    bed.meta.addAccount({ id: '4481', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '4481');
    // 0.01 minutes = 600 ms, against a backoff of 20 ms (AD_SYNC_BACKOFF_MS) plus jitter.
    bed.meta.failNext({ code: 80000, regainMinutes: 0.01 }, 1);
    const outcome = await bed.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-01' }));
    expect(outcome.status).toBe('succeeded');
    expect(bed.meta.callLog.filter((call) => call.accountId === '4481')[0]).toMatchObject({ method: 'POST' });
    expect(gaps('4481')[0]).toBeGreaterThanOrEqual(600);
    expect(outcome.tally!.throttledMs).toBeGreaterThanOrEqual(600);
  });

  it.each([4, 17, 32, 613, 80000, 80001, 80004, 80014, 2, 960, 500])('code %i: backs off and retries, the sync completes', async (code) => {
    const id = `44${code}`;
    bed.meta.addAccount({ id, campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', id);
    bed.meta.failNext({ code, ...(code === 500 ? { status: 500 } : {}) }, 2);
    const outcome = await bed.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-02' }));
    expect(outcome.status).toBe('succeeded');
    expect(outcome.tally!.throttledMs).toBeGreaterThan(0);
    expect(await storedDays(bed.prisma, account.id, 'campaign')).toEqual(fakeDays(bed.meta, id, 'campaign', ['2025-01-01', '2025-01-02']));
  });

  it('code 1 "reduce the amount of data": halves the range until the runs fit, stores every day', async () => {
    const small = await startTestbed('campaigns-meta-reduce', { env: { META_DAYS_PER_RUN: '8' }, meta: { maxRowsPerRun: 6 } });
    try {
      small.meta.addAccount({ id: '555', campaigns: 3, adsPerCampaign: 1 });
      const account = await seedAccount(small, 'meta', '555');
      const outcome = await small.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-08' }));
      expect(outcome.status).toBe('succeeded');
      expect(await storedDays(small.prisma, account.id, 'ad')).toEqual(fakeDays(small.meta, '555', 'ad', daysBetween('2025-01-01', '2025-01-08')));
      // 8 days refused, then 4, then runs of 2 days (3 campaigns x 2 days = 6 rows fit).
      const campaignRuns = small.meta.runLog.filter((run) => run.level === 'campaign').map((run) => `${run.since}..${run.until}`);
      expect(campaignRuns).toEqual(['2025-01-01..2025-01-02', '2025-01-03..2025-01-04', '2025-01-05..2025-01-06', '2025-01-07..2025-01-08']);
    } finally {
      await small.close();
    }
  });

  it('a failed or stuck report run is replaced once; failing again fails the sync instead of looping', async () => {
    bed.meta.addAccount({ id: '666', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '666');
    bed.meta.nextRuns('stuck');
    expect((await bed.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-01' }))).status).toBe('succeeded');
    bed.meta.nextRuns('fail');
    expect((await bed.sync.run(job(account.id, { since: '2025-01-01', until: '2025-01-01' }))).status).toBe('succeeded');
    const before = bed.meta.runLog.length;
    bed.meta.nextRuns('stuck', 'fail');
    const outcome = await bed.sync.run(job(account.id, { since: '2025-01-02', until: '2025-01-02' }));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(bed.meta.runLog.length - before).toBe(2);
    expect(await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'error', statusCode: 'meta_report_failed' });
    // The next sync works again and clears the error.
    expect((await bed.sync.run(job(account.id, { since: '2025-01-02', until: '2025-01-02' }))).status).toBe('succeeded');
    expect(await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({ status: 'active', statusCode: null });
  });

  it('190: pauses the account with meta_token_expired and a plain message, and makes no further calls', async () => {
    bed.meta.addAccount({ id: '777', campaigns: 1, adsPerCampaign: 1 });
    const token = 'meta-token-that-expires';
    bed.meta.addToken(token);
    const account = await seedAccount(bed, 'meta', '777', { accessToken: token });
    bed.meta.expireToken(token);
    const outcome = await bed.sync.run(job(account.id));
    expect(outcome.status).toBe('paused');
    const stored = await bed.prisma.adAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored).toMatchObject({ status: 'paused', statusCode: 'meta_token_expired' });
    expect(stored.statusMessage).toContain('reconnect the account');
    const calls = bed.meta.stats.byAccount['777'];
    expect(calls).toBe(1);
    expect(await bed.sync.run(job(account.id, { kind: 'hourly' }))).toMatchObject({ status: 'skipped' });
    expect(bed.meta.stats.byAccount['777']).toBe(calls);
  });

  it('stores credentials sealed: the token is not readable in PostgreSQL', async () => {
    const rows = await bed.prisma.$queryRawUnsafe<Array<{ credentials: string }>>('SELECT credentials FROM ad_accounts');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.credentials).toMatch(/^v2\./);
      expect(row.credentials).not.toContain('meta-');
      expect(row.credentials).not.toContain('fake-app-secret');
    }
  });
});
