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
