import { ErrorCodes, Rpc } from '@castline/contracts';
import { type CampaignsTestbed, META_APP_SECRET, META_TOKEN, GOOGLE_REFRESH, startTestbed } from './campaigns-harness';

/** The campaigns and ad-accounts API over NATS (what the gateway forwards), on the service harness. */
describe('campaigns API', () => {
  let bed: CampaignsTestbed;

  beforeAll(async () => {
    bed = await startTestbed('campaigns-api');
  });
  afterAll(() => bed?.close());

  const rejects = async (promise: Promise<unknown>, code: string, status?: number) => {
    const error = (await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    )) as { code?: string; status?: number } | undefined;
    expect(error).toBeDefined();
    expect({ code: error!.code, ...(status ? { status: error!.status } : {}) }).toEqual({ code, ...(status ? { status } : {}) });
  };

  it('manual campaigns: create, list, update, delete; bad input is a 400 naming the field, nothing written', async () => {
    const created = await bed.harness.call(Rpc.campaigns.create, { name: 'Radio spots', currency: 'EUR', budget: 1500.5, startDate: '2025-01-01', endDate: '2025-03-31' });
    expect(created).toMatchObject({ platform: 'manual', accountId: null, currency: 'EUR', budget: 1500.5, status: 'active' });
    // Sent unchecked, as a caller that skips the contract would: the service refuses them itself.
    const create = (body: unknown) => bed.harness.request(Rpc.campaigns.create.subject, body);
    await rejects(create({ name: 'x', currency: 'EUX' }), ErrorCodes.validationFailed, 400);
    await rejects(create({ name: 'x', currency: 'EUR', budget: -1 }), ErrorCodes.validationFailed, 400);
    await rejects(create({ name: 'x', currency: 'EUR', startDate: '2025-02-01', endDate: '2025-01-01' }), ErrorCodes.validationFailed, 400);
    expect(await bed.prisma.campaign.count()).toBe(1);
    const page = await bed.harness.call(Rpc.campaigns.list, { q: 'radio' });
    expect(page).toMatchObject({ total: 1, items: [{ id: created.id, spend: 0, revenue: 0 }] });
    expect(await bed.harness.call(Rpc.campaigns.update, { id: created.id, changes: { status: 'paused' } })).toMatchObject({ status: 'paused' });
    await rejects(bed.harness.call(Rpc.campaigns.get, { id: crypto.randomUUID() }), ErrorCodes.notFound);
    expect(await bed.harness.call(Rpc.campaigns.delete, { id: created.id })).toEqual({ deleted: true });
    expect(await bed.prisma.campaign.count()).toBe(0);
  });

  it('analytics: CTR, CPC, CPA and ROAS from sums, null on zero, per currency, equal to a hand-computed table', async () => {
    const eur = await bed.harness.call(Rpc.campaigns.create, { name: 'EUR campaign', currency: 'EUR' });
    const usd = await bed.harness.call(Rpc.campaigns.create, { name: 'USD campaign', currency: 'USD' });
    const day = (campaignId: string, date: string, impressions: number, clicks: number, spend: number, conversions: number, revenue: number) => ({
      campaignId,
      date: new Date(`${date}T00:00:00Z`),
      impressions: BigInt(impressions),
      clicks: BigInt(clicks),
      spendMicros: BigInt(spend * 1_000_000),
      platformConversions: conversions,
      platformRevenueMicros: BigInt(revenue * 1_000_000),
    });
    await bed.prisma.campaignMetric.createMany({
      data: [
        day(eur.id, '2025-06-01', 1000, 50, 25, 5, 100),
        day(eur.id, '2025-06-02', 0, 0, 0, 0, 0),
        day(eur.id, '2025-06-03', 500, 0, 10, 0, 0),
        day(usd.id, '2025-06-01', 2000, 20, 40, 2, 30),
        // Outside the range: must not count.
        day(usd.id, '2025-05-31', 9999, 999, 999, 99, 999),
      ],
    });
    const reply = await bed.harness.call(Rpc.campaigns.analytics, { since: '2025-06-01', until: '2025-06-03' });
    const eurBlock = reply.currencies.find((block) => block.currency === 'EUR')!;
    const usdBlock = reply.currencies.find((block) => block.currency === 'USD')!;
    expect(reply.currencies.map((block) => block.currency).sort()).toEqual(['EUR', 'USD']);
    // EUR: 1500 impressions, 50 clicks, 35.00 spent, 5 conversions, 100.00 revenue.
    expect(eurBlock.totals).toMatchObject({ impressions: 1500, clicks: 50, spend: 35, platformConversions: 5, platformRevenue: 100, cpc: 0.7, cpa: 7 });
    expect(eurBlock.totals.ctr).toBeCloseTo(50 / 1500, 12);
    expect(eurBlock.totals.roas).toBeCloseTo(100 / 35, 12);
    expect(eurBlock.series.map(({ date, ctr, cpc, cpa, roas }) => ({ date, ctr, cpc, cpa, roas }))).toEqual([
      { date: '2025-06-01', ctr: 0.05, cpc: 0.5, cpa: 5, roas: 4 },
      { date: '2025-06-02', ctr: null, cpc: null, cpa: null, roas: null },
      { date: '2025-06-03', ctr: 0, cpc: null, cpa: null, roas: 0 },
    ]);
    expect(usdBlock.totals).toMatchObject({ impressions: 2000, clicks: 20, spend: 40, ctr: 0.01, cpc: 2, cpa: 20, roas: 0.75 });
    // Days without any row are in the series as zeros, so a chart shows the gap instead of joining across it.
    expect(usdBlock.series.map(({ date, spend, clicks, ctr }) => ({ date, spend, clicks, ctr }))).toEqual([
      { date: '2025-06-01', spend: 40, clicks: 20, ctr: 0.01 },
      { date: '2025-06-02', spend: 0, clicks: 0, ctr: null },
      { date: '2025-06-03', spend: 0, clicks: 0, ctr: null },
    ]);
    const onlyUsd = await bed.harness.call(Rpc.campaigns.analytics, { since: '2025-06-01', until: '2025-06-03', currency: 'USD' });
    expect(onlyUsd.currencies.map((block) => block.currency)).toEqual(['USD']);
    const scoped = await bed.harness.call(Rpc.campaigns.analytics, { scope: 'campaign', id: eur.id, since: '2025-06-01', until: '2025-06-03' });
    expect(scoped.currencies.map((block) => block.totals.spend)).toEqual([35]);
    const jpy = await bed.harness.call(Rpc.campaigns.create, { name: 'JPY campaign', currency: 'JPY' });
    const eurSmall = await bed.harness.call(Rpc.campaigns.create, { name: 'EUR small', currency: 'EUR' });
    await bed.prisma.campaignMetric.createMany({ data: [day(jpy.id, '2025-06-01', 10, 1, 5000, 0, 0), day(eurSmall.id, '2025-06-02', 10, 1, 3, 0, 0)] });
    // Money sorts within each currency: ¥5,000 is not "more" than €35.
    const list = await bed.harness.call(Rpc.campaigns.list, { since: '2025-06-01', until: '2025-06-03', sort: '-spend' });
    expect(list.items.map((item) => [item.name, item.currency, item.spend])).toEqual([
      ['EUR campaign', 'EUR', 35],
      ['EUR small', 'EUR', 3],
      ['JPY campaign', 'JPY', 5000],
      ['USD campaign', 'USD', 40],
    ]);
    expect(list.items.find((item) => item.name === 'EUR campaign')?.revenue).toBe(100);
    await bed.prisma.campaign.deleteMany({ where: { id: { in: [jpy.id, eurSmall.id] } } });
    // The list's and a campaign's creatives range: in order, at most 3 years (the defaults fill a missing end).
    await rejects(bed.harness.call(Rpc.campaigns.list, { since: '2025-06-03', until: '2025-06-01' }), ErrorCodes.validationFailed, 400);
    await rejects(bed.harness.call(Rpc.campaigns.list, { since: '2020-01-01', until: '2025-06-01' }), ErrorCodes.validationFailed, 400);
    await rejects(bed.harness.call(Rpc.campaigns.creatives, { id: eur.id, since: '2020-01-01', until: '2025-06-01' }), ErrorCodes.validationFailed, 400);
    const analytics = (query: unknown) => bed.harness.request(Rpc.campaigns.analytics.subject, query);
    await rejects(analytics({ since: '2025-06-03', until: '2025-06-01' }), ErrorCodes.validationFailed, 400);
    await rejects(analytics({ since: '2020-01-01', until: '2025-06-01' }), ErrorCodes.validationFailed, 400);
    await rejects(bed.harness.call(Rpc.campaigns.analytics, { scope: 'campaign', id: crypto.randomUUID(), since: '2025-06-01', until: '2025-06-03' }), ErrorCodes.validationFailed);
  });

  it('connect checks the credentials first: meta_token_invalid and google_invalid_grant, nothing stored', async () => {
    bed.meta.addAccount({ id: '424242', currency: 'EUR', timezone: 'Europe/Berlin' });
    bed.google.addCustomer({ id: '4242424242', currency: 'JPY', timezone: 'Asia/Tokyo' });
    await rejects(
      bed.harness.call(Rpc.adAccounts.connect, { platform: 'meta', externalId: '424242', credentials: { accessToken: 'not-a-valid-token', appSecret: META_APP_SECRET } }),
      ErrorCodes.metaTokenInvalid,
      400,
    );
    await rejects(
      bed.harness.call(Rpc.adAccounts.connect, { platform: 'meta', externalId: '424242', credentials: { accessToken: META_TOKEN, appSecret: 'wrong-app-secret' } }),
      ErrorCodes.metaTokenInvalid,
      400,
    );
    const google = { refreshToken: 'revoked-refresh-token', clientId: 'fake-client-id', clientSecret: 'fake-client-secret', developerToken: 'fake-developer-token' };
    await rejects(bed.harness.call(Rpc.adAccounts.connect, { platform: 'google', externalId: '4242424242', credentials: google }), ErrorCodes.googleInvalidGrant, 400);
    expect(await bed.prisma.adAccount.count()).toBe(0);
  });

  it('connect stores sealed credentials, answers only set + last 4, schedules and queues the backfill; sync now dedups', async () => {
    const meta = await bed.harness.call(Rpc.adAccounts.connect, {
      platform: 'meta',
      externalId: '424242',
      credentials: { accessToken: META_TOKEN, appSecret: META_APP_SECRET },
      backfillDays: 30,
    });
    expect(meta).toMatchObject({ platform: 'meta', currency: 'EUR', timezone: 'Europe/Berlin', status: 'active', credentials: { set: true, last4: META_TOKEN.slice(-4) } });
    expect(meta.backfill.since).not.toBeNull();
    const google = await bed.harness.call(Rpc.adAccounts.connect, {
      platform: 'google',
      externalId: '4242424242',
      credentials: { refreshToken: GOOGLE_REFRESH, clientId: 'fake-client-id', clientSecret: 'fake-client-secret', developerToken: 'fake-developer-token' },
    });
    expect(google).toMatchObject({ currency: 'JPY', timezone: 'Asia/Tokyo', customers: [{ id: '4242424242', status: 'ok', currency: 'JPY' }] });
    await rejects(
      bed.harness.call(Rpc.adAccounts.connect, { platform: 'meta', externalId: '424242', credentials: { accessToken: META_TOKEN, appSecret: META_APP_SECRET } }),
      ErrorCodes.conflict,
    );
    const listed = JSON.stringify(await bed.harness.call(Rpc.adAccounts.list, {}));
    for (const secret of [META_TOKEN, META_APP_SECRET, GOOGLE_REFRESH, 'fake-client-secret', 'fake-developer-token']) expect(listed).not.toContain(secret);
    const stored = await bed.prisma.$queryRawUnsafe<Array<{ credentials: string }>>('SELECT credentials FROM ad_accounts');
    for (const secret of [META_TOKEN, GOOGLE_REFRESH, 'fake-client-secret']) expect(JSON.stringify(stored)).not.toContain(secret);

    const first = await bed.harness.call(Rpc.adAccounts.syncNow, { id: meta.id });
    const again = await bed.harness.call(Rpc.adAccounts.syncNow, { id: meta.id });
    expect(first.queued).toBe(true);
    expect(again).toMatchObject({ queued: false, jobId: first.jobId });
    await rejects(bed.harness.call(Rpc.adAccounts.syncNow, { id: meta.id, since: '2025-02-01', until: '2025-01-01' }), ErrorCodes.validationFailed, 400);
    await rejects(bed.harness.call(Rpc.adAccounts.syncNow, { id: meta.id, since: '2020-01-01', until: '2025-01-01' }), ErrorCodes.validationFailed, 400);
    await rejects(bed.harness.call(Rpc.adAccounts.syncNow, { id: crypto.randomUUID() }), ErrorCodes.notFound);

    const paused = await bed.harness.call(Rpc.adAccounts.pause, { id: google.id });
    expect(paused).toMatchObject({ status: 'paused', statusCode: 'paused_by_operator' });
    await rejects(bed.harness.call(Rpc.adAccounts.syncNow, { id: google.id }), ErrorCodes.conflict);
    expect(await bed.harness.call(Rpc.adAccounts.resume, { id: google.id })).toMatchObject({ status: 'active', statusCode: null });
    expect(await bed.harness.call(Rpc.adAccounts.runs, { id: meta.id })).toMatchObject({ items: [], total: 0 });
  });
});
