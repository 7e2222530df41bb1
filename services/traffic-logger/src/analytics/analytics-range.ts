import type { AnalyticsRangeQuery } from '@castline/contracts';

const DAY_MS = 86_400_000;

/** UTC days [from, to) of a range, and the period of the same length just before it. */
export interface ResolvedRange {
  from: Date;
  to: Date;
  previousFrom: Date;
}

const PRESET_DAYS = { today: 1, '7d': 7, '30d': 30 } as const;

/** today / last 7 / last 30 days end with today (UTC); custom is from..to inclusive (checked by the contract). */
export function resolveRange(query: Pick<AnalyticsRangeQuery, 'range' | 'from' | 'to'>, now = new Date()): ResolvedRange {
  let from: Date;
  let to: Date;
  if (query.range === 'custom') {
    from = new Date(`${query.from}T00:00:00Z`);
    to = new Date(Date.parse(`${query.to}T00:00:00Z`) + DAY_MS);
  } else {
    to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
    from = new Date(to.getTime() - PRESET_DAYS[query.range] * DAY_MS);
  }
  return { from, to, previousFrom: new Date(from.getTime() - (to.getTime() - from.getTime())) };
}

/** An inclusive day span for answers: { from: first day, to: last day }. */
export const periodOf = (from: Date, to: Date) => ({ from: from.toISOString().slice(0, 10), to: new Date(to.getTime() - DAY_MS).toISOString().slice(0, 10) });
