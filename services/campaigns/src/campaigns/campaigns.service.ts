import { Injectable } from '@nestjs/common';
import {
  type AnalyticsReply,
  type CampaignView,
  type CreateCampaign,
  fieldProblem,
  parseSort,
  type Rpc,
  type RpcParsedRequest,
  type UpdateCampaign,
} from '@castline/contracts';
import type { Campaign } from '@castline/db';
import { AppError } from '@castline/platform';
import { addDays, asDate, dateOnly, daysIn, MAX_RANGE_DAYS } from '../sync/day-range';
import { addSums, emptySums, figures, type Sums, sourceShares } from './analytics';
import { CampaignsRepository } from './campaigns.repository';

const toMicros = (amount: number | null | undefined) => (amount === null || amount === undefined ? null : BigInt(Math.round(amount * 1_000_000)));
const fromMicros = (micros: bigint | null) => (micros === null ? null : Number(micros) / 1_000_000);
/** The days a list or creatives figure covers: the last 30 days by default, in order, at most 3 years. */
function resolveRange(query: { since?: string; until?: string }): { since: string; until: string } {
  const until = query.until ?? new Date().toISOString().slice(0, 10);
  const since = query.since ?? addDays(until, -29);
  if (since > until) throw AppError.badRequest('since is after until', fieldProblem('since', 'after until'));
  if (daysIn({ since, until }) > MAX_RANGE_DAYS) throw AppError.badRequest('A range covers at most 3 years', fieldProblem('since', 'range over 3 years'));
  return { since, until };
}

export function toCampaignView(campaign: Campaign, totals?: { spend: bigint; revenue: bigint }): CampaignView {
  return {
    id: campaign.id,
    accountId: campaign.accountId,
    platform: campaign.platform,
    externalId: campaign.externalId,
    name: campaign.name,
    currency: campaign.currency,
    budget: fromMicros(campaign.budgetMicros),
    dailyBudget: fromMicros(campaign.dailyBudgetMicros),
    startDate: campaign.startDate ? dateOnly(campaign.startDate) : null,
    endDate: campaign.endDate ? dateOnly(campaign.endDate) : null,
    status: campaign.status,
    objective: campaign.objective,
    createdAt: campaign.createdAt.toISOString(),
    ...(totals ? { spend: fromMicros(totals.spend)!, revenue: fromMicros(totals.revenue)! } : {}),
  };
}

/** Campaigns (synced and manual) and their analytics. */
@Injectable()
export class CampaignsService {
  constructor(private readonly campaigns: CampaignsRepository) {}

  async list(query: RpcParsedRequest<typeof Rpc.campaigns.list>) {
    const { since, until } = resolveRange(query);
    const { rows, total } = await this.campaigns.list({ ...query, since, until, sort: parseSort(query.sort) });
    return { items: rows.map((row) => toCampaignView(row, row)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<CampaignView> {
    return toCampaignView(await this.require(id));
  }

  async create(body: CreateCampaign): Promise<CampaignView> {
    return toCampaignView(
      await this.campaigns.create({
        platform: 'manual',
        name: body.name,
        currency: body.currency,
        budgetMicros: toMicros(body.budget),
        dailyBudgetMicros: toMicros(body.dailyBudget),
        startDate: body.startDate ? asDate(body.startDate) : null,
        endDate: body.endDate ? asDate(body.endDate) : null,
        status: body.status,
        objective: body.objective ?? null,
      }),
    );
  }

  async update(id: string, changes: UpdateCampaign): Promise<CampaignView> {
    const campaign = await this.require(id);
    if (campaign.platform !== 'manual') {
      const allowed = Object.keys(changes).every((key) => key === 'objective');
      if (!allowed) throw AppError.badRequest(`A ${campaign.platform} campaign changes on its platform; only objective can be set here`);
    }
    const start = changes.startDate === undefined ? campaign.startDate : changes.startDate ? asDate(changes.startDate) : null;
    const end = changes.endDate === undefined ? campaign.endDate : changes.endDate ? asDate(changes.endDate) : null;
    if (start && end && start > end) throw AppError.badRequest('endDate is before startDate', fieldProblem('changes.endDate', 'before startDate'));
    const data: Record<string, unknown> = {};
    if (changes.name !== undefined) data.name = changes.name;
    if (changes.currency !== undefined) data.currency = changes.currency;
    if (changes.budget !== undefined) data.budgetMicros = toMicros(changes.budget);
    if (changes.dailyBudget !== undefined) data.dailyBudgetMicros = toMicros(changes.dailyBudget);
    if (changes.startDate !== undefined) data.startDate = start;
    if (changes.endDate !== undefined) data.endDate = end;
    if (changes.status !== undefined) data.status = changes.status;
    if (changes.objective !== undefined) data.objective = changes.objective;
    return toCampaignView(await this.campaigns.update(id, data));
  }

  async delete(id: string): Promise<{ deleted: true }> {
    const campaign = await this.require(id);
    if (campaign.platform !== 'manual') throw AppError.badRequest(`A ${campaign.platform} campaign is removed on its platform, not here`);
    await this.campaigns.delete(id);
    return { deleted: true };
  }

  async creatives(request: { id: string; since?: string; until?: string }) {
    const campaign = await this.require(request.id);
    const { since, until } = resolveRange(request);
    const rows = await this.campaigns.creatives(campaign.id, since, until);
    return {
      currency: campaign.currency,
      since,
      until,
      items: rows.map((row) => {
        const { impressions, clicks, spend, platformConversions, platformRevenue, ctr, roas } = figures(row);
        return { id: row.id, externalAdId: row.externalAdId, name: row.name, impressions, clicks, spend, platformConversions, platformRevenue, ctr, roas };
      }),
    };
  }

  /** Totals and a daily series per currency, from sums (ratios never averaged, null on a zero denominator). */
  async analytics(query: RpcParsedRequest<typeof Rpc.campaigns.analytics>): Promise<AnalyticsReply> {
    if (query.scope !== 'overall') {
      const exists =
        query.scope === 'campaign'
          ? (await this.campaigns.get(query.id!)) !== null
          : query.scope === 'account'
            ? await this.campaigns.accountExists(query.id!)
            : await this.campaigns.creativeExists(query.id!);
      if (!exists) throw AppError.badRequest(`Unknown ${query.scope} ${query.id}`, fieldProblem('id', `no such ${query.scope}`));
    }
    const scope = query.scope === 'overall' ? { scope: 'overall' as const } : { scope: query.scope, id: query.id! };
    const [rows, sources] = await Promise.all([
      this.campaigns.dailySums(scope, query.since, query.until, query.currency),
      this.campaigns.sourceCounts(scope, query.since, query.until, query.currency),
    ]);
    const byCurrency = new Map<string, { totals: Sums; days: Map<string, Sums> }>();
    for (const row of rows) {
      let entry = byCurrency.get(row.currency);
      if (!entry) byCurrency.set(row.currency, (entry = { totals: emptySums(), days: new Map() }));
      addSums(entry.totals, row);
      entry.days.set(row.date, row);
    }
    // Every day of the range, a day without rows as zeros: a chart must show a gap in spend as 0, not skip it.
    const days = Array.from({ length: daysIn(query) }, (_, index) => addDays(query.since, index));
    return {
      since: query.since,
      until: query.until,
      currencies: [...byCurrency.entries()].map(([currency, entry]) => ({
        currency,
        totals: figures(entry.totals),
        series: days.map((date) => ({ date, ...figures(entry.days.get(date) ?? emptySums()) })),
      })),
      sources: sourceShares(sources),
    };
  }

  private async require(id: string): Promise<Campaign> {
    const campaign = await this.campaigns.get(id);
    if (!campaign) throw AppError.notFound('Campaign');
    return campaign;
  }
}
