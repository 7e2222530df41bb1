import { createHmac } from 'node:crypto';
import { Rpc } from '@castline/contracts';
import { connectNats } from '@castline/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { PIXEL_GIF } from '../src/tracking/tracking.controller';
import { type CampaignsTestbed, seedAccount, startTestbed } from './campaigns-harness';

/** Tracking links, the pixel, s2s conversions and their attribution, on the service harness. */
describe('tracking and attribution', () => {
  let bed: CampaignsTestbed;
  let accountId: string;
  let pixelId: string;
  let campaignId: string;
  let linkCode: string;

  beforeAll(async () => {
    bed = await startTestbed('campaigns-tracking');
    const account = await seedAccount(bed, 'meta', '5150', { currency: 'EUR', timezone: 'Europe/Berlin' });
    accountId = account.id;
    pixelId = account.pixelId;
    const campaign = await bed.prisma.campaign.create({ data: { accountId, platform: 'meta', externalId: 'c1', name: 'Spring', currency: 'EUR' } });
    campaignId = campaign.id;
    const link = await bed.harness.call(Rpc.trackingLinks.create, { name: 'Spring ad', destinationUrl: 'https://shop.example/spring?ref=ad', accountId, campaignId });
    linkCode = link.code;
  });
  afterAll(() => bed?.close());

  const click = (url: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    bed.harness.app.inject({ method: 'GET', url, headers: { host: 'castline.example', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', ...headers }, remoteAddress });
  const cookieOf = (setCookie: string | string[] | undefined) => /castline_tid=([^;]+)/.exec(String(setCookie))![1]!;
  const trackedOf = async () => {
    const rows = await bed.prisma.campaignMetric.findMany({ where: { campaignId } });
    return { conversions: rows.reduce((sum, row) => sum + row.trackedConversions, 0), revenue: rows.reduce((sum, row) => sum + Number(row.trackedRevenueMicros), 0) };
  };

  it('an unknown code is a 404 without a redirect; bad destinations and unknown campaigns are refused', async () => {
    const response = await click('/r/nope-nope');
    expect(response.statusCode).toBe(404);
    expect(response.headers.location).toBeUndefined();
    for (const destinationUrl of ['javascript:alert(1)', '/relative', 'https://user:pw@shop.example/', 'ftp://shop.example/']) {
      await expect(bed.harness.request(Rpc.trackingLinks.create.subject, { name: 'x', destinationUrl })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await expect(bed.harness.call(Rpc.trackingLinks.create, { name: 'x', destinationUrl: 'https://a.example/', campaignId: crypto.randomUUID() })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
    });
  });

  it('records the click, sets a first-party cookie and 302s only to the stored destination (open-redirect attempts ignored)', async () => {
    const response = await click(`/r/${linkCode}?utm_source=fb&utm_campaign=spring&fbclid=FB123&url=https://evil.example/&redirect=//evil.example&next=https://evil.example`, {
      'x-real-ip': '203.0.113.9',
      referer: 'https://facebook.com/',
    });
    expect(response.statusCode).toBe(302);
    const location = new URL(response.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/spring');
    expect(location.searchParams.get('ref')).toBe('ad');
    expect(location.searchParams.get('cl_click')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(String(response.headers['set-cookie'])).toMatch(/^castline_tid=[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly$/);
    const stored = await bed.prisma.click.findUniqueOrThrow({ where: { clickId: location.searchParams.get('cl_click')! } });
    expect(stored).toMatchObject({ campaignId, accountId, utmSource: 'fb', utmCampaign: 'spring', fbclid: 'FB123', isBot: false, trackingId: cookieOf(response.headers['set-cookie']) });
    // The IP from nginx (a trusted peer), HMAC'd: never stored as such.
    expect(stored.ipHash).toBe(createHmac('sha256', 'castline-development-tracking-ip-key').update('203.0.113.9').digest('base64url'));
    for (const attempt of [`/r/${linkCode}/..%2f..%2fevil`, `/r/${linkCode}?destination=https://evil.example`]) {
      const other = await click(attempt);
      expect(other.headers.location === undefined || String(other.headers.location).startsWith('https://shop.example/spring')).toBe(true);
    }
  });

  it('believes X-Real-IP only from a trusted peer, and flags bots', async () => {
    const response = await click(`/r/${linkCode}`, { 'x-real-ip': '198.51.100.1', 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' }, '192.0.2.50');
    const clickId = new URL(response.headers.location as string).searchParams.get('cl_click')!;
    const stored = await bed.prisma.click.findUniqueOrThrow({ where: { clickId } });
    expect(stored.ipHash).toBe(createHmac('sha256', 'castline-development-tracking-ip-key').update('192.0.2.50').digest('base64url'));
    expect(stored.isBot).toBe(true);
  });

  it('attributes by click id, else tracking id, else session over NATS; credits the campaign day once', async () => {
    const first = await click(`/r/${linkCode}`);
    const clickId = new URL(first.headers.location as string).searchParams.get('cl_click')!;
    const trackingId = cookieOf(first.headers['set-cookie']);
    const before = await trackedOf();
    const byClick = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 40, currency: 'EUR', orderId: 'o-1', clickId });
    expect(byClick).toMatchObject({ duplicate: false, attributedBy: 'click_id', campaignId });
    const byTracking = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 10, currency: 'EUR', orderId: 'o-2', trackingId });
    expect(byTracking).toMatchObject({ attributedBy: 'tracking_id', campaignId });

    const responder: NatsConnection = await connectNats(bed.harness.natsUrl, 'test-traffic-logger');
    const subscription = responder.subscribe(Rpc.traffic.sessionsGet.subject, {
      callback: (_error, message) => {
        const { sessionId } = message.json<{ sessionId: string }>();
        message.respond(JSON.stringify(sessionId === 'sess-1' ? { sessionId, found: true, trackingId } : { sessionId, found: false }));
      },
    });
    try {
      const bySession = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'signup', orderId: 'o-3', sessionId: 'sess-1' });
      expect(bySession).toMatchObject({ attributedBy: 'session', campaignId });
      const unknownSession = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'signup', orderId: 'o-4', sessionId: 'sess-2' });
      expect(unknownSession).toMatchObject({ attributedBy: 'none', campaignId: null });
    } finally {
      subscription.unsubscribe();
      await responder.drain();
    }
    // Nobody answers for sessions now: unattributed after the 300 ms deadline, not an error.
    const silent = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'signup', orderId: 'o-5', sessionId: 'sess-1' });
    expect(silent).toMatchObject({ attributedBy: 'none', duplicate: false });
    expect(await trackedOf()).toEqual({ conversions: before.conversions + 3, revenue: before.revenue + 50_000_000 });
  });

  it('a click older than the window does not attribute', async () => {
    const old = await click(`/r/${linkCode}`);
    const clickId = new URL(old.headers.location as string).searchParams.get('cl_click')!;
    await bed.prisma.click.update({ where: { clickId }, data: { at: new Date(Date.now() - 8 * 86_400_000) } });
    expect(await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', orderId: 'late-1', clickId })).toMatchObject({ attributedBy: 'none' });
    await bed.prisma.click.update({ where: { clickId }, data: { at: new Date(Date.now() - 6 * 86_400_000) } });
    expect(await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', orderId: 'late-2', clickId })).toMatchObject({ attributedBy: 'click_id' });
  });

  it('a repeated order id or event id answers duplicate: true and changes nothing', async () => {
    const first = await click(`/r/${linkCode}`);
    const clickId = new URL(first.headers.location as string).searchParams.get('cl_click')!;
    await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 5, orderId: 'dup-1', clickId });
    const tracked = await trackedOf();
    const count = await bed.prisma.conversionEvent.count();
    const again = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 999, orderId: 'dup-1', clickId });
    expect(again).toMatchObject({ duplicate: true });
    await bed.harness.call(Rpc.conversions.record, { accountId, type: 'lead', eventId: 'ev-1' });
    expect(await bed.harness.call(Rpc.conversions.record, { accountId, type: 'signup', eventId: 'ev-1' })).toMatchObject({ duplicate: true });
    expect(await bed.prisma.conversionEvent.count()).toBe(count + 1);
    expect(await trackedOf()).toEqual(tracked);
    const oversize = bed.harness.request(Rpc.conversions.record.subject, { accountId, type: 'purchase', orderId: 'x'.repeat(129) });
    await expect(oversize).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(bed.harness.request(Rpc.conversions.record.subject, { accountId, type: 'purchase', value: -1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(bed.harness.call(Rpc.conversions.record, { accountId: crypto.randomUUID(), type: 'purchase' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('the pixel and an s2s report of one order count once (s2s wins); the pixel always answers a GIF', async () => {
    const visit = await click(`/r/${linkCode}`);
    const cookie = `castline_tid=${cookieOf(visit.headers['set-cookie'])}`;
    const tracked = await trackedOf();
    const pixel = await click(`/px.gif?id=${pixelId}&type=purchase&value=20&currency=EUR&order=po-1`, { cookie });
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    expect(pixel.rawPayload.equals(PIXEL_GIF)).toBe(true);
    expect(PIXEL_GIF.subarray(0, 6).toString()).toBe('GIF89a');
    const afterPixel = await bed.prisma.conversionEvent.findFirstOrThrow({ where: { orderId: 'po-1' } });
    expect(afterPixel).toMatchObject({ source: 'pixel', attributedBy: 'tracking_id', campaignId });
    const s2s = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 25, currency: 'EUR', orderId: 'po-1', trackingId: afterPixel.trackingId! });
    expect(s2s).toMatchObject({ duplicate: false, attributedBy: 'tracking_id' });
    const pixelAgain = await click(`/px.gif?id=${pixelId}&type=purchase&value=20&currency=EUR&order=po-1`, { cookie });
    expect(pixelAgain.statusCode).toBe(200);
    const rows = await bed.prisma.conversionEvent.findMany({ where: { orderId: 'po-1' } });
    expect(rows.map((row) => [row.source, Number(row.valueMicros)])).toEqual([['s2s', 25_000_000]]);
    expect(await trackedOf()).toEqual({ conversions: tracked.conversions + 1, revenue: tracked.revenue + 25_000_000 });
    for (const bad of ['/px.gif', '/px.gif?id=unknown&type=purchase', `/px.gif?id=${pixelId}&value=-5`, `/px.gif?id=${pixelId}&type=DROP%20TABLE`]) {
      const response = await click(bad);
      expect({ bad, status: response.statusCode, type: response.headers['content-type'] }).toEqual({ bad, status: 200, type: 'image/gif' });
    }
  });
  it('analytics sources: clicks and conversions per utm_source, click id platform, referrer domain or direct', async () => {
    const account = await seedAccount(bed, 'meta', '5160', { currency: 'USD', timezone: 'America/New_York' });
    const campaign = await bed.prisma.campaign.create({ data: { accountId: account.id, platform: 'meta', externalId: 'c-sources', name: 'Sources', currency: 'USD' } });
    const link = await bed.harness.call(Rpc.trackingLinks.create, { name: 'Sources ad', destinationUrl: 'https://shop.example/sources', accountId: account.id, campaignId: campaign.id });
    const visit = async (query: string, headers: Record<string, string> = {}) => {
      const response = await click(`/r/${link.code}${query}`, headers);
      return new URL(response.headers.location as string).searchParams.get('cl_click')!;
    };
    const newsletter = await visit('?utm_source=Newsletter&gclid=G0', { referer: 'https://mail.example.com/' });
    const google = await visit('?gclid=G1');
    await visit('?fbclid=F1', { referer: 'https://m.facebook.com/' });
    await visit('', { referer: 'https://blog.example.co.uk/post' });
    await visit('', { referer: 'https://www.example.co.uk/' });
    await visit('');
    // A bot's click is no traffic.
    await visit('?utm_source=newsletter', { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    // Attributed conversions take their click's source; an unattributed one (no click, no session) is direct.
    await bed.harness.call(Rpc.conversions.record, { accountId: account.id, type: 'purchase', value: 5, currency: 'USD', orderId: 'src-1', clickId: newsletter });
    await bed.harness.call(Rpc.conversions.record, { accountId: account.id, type: 'purchase', value: 7, currency: 'USD', orderId: 'src-2', clickId: google });
    await bed.harness.call(Rpc.conversions.record, { accountId: account.id, type: 'signup', orderId: 'src-3' });

    const range = { since: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), until: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) };
    const byAccount = await bed.harness.call(Rpc.campaigns.analytics, { scope: 'account', id: account.id, ...range });
    expect(byAccount.sources).toEqual([
      { source: 'direct', kind: 'direct', clicks: 1, conversions: 1 },
      { source: 'example.co.uk', kind: 'referrer', clicks: 2, conversions: 0 },
      { source: 'google', kind: 'click_id', clicks: 1, conversions: 1 },
      { source: 'newsletter', kind: 'utm', clicks: 1, conversions: 1 },
      { source: 'facebook', kind: 'click_id', clicks: 1, conversions: 0 },
    ]);
    // The campaign's own: the unattributed conversion belongs to no campaign.
    const byCampaign = await bed.harness.call(Rpc.campaigns.analytics, { scope: 'campaign', id: campaign.id, ...range });
    expect(byCampaign.sources.find((share) => share.source === 'direct')).toEqual({ source: 'direct', kind: 'direct', clicks: 1, conversions: 0 });
    // A currency no campaign of the account uses: nothing.
    expect((await bed.harness.call(Rpc.campaigns.analytics, { scope: 'account', id: account.id, currency: 'JPY', ...range })).sources).toEqual([]);
  });
});
