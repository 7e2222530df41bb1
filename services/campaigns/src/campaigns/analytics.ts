import { classifySource, type SourceKind } from '@castline/attribution';
import type { SourceCountRow } from './campaigns.repository';

/** Sums of one currency's figures (money in micros) and the ratios computed from them. */
export interface Sums {
  impressions: bigint;
  clicks: bigint;
  spendMicros: bigint;
  platformConversions: number;
  platformRevenueMicros: bigint;
  trackedConversions: bigint;
  trackedRevenueMicros: bigint;
}

const money = (micros: bigint) => Number(micros) / 1_000_000;
/** A ratio of sums, null when the denominator is 0 (never an average of daily ratios). */
const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);

export function figures(sums: Sums) {
  const spend = money(sums.spendMicros);
  const revenue = money(sums.platformRevenueMicros);
  return {
    impressions: Number(sums.impressions),
    clicks: Number(sums.clicks),
    spend,
    platformConversions: sums.platformConversions,
    platformRevenue: revenue,
    trackedConversions: Number(sums.trackedConversions),
    trackedRevenue: money(sums.trackedRevenueMicros),
    ctr: ratio(Number(sums.clicks), Number(sums.impressions)),
    cpc: ratio(spend, Number(sums.clicks)),
    cpa: ratio(spend, sums.platformConversions),
    roas: ratio(revenue, spend),
  };
}

export const emptySums = (): Sums => ({
  impressions: 0n,
  clicks: 0n,
  spendMicros: 0n,
  platformConversions: 0,
  platformRevenueMicros: 0n,
  trackedConversions: 0n,
  trackedRevenueMicros: 0n,
});

export function addSums(into: Sums, row: Sums): void {
  into.impressions += row.impressions;
  into.clicks += row.clicks;
  into.spendMicros += row.spendMicros;
  into.platformConversions += row.platformConversions;
  into.platformRevenueMicros += row.platformRevenueMicros;
  into.trackedConversions += row.trackedConversions;
  into.trackedRevenueMicros += row.trackedRevenueMicros;
}

/** At most this many sources are named; the rest are summed as "other". */
export const MAX_SOURCES = 12;

export interface SourceShare {
  source: string;
  kind: SourceKind | 'other';
  clicks: number;
  conversions: number;
}

/**
 * Clicks and conversions per source (packages/attribution decides each group's source), largest first; beyond
 * MAX_SOURCES the smallest are summed as one "other". Counts only: money of different currencies is not added.
 */
export function sourceShares(rows: SourceCountRow[]): SourceShare[] {
  const bySource = new Map<string, SourceShare>();
  for (const row of rows) {
    const { kind, label } = classifySource({ utmSource: row.utmSource, clickIds: { gclid: row.gclid, fbclid: row.fbclid, msclkid: row.msclkid }, referrer: row.referrerOrigin });
    const key = `${kind}:${label}`;
    let share = bySource.get(key);
    if (!share) bySource.set(key, (share = { source: label, kind, clicks: 0, conversions: 0 }));
    share[row.counted] += row.count;
  }
  const sorted = [...bySource.values()].sort((a, b) => b.clicks + b.conversions - (a.clicks + a.conversions) || a.source.localeCompare(b.source));
  if (sorted.length <= MAX_SOURCES) return sorted;
  const rest = sorted.slice(MAX_SOURCES - 1);
  const other: SourceShare = { source: 'other', kind: 'other', clicks: 0, conversions: 0 };
  for (const share of rest) {
    other.clicks += share.clicks;
    other.conversions += share.conversions;
  }
  return [...sorted.slice(0, MAX_SOURCES - 1), other];
}
