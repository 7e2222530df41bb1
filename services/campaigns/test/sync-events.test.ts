import { type CampaignEvent, Events, Rpc } from '@castline/contracts';
import { connectNats, EventBus } from '@castline/platform';
import { addDays, todayIn } from '../src/sync/day-range';
import { type CampaignsTestbed, seedAccount, startTestbed } from './campaigns-harness';

/**
 * What a sync tells the rest of the system: `campaigns.events` on a pause, a failure and the recovery (as the
 * gateway subscribes to them), and the run history the API answers.
 */
describe('sync events and run history', () => {
  let bed: CampaignsTestbed;
  let connection: Awaited<ReturnType<typeof connectNats>>;
  const received: CampaignEvent[] = [];

  beforeAll(async () => {
    bed = await startTestbed('campaigns-sync-events');
    // A subscriber of its own, on the harness's NATS, as the gateway is.
    connection = await connectNats(bed.harness.natsUrl, 'campaigns-events-test');
    const bus = EventBus.over(connection);
    bus.subscribe(Events.campaignEvents, (event) => void received.push(event));
    await bus.flush();
  });
  afterAll(async () => {
    await connection?.close();
    await bed?.close();
  });

  const range = { since: '2025-04-01', until: '2025-04-03' };
  const eventsOf = async (accountId: string, count: number): Promise<CampaignEvent[]> => {
    const deadline = Date.now() + 5_000;
    while (received.filter((event) => event.accountId === accountId).length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return received.filter((event) => event.accountId === accountId);
  };

  it('Meta 190 publishes account.paused with meta_token_expired', async () => {
    bed.meta.addAccount({ id: '8686', campaigns: 1, adsPerCampaign: 1 });
    const token = 'meta-token-expiring-for-events';
    bed.meta.addToken(token);
    bed.meta.expireToken(token);
    const account = await seedAccount(bed, 'meta', '8686', { accessToken: token });
    expect((await bed.sync.run({ platform: 'meta', accountId: account.id, kind: 'manual', ...range })).status).toBe('paused');
    const [event, ...more] = await eventsOf(account.id, 1);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ accountId: account.id, type: 'account.paused', code: 'meta_token_expired' });
    expect(event!.message).toEqual(expect.any(String));
    expect(Date.parse(event!.at)).not.toBeNaN();
  });

  it('a failure publishes account.error with its code; the next clean sync account.synced', async () => {
    bed.google.addCustomer({ id: '3300000001', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'google', '3300000001');
    bed.google.failNext(503, 6);
    const job = { platform: 'google' as const, accountId: account.id, kind: 'manual' as const, ...range };
    expect((await bed.sync.run(job)).status).toBe('failed');
    expect(await eventsOf(account.id, 1)).toEqual([expect.objectContaining({ accountId: account.id, type: 'account.error', code: 'google_unavailable', message: expect.stringContaining('after 6 attempts') })]);
    expect((await bed.sync.run(job)).status).toBe('succeeded');
    expect((await eventsOf(account.id, 2)).map((event) => [event.type, event.code])).toEqual([
      ['account.error', 'google_unavailable'],
      ['account.synced', null],
    ]);

    // The run history: the failed run's error, then the clean run's figures (newest first).
    const history = await bed.harness.call(Rpc.adAccounts.runs, { id: account.id });
    expect(history).toMatchObject({ total: 2, page: 1 });
    const [ok, failed] = history.items;
    // 1 campaign and 1 ad over 3 days: 6 rows; one token call and one stream per level.
    expect(ok).toMatchObject({ accountId: account.id, kind: 'manual', since: range.since, until: range.until, status: 'succeeded', apiCalls: bed.google.minimumCalls(1), rowsUpserted: 6, rowsChanged: 6, throttledMs: 0, errorCode: null, error: null });
    expect(ok!.finishedAt).not.toBeNull();
    expect(failed).toMatchObject({ kind: 'manual', since: range.since, until: range.until, status: 'failed', errorCode: 'google_unavailable', rowsUpserted: 0, rowsChanged: 0 });
    expect(failed!.error).toContain('after 6 attempts');
    // The token call and the 6 attempts of the first stream; backing off between them.
    expect(failed!.apiCalls).toBe(7);
    expect(failed!.throttledMs).toBeGreaterThan(0);
  });
  it('an hourly run after a long gap starts at the last day a run completed; the next one is back to yesterday', async () => {
    bed.meta.addAccount({ id: '8787', campaigns: 1, adsPerCampaign: 1 });
    const account = await seedAccount(bed, 'meta', '8787');
    const today = todayIn(account.timezone);
    // The last completed run ended 40 days ago (the account was paused since): beyond the 28-day lookback.
    const lastDay = addDays(today, -40);
    await bed.prisma.adSyncRun.create({ data: { accountId: account.id, kind: 'hourly', since: new Date(`${addDays(lastDay, -1)}T00:00:00Z`), until: new Date(`${lastDay}T00:00:00Z`), status: 'succeeded' } });
    const hourly = { platform: 'meta' as const, accountId: account.id, kind: 'hourly' as const, since: today, until: today };
    expect((await bed.sync.run(hourly)).status).toBe('succeeded');
    const [caughtUp] = (await bed.harness.call(Rpc.adAccounts.runs, { id: account.id })).items;
    expect(caughtUp).toMatchObject({ kind: 'hourly', since: lastDay, until: today, status: 'succeeded' });
    const campaign = await bed.prisma.campaign.findFirstOrThrow({ where: { accountId: account.id } });
    const days = await bed.prisma.campaignMetric.findMany({ where: { campaignId: campaign.id }, select: { date: true } });
    expect(days.map((day) => day.date.toISOString().slice(0, 10)).sort()).toEqual(Array.from({ length: 41 }, (_, index) => addDays(lastDay, index)));
    expect((await bed.sync.run(hourly)).status).toBe('succeeded');
    const [next] = (await bed.harness.call(Rpc.adAccounts.runs, { id: account.id })).items;
    expect(next).toMatchObject({ kind: 'hourly', since: addDays(today, -1), until: today });
  });
});
