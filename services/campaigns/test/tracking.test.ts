import { createHmac } from 'node:crypto';
import { Rpc } from '@castline/contracts';
import { connectNats } from '@castline/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { PIXEL_GIF } from '../src/tracking/tracking.controller';
import { TrackingRepository } from '../src/tracking/tracking.repository';
import { type CampaignsTestbed, seedAccount, startTestbed } from './campaigns-harness';

/** Tracking links, the pixel, s2s conversions and their attribution, on the service harness. */
describe('tracking and attribution', () => {
  let bed: CampaignsTestbed;
  let accountId: string;
  let pixelId: string;
  let campaignId: string;
  let linkCode: string;
  /** A second campaign of the account and its link: tells which click attribution picked. */
  let otherCampaignId: string;
  let otherCode: string;

  beforeAll(async () => {
    bed = await startTestbed('campaigns-tracking');
    const account = await seedAccount(bed, 'meta', '5150', { currency: 'EUR', timezone: 'Europe/Berlin' });
    accountId = account.id;
    pixelId = account.pixelId;
    const campaign = await bed.prisma.campaign.create({ data: { accountId, platform: 'meta', externalId: 'c1', name: 'Spring', currency: 'EUR' } });
    campaignId = campaign.id;
    const link = await bed.harness.call(Rpc.trackingLinks.create, { name: 'Spring ad', destinationUrl: 'https://shop.example/spring?ref=ad', accountId, campaignId });
    linkCode = link.code;
    const other = await bed.prisma.campaign.create({ data: { accountId, platform: 'meta', externalId: 'c2', name: 'Summer', currency: 'EUR' } });
    otherCampaignId = other.id;
    otherCode = (await bed.harness.call(Rpc.trackingLinks.create, { name: 'Summer ad', destinationUrl: 'https://shop.example/summer', accountId, campaignId: otherCampaignId })).code;
  });
  afterAll(() => bed?.close());

  const click = (url: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    bed.harness.app.inject({ method: 'GET', url, headers: { host: 'castline.example', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', ...headers }, remoteAddress });
  const cookieOf = (setCookie: string | string[] | undefined) => /castline_tid=([^;]+)/.exec(String(setCookie))![1]!;
  const clickIdOf = (response: { headers: Record<string, unknown> }) => new URL(response.headers.location as string).searchParams.get('cl_click')!;
  const trackedOf = async (of = campaignId) => {
    const rows = await bed.prisma.campaignMetric.findMany({ where: { campaignId: of } });
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
    for (const [attempt, status] of [
      [`/r/${linkCode}/..%2f..%2fevil`, 404],
      [`/r/${linkCode}%2f..%2f..%2fevil`, 404],
      [`/r/${linkCode}?destination=https://evil.example`, 302],
      [`/r/${linkCode}?url=%2F%2Fevil.example`, 302],
    ] as const) {
      const other = await click(attempt);
      const location = other.headers.location === undefined ? null : new URL(String(other.headers.location));
      expect({ attempt, status: other.statusCode, to: location && `${location.origin}${location.pathname}` }).toEqual({
        attempt,
        status,
        to: status === 302 ? 'https://shop.example/spring' : null,
      });
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

  it('a conversion through a link to one ad credits the creative\'s day too; revenue in another currency is not summed', async () => {
    const creative = await bed.prisma.adCreative.create({ data: { campaignId, externalAdId: 'ad-1', name: 'Spring video' } });
    const adLink = await bed.harness.call(Rpc.trackingLinks.create, { name: 'Spring video ad', destinationUrl: 'https://shop.example/v', accountId, campaignId, creativeId: creative.id });
    const creativeTracked = async () => {
      const rows = await bed.prisma.creativeMetric.findMany({ where: { creativeId: creative.id } });
      return rows.map((row) => [row.trackedConversions, Number(row.trackedRevenueMicros)]);
    };
    const campaign = await trackedOf();
    const clickId = clickIdOf(await click(`/r/${adLink.code}`));
    const occurredAt = new Date();
    // The day on the account's calendar (Europe/Berlin), as the campaign's own day is.
    const berlinDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(occurredAt);
    await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 12, currency: 'EUR', orderId: 'cr-1', clickId, occurredAt: occurredAt.toISOString() });
    // A USD order on a EUR campaign counts as a conversion; its value is kept on the event, never added to EUR sums.
    await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 99, currency: 'USD', orderId: 'cr-2', clickId, occurredAt: occurredAt.toISOString() });
    const day = await bed.prisma.creativeMetric.findFirstOrThrow({ where: { creativeId: creative.id } });
    expect(day.date.toISOString().slice(0, 10)).toBe(berlinDay);
    expect(await creativeTracked()).toEqual([[2, 12_000_000]]);
    expect(await trackedOf()).toEqual({ conversions: campaign.conversions + 2, revenue: campaign.revenue + 12_000_000 });
    const creativeFigures = await bed.harness.call(Rpc.campaigns.analytics, { scope: 'creative', id: creative.id, since: berlinDay, until: berlinDay });
    expect(creativeFigures.currencies.map((block) => [block.currency, block.totals.trackedConversions, block.totals.trackedRevenue])).toEqual([['EUR', 2, 12]]);
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
  it('an s2s report with no click or tracking id keeps the pixel\'s attribution of the order; s2s value, counted once', async () => {
    const visit = await click(`/r/${linkCode}`);
    const cookie = `castline_tid=${cookieOf(visit.headers['set-cookie'])}`;
    const tracked = await trackedOf();
    await click(`/px.gif?id=${pixelId}&type=purchase&value=20&currency=EUR&order=po-2`, { cookie });
    const afterPixel = await bed.prisma.conversionEvent.findFirstOrThrow({ where: { orderId: 'po-2' } });
    expect(afterPixel).toMatchObject({ source: 'pixel', attributedBy: 'tracking_id', campaignId, clickId: clickIdOf(visit) });
    // The shop's server cannot read our HttpOnly cookie: it reports the order alone.
    const s2s = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 30, currency: 'EUR', orderId: 'po-2' });
    expect(s2s).toMatchObject({ duplicate: false, attributedBy: 'tracking_id', campaignId });
    const rows = await bed.prisma.conversionEvent.findMany({ where: { orderId: 'po-2' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 's2s', valueMicros: 30_000_000n, campaignId, attributedBy: 'tracking_id', clickId: afterPixel.clickId, trackingId: afterPixel.trackingId });
    expect(await trackedOf()).toEqual({ conversions: tracked.conversions + 1, revenue: tracked.revenue + 30_000_000 });
  });

  it('an s2s report that attributes brings its own attribution over the pixel\'s, and moves the credit', async () => {
    const visit = await click(`/r/${linkCode}`);
    const cookie = `castline_tid=${cookieOf(visit.headers['set-cookie'])}`;
    const otherClick = clickIdOf(await click(`/r/${otherCode}`));
    const [spring, summer] = [await trackedOf(), await trackedOf(otherCampaignId)];
    await click(`/px.gif?id=${pixelId}&type=purchase&value=20&currency=EUR&order=po-3`, { cookie });
    expect(await trackedOf()).toEqual({ conversions: spring.conversions + 1, revenue: spring.revenue + 20_000_000 });
    const s2s = await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', value: 22, currency: 'EUR', orderId: 'po-3', clickId: otherClick });
    expect(s2s).toMatchObject({ duplicate: false, attributedBy: 'click_id', campaignId: otherCampaignId });
    expect(await bed.prisma.conversionEvent.findMany({ where: { orderId: 'po-3' } })).toEqual([expect.objectContaining({ source: 's2s', clickId: otherClick, campaignId: otherCampaignId })]);
    expect(await trackedOf()).toEqual(spring);
    expect(await trackedOf(otherCampaignId)).toEqual({ conversions: summer.conversions + 1, revenue: summer.revenue + 22_000_000 });
  });

  it('the pixel attributes by its click parameter (no cookie on another site) before the cookie; a bogus click is ignored', async () => {
    const summerClick = clickIdOf(await click(`/r/${otherCode}`));
    const gif = (response: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }) =>
      expect({ status: response.statusCode, type: response.headers['content-type'], gif: response.rawPayload.equals(PIXEL_GIF) }).toEqual({ status: 200, type: 'image/gif', gif: true });
    gif(await click(`/px.gif?id=${pixelId}&type=purchase&value=3&currency=EUR&order=pc-1&click=${summerClick}`));
    expect(await bed.prisma.conversionEvent.findFirstOrThrow({ where: { orderId: 'pc-1' } })).toMatchObject({ attributedBy: 'click_id', clickId: summerClick, campaignId: otherCampaignId });
    // The landing URL's click is the later word than an older cookie of the same browser.
    const visit = await click(`/r/${linkCode}`);
    const cookie = `castline_tid=${cookieOf(visit.headers['set-cookie'])}`;
    gif(await click(`/px.gif?id=${pixelId}&type=purchase&order=pc-2&click=${summerClick}`, { cookie }));
    expect(await bed.prisma.conversionEvent.findFirstOrThrow({ where: { orderId: 'pc-2' } })).toMatchObject({ attributedBy: 'click_id', campaignId: otherCampaignId });
    // Not one of our click ids: dropped, the conversion still counts (by the cookie).
    for (const [order, bogus] of [
      ['pc-3', 'A'.repeat(65)],
      ['pc-4', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
      ['pc-5', 'short'],
    ]) {
      gif(await click(`/px.gif?id=${pixelId}&type=purchase&order=${order}&click=${bogus}`, { cookie }));
      const row = await bed.prisma.conversionEvent.findFirstOrThrow({ where: { orderId: order } });
      expect({ order, by: row.attributedBy, campaign: row.campaignId, click: row.clickId }).toEqual({ order, by: 'tracking_id', campaign: campaignId, click: clickIdOf(visit) });
    }
  });

  it('a bot\'s click is never the one attribution picks', async () => {
    const human = await click(`/r/${linkCode}`);
    const trackingId = cookieOf(human.headers['set-cookie']);
    await bed.prisma.click.update({ where: { clickId: clickIdOf(human) }, data: { at: new Date(Date.now() - 60_000) } });
    // A crawler following the same browser's later link (a preview fetch that carries the cookie).
    const bot = await click(`/r/${otherCode}`, { cookie: `castline_tid=${trackingId}`, 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    expect(await bed.prisma.click.findUniqueOrThrow({ where: { clickId: clickIdOf(bot) } })).toMatchObject({ isBot: true, trackingId, campaignId: otherCampaignId });
    expect(await bed.harness.call(Rpc.conversions.record, { accountId, type: 'lead', orderId: 'bot-1', trackingId })).toMatchObject({ attributedBy: 'tracking_id', campaignId });
    expect(await bed.harness.call(Rpc.conversions.record, { accountId, type: 'lead', orderId: 'bot-2', clickId: clickIdOf(bot) })).toMatchObject({ attributedBy: 'none', campaignId: null });
  });

  it('a destination on our own site gets no cl_click (the cookie reaches it)', async () => {
    for (const destinationUrl of ['https://castline.example/landing?x=1', 'https://www.castline.example/landing', 'https://shop.castline.example/landing']) {
      const link = await bed.harness.call(Rpc.trackingLinks.create, { name: 'Own site', destinationUrl, accountId, campaignId });
      const response = await click(`/r/${link.code}`);
      expect(response.statusCode).toBe(302);
      const location = new URL(response.headers.location as string);
      expect({ destinationUrl, clickParam: location.searchParams.has('cl_click'), to: `${location.origin}${location.pathname}` }).toEqual({
        destinationUrl,
        clickParam: false,
        to: `${new URL(destinationUrl).origin}/landing`,
      });
      expect(cookieOf(response.headers['set-cookie'])).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
  });

  it('a click the database cannot take still redirects (the click is lost and logged, not the visitor)', async () => {
    const repository = bed.harness.app.get(TrackingRepository);
    const recordClick = repository.recordClick.bind(repository);
    repository.recordClick = () => Promise.reject(new Error('Connection terminated unexpectedly'));
    try {
      const response = await click(`/r/${linkCode}`);
      expect(response.statusCode).toBe(302);
      expect(String(response.headers.location)).toMatch(/^https:\/\/shop\.example\/spring\?ref=ad&cl_click=[A-Za-z0-9_-]{22}$/);
      expect(String(response.headers['set-cookie'])).toMatch(/^castline_tid=/);
      expect(await bed.prisma.click.count({ where: { clickId: clickIdOf(response) } })).toBe(0);
    } finally {
      repository.recordClick = recordClick;
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

/** The settings an operator may change: `Secure` on the cookie, a shorter attribution window. */
describe('tracking with TRACKING_COOKIE_SECURE=on and ATTRIBUTION_WINDOW_DAYS=2', () => {
  let bed: CampaignsTestbed;
  let accountId: string;
  let linkCode: string;

  beforeAll(async () => {
    bed = await startTestbed('campaigns-tracking-config', { env: { TRACKING_COOKIE_SECURE: 'on', ATTRIBUTION_WINDOW_DAYS: '2' } });
    accountId = (await seedAccount(bed, 'meta', '5170', { currency: 'EUR' })).id;
    const campaign = await bed.prisma.campaign.create({ data: { accountId, platform: 'meta', externalId: 'c1', name: 'Spring', currency: 'EUR' } });
    linkCode = (await bed.harness.call(Rpc.trackingLinks.create, { name: 'Spring ad', destinationUrl: 'https://shop.example/spring', accountId, campaignId: campaign.id })).code;
  });
  afterAll(() => bed?.close());

  const visit = () => bed.harness.app.inject({ method: 'GET', url: `/r/${linkCode}`, headers: { host: 'castline.example', 'user-agent': 'Mozilla/5.0 Firefox/130.0' } });

  it('the tracking cookie carries Secure', async () => {
    const response = await visit();
    expect(String(response.headers['set-cookie'])).toMatch(/^castline_tid=[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly; Secure$/);
  });

  it('a click 3 days old is outside a 2-day window; 1 day old is inside', async () => {
    const clickId = new URL((await visit()).headers.location as string).searchParams.get('cl_click')!;
    await bed.prisma.click.update({ where: { clickId }, data: { at: new Date(Date.now() - 3 * 86_400_000) } });
    expect(await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', orderId: 'w-1', clickId })).toMatchObject({ attributedBy: 'none', campaignId: null });
    await bed.prisma.click.update({ where: { clickId }, data: { at: new Date(Date.now() - 1 * 86_400_000) } });
    expect(await bed.harness.call(Rpc.conversions.record, { accountId, type: 'purchase', orderId: 'w-2', clickId })).toMatchObject({ attributedBy: 'click_id' });
  });
});
