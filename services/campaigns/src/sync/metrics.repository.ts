import { Injectable } from '@nestjs/common';
import type { Prisma } from '@castline/db';
import { PrismaService } from '@castline/platform';

/** One object's day as a platform reports it (money in micros of the campaign currency). */
export interface DayFigures {
  date: string;
  impressions: bigint;
  clicks: bigint;
  spendMicros: bigint;
  /** Decimal text (Google's conversions are fractional). */
  conversions: string;
  revenueMicros: bigint;
}

export interface CampaignDayRow extends DayFigures {
  campaignExternalId: string;
  campaignName: string;
}

export interface CreativeDayRow extends CampaignDayRow {
  adExternalId: string;
  adName: string;
}

export interface ChunkResult {
  upserted: number;
  changed: number;
}

export type Tx = Prisma.TransactionClient;

/**
 * Ids (and names) of the campaigns and ads one sync run has written already: a day that names nothing new
 * skips their upserts. Only valid within one run (a failed transaction ends the run).
 */
export interface KnownObjects {
  campaigns: Map<string, { id: string; name: string }>;
  ads: Map<string, { id: string; name: string }>;
}

export const newKnownObjects = (): KnownObjects => ({ campaigns: new Map(), ads: new Map() });

/**
 * Writes what a sync read, one chunk per transaction: the campaigns and ads it names (created, or renamed),
 * then their days with INSERT ... ON CONFLICT DO UPDATE ... WHERE the figures differ, so a day re-read with the
 * same figures writes nothing and counts as unchanged. Tracked conversions (our own) are never touched here.
 */
@Injectable()
export class MetricsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `write` in one transaction: a chunk is stored whole or not at all. */
  transaction<T>(write: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(write, { timeout: 120_000, maxWait: 30_000 });
  }

  async writeChunk(
    tx: Tx,
    account: { id: string; platform: 'meta' | 'google'; currency: string },
    campaignRows: readonly CampaignDayRow[],
    creativeRows: readonly CreativeDayRow[],
    known: KnownObjects = newKnownObjects(),
  ): Promise<ChunkResult> {
    const campaigns = new Map<string, string>();
    for (const row of [...campaignRows, ...creativeRows]) {
      if (known.campaigns.get(row.campaignExternalId)?.name !== row.campaignName) campaigns.set(row.campaignExternalId, row.campaignName);
    }
    for (const [externalId, id] of await this.upsertCampaigns(tx, account, campaigns)) known.campaigns.set(externalId, { id, name: campaigns.get(externalId)! });
    const campaignIds = new Map([...known.campaigns].map(([externalId, { id }]) => [externalId, id]));
    const ads = new Map<string, { campaignId: string; name: string }>();
    for (const row of creativeRows) {
      if (known.ads.get(row.adExternalId)?.name !== row.adName) ads.set(row.adExternalId, { campaignId: campaignIds.get(row.campaignExternalId)!, name: row.adName });
    }
    for (const [externalId, id] of await this.upsertCreatives(tx, ads)) known.ads.set(externalId, { id, name: ads.get(externalId)!.name });
    const adIds = new Map([...known.ads].map(([externalId, { id }]) => [externalId, id]));
    const changedCampaigns = await this.upsertDays(tx, 'campaign_metrics', 'campaign_id', campaignRows.map((row) => ({ ...row, objectId: campaignIds.get(row.campaignExternalId)! })));
    const changedCreatives = await this.upsertDays(tx, 'creative_metrics', 'creative_id', creativeRows.map((row) => ({ ...row, objectId: adIds.get(row.adExternalId)! })));
    return { upserted: campaignRows.length + creativeRows.length, changed: changedCampaigns + changedCreatives };
  }

  private async upsertCampaigns(tx: Tx, account: { id: string; platform: string; currency: string }, names: Map<string, string>): Promise<Map<string, string>> {
    if (names.size === 0) return new Map();
    const externalIds = [...names.keys()];
    await tx.$executeRawUnsafe(
      `INSERT INTO campaigns (id, account_id, platform, external_id, name, currency, updated_at)
       SELECT gen_random_uuid(), $1::uuid, $2::"CampaignPlatform", e, n, $3, now() FROM unnest($4::text[], $5::text[]) AS t(e, n)
       ON CONFLICT (account_id, external_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
       WHERE campaigns.name IS DISTINCT FROM EXCLUDED.name`,
      account.id,
      account.platform,
      account.currency,
      externalIds,
      externalIds.map((id) => names.get(id)!),
    );
    const rows = await tx.$queryRawUnsafe<Array<{ id: string; external_id: string }>>(
      'SELECT id::text, external_id FROM campaigns WHERE account_id = $1::uuid AND external_id = ANY($2::text[])',
      account.id,
      externalIds,
    );
    return new Map(rows.map((row) => [row.external_id, row.id]));
  }

  private async upsertCreatives(tx: Tx, ads: Map<string, { campaignId: string; name: string }>): Promise<Map<string, string>> {
    if (ads.size === 0) return new Map();
    const externalIds = [...ads.keys()];
    const campaignIds = externalIds.map((id) => ads.get(id)!.campaignId);
    await tx.$executeRawUnsafe(
      `INSERT INTO ad_creatives (id, campaign_id, external_ad_id, name, updated_at)
       SELECT gen_random_uuid(), c, e, n, now() FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(c, e, n)
       ON CONFLICT (campaign_id, external_ad_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
       WHERE ad_creatives.name IS DISTINCT FROM EXCLUDED.name`,
      campaignIds,
      externalIds,
      externalIds.map((id) => ads.get(id)!.name),
    );
    const rows = await tx.$queryRawUnsafe<Array<{ id: string; external_ad_id: string; campaign_id: string }>>(
      'SELECT id::text, external_ad_id, campaign_id::text FROM ad_creatives WHERE campaign_id = ANY($1::uuid[]) AND external_ad_id = ANY($2::text[])',
      [...new Set(campaignIds)],
      externalIds,
    );
    return new Map(rows.map((row) => [row.external_ad_id, row.id]));
  }

  /** Returns how many rows were inserted or actually changed. */
  private async upsertDays(tx: Tx, table: 'campaign_metrics' | 'creative_metrics', key: 'campaign_id' | 'creative_id', rows: Array<DayFigures & { objectId: string }>): Promise<number> {
    let changed = 0;
    // Bounded statements: a 90-day chunk of a large account is many thousand rows.
    for (let start = 0; start < rows.length; start += 5_000) {
      const slice = rows.slice(start, start + 5_000);
      const result = await tx.$queryRawUnsafe<Array<{ n: bigint }>>(
        `WITH written AS (
           INSERT INTO ${table} (${key}, date, impressions, clicks, spend_micros, platform_conversions, platform_revenue_micros, updated_at)
           SELECT o, d, i, c, s, v, r, now()
           FROM unnest($1::uuid[], $2::date[], $3::bigint[], $4::bigint[], $5::bigint[], $6::numeric[], $7::bigint[]) AS t(o, d, i, c, s, v, r)
           ON CONFLICT (${key}, date) DO UPDATE SET
             impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks, spend_micros = EXCLUDED.spend_micros,
             platform_conversions = EXCLUDED.platform_conversions, platform_revenue_micros = EXCLUDED.platform_revenue_micros,
             updated_at = now()
           WHERE (${table}.impressions, ${table}.clicks, ${table}.spend_micros, ${table}.platform_conversions, ${table}.platform_revenue_micros)
             IS DISTINCT FROM (EXCLUDED.impressions, EXCLUDED.clicks, EXCLUDED.spend_micros, EXCLUDED.platform_conversions, EXCLUDED.platform_revenue_micros)
           RETURNING 1
         ) SELECT count(*) AS n FROM written`,
        slice.map((row) => row.objectId),
        slice.map((row) => row.date),
        slice.map((row) => row.impressions.toString()),
        slice.map((row) => row.clicks.toString()),
        slice.map((row) => row.spendMicros.toString()),
        slice.map((row) => row.conversions),
        slice.map((row) => row.revenueMicros.toString()),
      );
      changed += Number(result[0]?.n ?? 0);
    }
    return changed;
  }
}
