import { Injectable } from '@nestjs/common';
import type { Click, ConversionEvent, Prisma, TrackingLink } from '@castline/db';
import { PrismaService } from '@castline/platform';

export type NewConversion = Omit<Prisma.ConversionEventUncheckedCreateInput, 'id' | 'createdAt'>;

/** What ties a conversion to a click: kept from the pixel's row when an s2s report of the order attributes to nothing. */
const ATTRIBUTION_COLUMNS = [
  'campaignId',
  'creativeId',
  'clickId',
  'trackingId',
  'sessionId',
  'attributedBy',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'utmContent',
  'utmTerm',
  'fbclid',
  'gclid',
  'msclkid',
] as const satisfies ReadonlyArray<keyof ConversionEvent & keyof NewConversion>;

/** tracking_links, clicks and conversion_events, plus the tracked columns of campaign_metrics. */
@Injectable()
export class TrackingRepository {
  constructor(private readonly prisma: PrismaService) {}

  async links(): Promise<Array<TrackingLink & { clicks: number }>> {
    const links = await this.prisma.trackingLink.findMany({ orderBy: { createdAt: 'desc' }, include: { _count: { select: { clicks: true } } } });
    return links.map(({ _count, ...link }) => ({ ...link, clicks: _count.clicks }));
  }

  linkByCode(code: string): Promise<TrackingLink | null> {
    return this.prisma.trackingLink.findUnique({ where: { code } });
  }

  createLink(data: Prisma.TrackingLinkUncheckedCreateInput): Promise<TrackingLink> {
    return this.prisma.trackingLink.create({ data });
  }

  async deleteLink(id: string): Promise<boolean> {
    return (await this.prisma.trackingLink.deleteMany({ where: { id } })).count > 0;
  }

  async exists(table: 'account' | 'campaign' | 'creative', id: string): Promise<boolean> {
    if (table === 'account') return (await this.prisma.adAccount.count({ where: { id } })) > 0;
    if (table === 'campaign') return (await this.prisma.campaign.count({ where: { id } })) > 0;
    return (await this.prisma.adCreative.count({ where: { id } })) > 0;
  }

  recordClick(data: Prisma.ClickUncheckedCreateInput): Promise<Click> {
    return this.prisma.click.create({ data });
  }

  /** The click with this id if it happened within [from, to] and was not a bot's. */
  clickById(clickId: string, from: Date, to: Date): Promise<Click | null> {
    return this.prisma.click.findFirst({ where: { clickId, isBot: false, at: { gte: from, lte: to } } });
  }

  /** The last click of this visitor within [from, to], bots' clicks left out. */
  lastClickOf(trackingId: string, from: Date, to: Date): Promise<Click | null> {
    return this.prisma.click.findFirst({ where: { trackingId, isBot: false, at: { gte: from, lte: to } }, orderBy: { at: 'desc' } });
  }

  accountByPixel(pixelId: string) {
    return this.prisma.adAccount.findUnique({ where: { pixelId }, select: { id: true, timezone: true } });
  }

  account(id: string) {
    return this.prisma.adAccount.findUnique({ where: { id }, select: { id: true, timezone: true } });
  }

  campaignCurrency(id: string) {
    return this.prisma.campaign.findUnique({ where: { id }, select: { currency: true } });
  }

  /**
   * Stores a conversion once per (account, type, order id) and per (account, event id). A repeat changes nothing
   * and returns the stored row, except that an s2s report replaces the pixel's row of the same order (the
   * server knows the value better). The pixel's attribution stays when the s2s report attributes to nothing (a
   * shop's server rarely knows our click or tracking id); an attributed s2s report brings its own. `credit` moves
   * the campaign day's tracked figures with the row, in the same transaction.
   */
  async recordConversion(
    data: NewConversion,
    credit: (tx: Prisma.TransactionClient, row: ConversionEvent, sign: 1 | -1) => Promise<void>,
  ): Promise<{ row: ConversionEvent; duplicate: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRawUnsafe<Array<{ id: bigint }>>(
        `INSERT INTO conversion_events (account_id, campaign_id, creative_id, click_id, tracking_id, session_id, type, value_micros, currency, order_id, event_id,
           source, attributed_by, ip_hash, user_agent, referrer, landing_page, utm_source, utm_medium, utm_campaign, utm_content, utm_term, fbclid, gclid, msclkid, occurred_at)
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8::bigint, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26::timestamptz)
         ON CONFLICT DO NOTHING RETURNING id`,
        data.accountId ?? null,
        data.campaignId ?? null,
        data.creativeId ?? null,
        data.clickId ?? null,
        data.trackingId ?? null,
        data.sessionId ?? null,
        data.type,
        String(data.valueMicros ?? 0),
        data.currency ?? null,
        data.orderId ?? null,
        data.eventId ?? null,
        data.source,
        data.attributedBy,
        data.ipHash ?? null,
        data.userAgent ?? null,
        data.referrer ?? null,
        data.landingPage ?? null,
        data.utmSource ?? null,
        data.utmMedium ?? null,
        data.utmCampaign ?? null,
        data.utmContent ?? null,
        data.utmTerm ?? null,
        data.fbclid ?? null,
        data.gclid ?? null,
        data.msclkid ?? null,
        (data.occurredAt as Date).toISOString(),
      );
      if (inserted.length > 0) {
        const row = await tx.conversionEvent.findUniqueOrThrow({ where: { id: inserted[0]!.id } });
        await credit(tx, row, 1);
        return { row, duplicate: false };
      }
      const or: Prisma.ConversionEventWhereInput[] = [];
      if (data.orderId) or.push({ accountId: data.accountId, type: data.type, orderId: data.orderId });
      if (data.eventId) or.push({ accountId: data.accountId, eventId: data.eventId });
      const existing = await tx.conversionEvent.findFirstOrThrow({ where: { OR: or } });
      if (!(existing.source === 'pixel' && data.source === 's2s')) return { row: existing, duplicate: true };
      await credit(tx, existing, -1);
      const { accountId: _account, occurredAt, ...changes } = data;
      if (data.attributedBy === 'none') {
        for (const column of ATTRIBUTION_COLUMNS) (changes as Record<string, unknown>)[column] = existing[column] ?? data[column] ?? null;
      }
      const row = await tx.conversionEvent.update({ where: { id: existing.id }, data: { ...changes, occurredAt } });
      await credit(tx, row, 1);
      return { row, duplicate: false };
    });
  }

  /** Adds (or with -1 removes) one tracked conversion and its value on a campaign's or a creative's day. */
  async creditDay(tx: Prisma.TransactionClient, of: 'campaign' | 'creative', id: string, date: string, conversions: number, revenueMicros: bigint): Promise<void> {
    const [table, key] = of === 'campaign' ? ['campaign_metrics', 'campaign_id'] : ['creative_metrics', 'creative_id'];
    await tx.$executeRawUnsafe(
      `INSERT INTO ${table} (${key}, date, tracked_conversions, tracked_revenue_micros, updated_at)
       VALUES ($1::uuid, $2::date, $3, $4::bigint, now())
       ON CONFLICT (${key}, date) DO UPDATE SET
         tracked_conversions = ${table}.tracked_conversions + EXCLUDED.tracked_conversions,
         tracked_revenue_micros = ${table}.tracked_revenue_micros + EXCLUDED.tracked_revenue_micros,
         updated_at = now()`,
      id,
      date,
      conversions,
      revenueMicros.toString(),
    );
  }
}
