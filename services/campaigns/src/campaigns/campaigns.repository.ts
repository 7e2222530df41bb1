import { Injectable } from '@nestjs/common';
import type { Campaign, Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';
import type { Sums } from './analytics';

export interface CampaignListFilter {
  platform?: string;
  status?: string;
  accountId?: string;
  currency?: string;
  q?: string;
  since: string;
  until: string;
  sort: { field: string; direction: 'asc' | 'desc' };
  page: number;
  pageSize: number;
}

const SORT_COLUMNS: Record<string, string> = {
  name: 'c.name',
  platform: 'c.platform',
  status: 'c.status',
  createdAt: 'c.created_at',
  spend: 'spend',
  revenue: 'revenue',
};

/** One group of clicks or conversions sharing what decides their source (see classifySource). */
export interface SourceCountRow {
  counted: 'clicks' | 'conversions';
  utmSource: string | null;
  gclid: boolean;
  fbclid: boolean;
  msclkid: boolean;
  /** scheme://host of the referrer. */
  referrerOrigin: string | null;
  count: number;
}

export type AnalyticsScope = { scope: 'overall' } | { scope: 'account' | 'campaign' | 'creative'; id: string };

/** campaigns and their metrics as the API reads them; each query one SQL statement with bound parameters. */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly prisma: PrismaService) {}

  get(id: string): Promise<Campaign | null> {
    return this.prisma.campaign.findUnique({ where: { id } });
  }

  create(data: Prisma.CampaignUncheckedCreateInput): Promise<Campaign> {
    return this.prisma.campaign.create({ data });
  }

  update(id: string, data: Prisma.CampaignUncheckedUpdateInput): Promise<Campaign> {
    return this.prisma.campaign.update({ where: { id }, data });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.campaign.delete({ where: { id } });
  }

  async accountExists(id: string): Promise<boolean> {
    return (await this.prisma.adAccount.count({ where: { id } })) > 0;
  }

  async creativeExists(id: string): Promise<boolean> {
    return (await this.prisma.adCreative.count({ where: { id } })) > 0;
  }

  /** A page of campaigns with spend and revenue over the range (micros, each in its campaign's currency). */
  async list(filter: CampaignListFilter): Promise<{ rows: Array<Campaign & { spend: bigint; revenue: bigint }>; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [filter.since, filter.until];
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.platform) where.push(`c.platform = ${bind(filter.platform)}::"CampaignPlatform"`);
    if (filter.status) where.push(`c.status = ${bind(filter.status)}`);
    if (filter.accountId) where.push(`c.account_id = ${bind(filter.accountId)}::uuid`);
    if (filter.currency) where.push(`c.currency = ${bind(filter.currency)}`);
    if (filter.q) where.push(`c.name ILIKE ${bind(`%${filter.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`)}`);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const direction = filter.sort.direction === 'desc' ? 'DESC' : 'ASC';
    // Amounts compare within one currency only (¥5,000 is not more than €100): money sorts group by currency.
    const money = filter.sort.field === 'spend' || filter.sort.field === 'revenue';
    const order = `${money ? 'c.currency, ' : ''}${SORT_COLUMNS[filter.sort.field] ?? 'c.name'} ${direction}, c.id`;
    const rows = await this.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT c.*, coalesce(m.spend, 0)::bigint AS spend, coalesce(m.revenue, 0)::bigint AS revenue, count(*) OVER () AS total
       FROM campaigns c
       LEFT JOIN (SELECT campaign_id, sum(spend_micros) AS spend, sum(platform_revenue_micros) AS revenue
                  FROM campaign_metrics WHERE date BETWEEN $1::date AND $2::date GROUP BY campaign_id) m ON m.campaign_id = c.id
       ${clause} ORDER BY ${order} LIMIT ${filter.pageSize} OFFSET ${(filter.page - 1) * filter.pageSize}`,
      ...params,
    );
    const total = rows.length > 0 ? Number(rows[0]!.total) : await this.countOnly(clause, params);
    return {
      rows: rows.map((row) => ({
        id: String(row.id),
        accountId: (row.account_id as string | null) ?? null,
        platform: row.platform as Campaign['platform'],
        externalId: (row.external_id as string | null) ?? null,
        name: String(row.name),
        currency: String(row.currency),
        budgetMicros: row.budget_micros === null ? null : BigInt(row.budget_micros as bigint),
        dailyBudgetMicros: row.daily_budget_micros === null ? null : BigInt(row.daily_budget_micros as bigint),
        startDate: (row.start_date as Date | null) ?? null,
        endDate: (row.end_date as Date | null) ?? null,
        status: String(row.status),
        objective: (row.objective as string | null) ?? null,
        createdAt: row.created_at as Date,
        updatedAt: row.updated_at as Date,
        spend: BigInt(row.spend as bigint),
        revenue: BigInt(row.revenue as bigint),
      })),
      total,
    };
  }

  private async countOnly(clause: string, params: unknown[]): Promise<number> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM campaigns c CROSS JOIN (SELECT $1::date, $2::date) AS range_params ${clause}`, ...params);
    return Number(rows[0]?.n ?? 0);
  }

  /** A campaign's creatives with their sums over the range. */
  async creatives(campaignId: string, since: string, until: string): Promise<Array<Sums & { id: string; externalAdId: string | null; name: string }>> {
    const rows = await this.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT a.id::text, a.external_ad_id, a.name, coalesce(sum(m.impressions), 0)::bigint AS impressions, coalesce(sum(m.clicks), 0)::bigint AS clicks,
              coalesce(sum(m.spend_micros), 0)::bigint AS spend, coalesce(sum(m.platform_conversions), 0)::float8 AS conversions,
              coalesce(sum(m.platform_revenue_micros), 0)::bigint AS revenue, coalesce(sum(m.tracked_conversions), 0)::bigint AS tracked,
              coalesce(sum(m.tracked_revenue_micros), 0)::bigint AS tracked_revenue
       FROM ad_creatives a LEFT JOIN creative_metrics m ON m.creative_id = a.id AND m.date BETWEEN $2::date AND $3::date
       WHERE a.campaign_id = $1::uuid GROUP BY a.id ORDER BY spend DESC, a.name`,
      campaignId,
      since,
      until,
    );
    return rows.map((row) => ({
      id: String(row.id),
      externalAdId: (row.external_ad_id as string | null) ?? null,
      name: String(row.name),
      impressions: BigInt(row.impressions as bigint),
      clicks: BigInt(row.clicks as bigint),
      spendMicros: BigInt(row.spend as bigint),
      platformConversions: Number(row.conversions),
      platformRevenueMicros: BigInt(row.revenue as bigint),
      trackedConversions: BigInt(row.tracked as bigint),
      trackedRevenueMicros: BigInt(row.tracked_revenue as bigint),
    }));
  }

  /**
   * Clicks (bots left out) and conversions over the range, counted per what decides their source: utm_source,
   * which click ids are present, and the referrer's scheme and host. A conversion attributed to a click has that
   * click's source; an unattributed one its own fields (the pixel's page). Days in the account's time zone.
   */
  async sourceCounts(scope: AnalyticsScope, since: string, until: string, currency?: string): Promise<SourceCountRow[]> {
    const params: unknown[] = [since, until];
    const filters = (alias: string) => {
      const where: string[] = [];
      if (scope.scope !== 'overall') where.push(`${alias}.${scope.scope}_id = $3::uuid`);
      if (currency) where.push(`c.currency = $${scope.scope === 'overall' ? 3 : 4}`);
      return where.map((clause) => ` AND ${clause}`).join('');
    };
    if (scope.scope !== 'overall') params.push(scope.id);
    if (currency) params.push(currency);
    const origin = (column: string) => `lower(substring(${column} from '^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]+)'))`;
    const pick = (column: string) => `CASE WHEN k.id IS NULL THEN e.${column} ELSE k.${column} END`;
    const rows = await this.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT 'clicks' AS counted, lower(nullif(trim(k.utm_source), '')) AS utm, k.gclid IS NOT NULL AS gclid, k.fbclid IS NOT NULL AS fbclid,
              k.msclkid IS NOT NULL AS msclkid, ${origin('k.referrer')} AS origin, count(*)::bigint AS n
       FROM clicks k LEFT JOIN ad_accounts acc ON acc.id = k.account_id LEFT JOIN campaigns c ON c.id = k.campaign_id
       WHERE NOT k.is_bot AND (k.at AT TIME ZONE coalesce(acc.timezone, 'UTC'))::date BETWEEN $1::date AND $2::date${filters('k')}
       GROUP BY 2, 3, 4, 5, 6
       UNION ALL
       SELECT 'conversions', lower(nullif(trim(${pick('utm_source')}), '')), ${pick('gclid')} IS NOT NULL, ${pick('fbclid')} IS NOT NULL,
              ${pick('msclkid')} IS NOT NULL, ${origin(pick('referrer'))}, count(*)::bigint
       FROM conversion_events e LEFT JOIN clicks k ON k.click_id = e.click_id LEFT JOIN ad_accounts acc ON acc.id = e.account_id
            LEFT JOIN campaigns c ON c.id = e.campaign_id
       WHERE (e.occurred_at AT TIME ZONE coalesce(acc.timezone, 'UTC'))::date BETWEEN $1::date AND $2::date${filters('e')}
       GROUP BY 2, 3, 4, 5, 6`,
      ...params,
    );
    return rows.map((row) => ({
      counted: row.counted === 'clicks' ? 'clicks' : 'conversions',
      utmSource: (row.utm as string | null) ?? null,
      gclid: row.gclid === true,
      fbclid: row.fbclid === true,
      msclkid: row.msclkid === true,
      referrerOrigin: (row.origin as string | null) ?? null,
      count: Number(row.n),
    }));
  }

  /** Sums per currency and day over the range, for one scope. */
  async dailySums(scope: AnalyticsScope, since: string, until: string, currency?: string): Promise<Array<Sums & { currency: string; date: string }>> {
    const creative = scope.scope === 'creative';
    const metrics = creative ? 'creative_metrics m JOIN ad_creatives a ON a.id = m.creative_id JOIN campaigns c ON c.id = a.campaign_id' : 'campaign_metrics m JOIN campaigns c ON c.id = m.campaign_id';
    const params: unknown[] = [since, until];
    const where = ['m.date BETWEEN $1::date AND $2::date'];
    if (scope.scope !== 'overall') {
      params.push(scope.id);
      where.push(`${scope.scope === 'account' ? 'c.account_id' : scope.scope === 'campaign' ? 'c.id' : 'a.id'} = $${params.length}::uuid`);
    }
    if (currency) {
      params.push(currency);
      where.push(`c.currency = $${params.length}`);
    }
    const rows = await this.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT c.currency, m.date::text AS date, sum(m.impressions)::bigint AS impressions, sum(m.clicks)::bigint AS clicks,
              sum(m.spend_micros)::bigint AS spend, sum(m.platform_conversions)::float8 AS conversions,
              sum(m.platform_revenue_micros)::bigint AS revenue, sum(m.tracked_conversions)::bigint AS tracked,
              sum(m.tracked_revenue_micros)::bigint AS tracked_revenue
       FROM ${metrics} WHERE ${where.join(' AND ')} GROUP BY c.currency, m.date ORDER BY c.currency, m.date`,
      ...params,
    );
    return rows.map((row) => ({
      currency: String(row.currency),
      date: String(row.date),
      impressions: BigInt(row.impressions as bigint),
      clicks: BigInt(row.clicks as bigint),
      spendMicros: BigInt(row.spend as bigint),
      platformConversions: Number(row.conversions),
      platformRevenueMicros: BigInt(row.revenue as bigint),
      trackedConversions: BigInt(row.tracked as bigint),
      trackedRevenueMicros: BigInt(row.tracked_revenue as bigint),
    }));
  }
}
