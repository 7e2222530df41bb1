import { z } from 'zod';

/**
 * Site analytics (GET /api/v1/analytics/*), answered by the traffic-logger from its rollups
 * (docs/ARCHITECTURE.md "Traffic rollups"). Days are UTC; `to` is inclusive. Visitors over a range are the sum of
 * each day's distinct visitors (the visitor id changes daily without the cookie opt-in, so this is exact then).
 */
export const ANALYTICS_MAX_RANGE_DAYS = 92;
export const ANALYTICS_RANGES = ['today', '7d', '30d', 'custom'] as const;
export const ANALYTICS_DIMENSIONS = ['page', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'country', 'device', 'browser', 'os'] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

const DAY_MS = 86_400_000;
const isCalendarDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
const AnalyticsDaySchema = z.string().refine(isCalendarDay, 'a calendar day as YYYY-MM-DD');

const rangeFields = {
  site: z.uuid(),
  /** today, the last 7 or 30 days (today included), or custom from..to. */
  range: z.enum(ANALYTICS_RANGES).default('7d'),
  from: AnalyticsDaySchema.optional(),
  to: AnalyticsDaySchema.optional(),
};

/** Checks a custom range: both days, in order, at most ANALYTICS_MAX_RANGE_DAYS; each problem names its field. */
const checkRange = (query: { range: string; from?: string; to?: string }, context: z.RefinementCtx) => {
  if (query.range !== 'custom') return;
  if (!query.from) context.addIssue({ code: 'custom', path: ['from'], message: 'required with range=custom' });
  if (!query.to) context.addIssue({ code: 'custom', path: ['to'], message: 'required with range=custom' });
  if (!query.from || !query.to || !isCalendarDay(query.from) || !isCalendarDay(query.to)) return;
  const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
  if (days < 1) context.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
  else if (days > ANALYTICS_MAX_RANGE_DAYS) context.addIssue({ code: 'custom', path: ['from'], message: `a range covers at most ${ANALYTICS_MAX_RANGE_DAYS} days` });
};

export const AnalyticsRangeQuerySchema = z.object(rangeFields).superRefine(checkRange);
export type AnalyticsRangeQuery = z.infer<typeof AnalyticsRangeQuerySchema>;

export const AnalyticsSeriesQuerySchema = z
  .object({ ...rangeFields, interval: z.enum(['hour', 'day']).optional() })
  .superRefine(checkRange);
export const AnalyticsTopQuerySchema = z
  .object({ ...rangeFields, dimension: z.enum(ANALYTICS_DIMENSIONS), limit: z.coerce.number().int().min(1).max(100).default(10) })
  .superRefine(checkRange);
export const AnalyticsSiteQuerySchema = z.object({ site: z.uuid() });
export const ChannelViewersQuerySchema = z
  .object({ channelId: z.uuid().optional(), slug: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a channel slug').optional() })
  .refine((query) => query.channelId !== undefined || query.slug !== undefined, { path: ['channelId'], message: 'channelId or slug is required' });

export const AnalyticsTotalsSchema = z.object({
  visitors: z.number().int().nonnegative(),
  pageviews: z.number().int().nonnegative(),
  sessions: z.number().int().nonnegative(),
  bounces: z.number().int().nonnegative(),
  durationSeconds: z.number().nonnegative(),
  /** bounces / sessions (0..1), null without sessions. */
  bounceRate: z.number().min(0).max(1).nullable(),
  /** durationSeconds / sessions, null without sessions. */
  avgDurationSeconds: z.number().nonnegative().nullable(),
});
export type AnalyticsTotalsView = z.infer<typeof AnalyticsTotalsSchema>;

const PeriodSchema = z.object({ from: z.string(), to: z.string() });
export const AnalyticsSummarySchema = z.object({
  site: z.uuid(),
  /** The days asked for (inclusive) and the same number of days just before, for deltas. */
  period: PeriodSchema,
  previousPeriod: PeriodSchema,
  current: AnalyticsTotalsSchema,
  previous: AnalyticsTotalsSchema,
});
export type AnalyticsSummary = z.infer<typeof AnalyticsSummarySchema>;

export const AnalyticsSeriesSchema = z.object({
  interval: z.enum(['hour', 'day']),
  period: PeriodSchema,
  /** Every hour or day of the period, zeros where nothing happened. */
  points: z.array(
    z.object({
      at: z.string(),
      visitors: z.number().int().nonnegative(),
      pageviews: z.number().int().nonnegative(),
      sessions: z.number().int().nonnegative(),
      bounces: z.number().int().nonnegative(),
    }),
  ),
});
export type AnalyticsSeries = z.infer<typeof AnalyticsSeriesSchema>;

const TopValueSchema = z.object({ value: z.string(), visitors: z.number().int().nonnegative(), pageviews: z.number().int().nonnegative() });
export const AnalyticsTopSchema = z.object({
  dimension: z.enum(ANALYTICS_DIMENSIONS),
  period: PeriodSchema,
  /** '' is an unknown value (no referrer: direct, no country...). */
  items: z.array(TopValueSchema),
  /** Everything beyond `limit`, summed; null when nothing is left. */
  others: TopValueSchema.nullable(),
});
export type AnalyticsTop = z.infer<typeof AnalyticsTopSchema>;

export const LIVE_VISITORS_WINDOW_S = 300;
export const AnalyticsLiveSchema = z.object({ site: z.uuid(), visitors: z.number().int().nonnegative(), windowSeconds: z.number().int().positive() });
export type AnalyticsLive = z.infer<typeof AnalyticsLiveSchema>;

/** A channel's viewers per minute over the last 24 h (the per-minute channel rollup), zeros where none. */
export const ChannelViewersSeriesSchema = z.object({
  from: z.string(),
  to: z.string(),
  points: z.array(z.object({ minute: z.string(), viewers: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() })),
});
export type ChannelViewersSeries = z.infer<typeof ChannelViewersSeriesSchema>;

/** One stored tracker event as the live feed shows it (`traffic.events`, published after each stored batch). */
export const TrafficLiveEventSchema = z.object({
  siteId: z.uuid(),
  ts: z.string(),
  name: z.string(),
  path: z.string(),
  referrerDomain: z.string().nullable(),
  country: z.string().nullable(),
  device: z.string().nullable(),
  browser: z.string().nullable(),
});
export const TrafficLiveEventsSchema = z.object({ events: z.array(TrafficLiveEventSchema) });
export type TrafficLiveEvents = z.infer<typeof TrafficLiveEventsSchema>;
