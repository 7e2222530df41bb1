import { z } from 'zod';

/**
 * Traffic search (seed 000 §4, issue 12 item 6): every filter of traffic_logs_detailed plus path, channel and
 * session, over nginx's request log (`source: requests`, default) or the tracker's events (`source: events`).
 * A filter that does not exist on the chosen source is refused with 400 naming it, never ignored.
 *
 * The traffic-logger validates what zod cannot know here (IP/CIDR syntax, the 92-day range, the cursor, which
 * filters the source has, raw-IP mode) and answers 400 VALIDATION_FAILED with `details.fields[].path` = the filter.
 */

/** The longest time range one search may span (a quarter). */
export const TRAFFIC_SEARCH_MAX_RANGE_DAYS = 92;
/** The count stops here: the page shows "100,000+". */
export const TRAFFIC_SEARCH_COUNT_CAP = 100_000;
/** An export refuses more rows than this (422 EXPORT_TOO_LARGE, before the first byte). */
export const TRAFFIC_EXPORT_MAX_ROWS = 1_000_000;

export const TRAFFIC_SEARCH_SOURCES = ['requests', 'events'] as const;
export const TRAFFIC_SEARCH_SORTS = ['newest', 'oldest'] as const;
export const TRAFFIC_PATH_MATCHES = ['prefix', 'contains', 'exact'] as const;
export const TRAFFIC_DEVICES = ['desktop', 'mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const list = <T extends z.ZodType>(item: T, max = 20) => z.array(item).min(1).max(max);

/** Exact codes (404), ranges (500-504) or classes (4xx). */
export const StatusFilterSchema = z.string().regex(/^(?:[1-5][0-9]{2}(?:-[1-5][0-9]{2})?|[1-5]xx)$/, 'a code (404), a range (500-504) or a class (4xx)');

export const TrafficSearchFiltersSchema = z.strictObject({
  source: z.enum(TRAFFIC_SEARCH_SOURCES).default('requests'),
  /** ISO 8601; default the last 24 hours; at most 92 days apart. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** An address (exact) or a CIDR block (needs TRAFFIC_STORE_RAW_IP and traffic:ip). */
  ip: z.string().trim().min(2).max(64).regex(/^[0-9A-Fa-f:.]+(?:\/[0-9]{1,3})?$/, 'an IP address or a CIDR block').optional(),
  method: list(z.string().regex(/^[A-Z]{1,16}$/, 'an HTTP method in capitals'), 10).optional(),
  status: list(StatusFilterSchema).optional(),
  /** The Host nginx saw (requests) or the page's host name (events). */
  host: text(253).optional(),
  path: text(1024).optional(),
  pathMatch: z.enum(TRAFFIC_PATH_MATCHES).default('prefix'),
  /** ISO 3166-1 alpha-2, as GeoIP gives it. */
  country: list(z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter country code').transform((code) => code.toUpperCase()), 50).optional(),
  device: list(z.enum(TRAFFIC_DEVICES), 7).optional(),
  /** ua-parser-js names (Chrome, Mobile Safari, Windows, iOS...), compared without case. */
  browser: text(64).optional(),
  os: text(64).optional(),
  bot: z.enum(['yes', 'no']).optional(),
  /** Part of the referrer (requests: the Referer header, events: its domain). */
  referrer: text(512).optional(),
  utmSource: text(256).optional(),
  utmMedium: text(256).optional(),
  utmCampaign: text(256).optional(),
  utmContent: text(256).optional(),
  utmTerm: text(256).optional(),
  /** Response time bounds in milliseconds (requests). */
  minResponseMs: z.number().int().min(0).max(3_600_000).optional(),
  maxResponseMs: z.number().int().min(0).max(3_600_000).optional(),
  /** A live channel: its slug or its id (requests). */
  channel: text(128).optional(),
  /** A tracker session id (events). */
  session: z.uuid().optional(),
  /** A tracker event name (events): page_view, session_start, custom names. */
  event: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).optional(),
});
export type TrafficSearchFilters = z.infer<typeof TrafficSearchFiltersSchema>;
export type TrafficSearchFiltersInput = z.input<typeof TrafficSearchFiltersSchema>;

/** The body of POST /api/v1/traffic/search. */
export const TrafficSearchBodySchema = z.strictObject({
  filters: TrafficSearchFiltersSchema.default({ source: 'requests', pathMatch: 'prefix' }),
  sort: z.enum(TRAFFIC_SEARCH_SORTS).default('newest'),
  limit: z.number().int().min(1).max(500).default(50),
  /** From the previous page's `nextCursor`; opaque. */
  cursor: z.string().min(1).max(512).optional(),
});

/** Who asks, as the gateway knows it: history and saved searches are per owner; raw IPs need traffic:ip. */
export const TrafficCallerSchema = z.object({
  /** A user id, or `api-key:<id>`. */
  owner: z.string().min(1).max(200),
  canSeeIp: z.boolean(),
});
export type TrafficCaller = z.infer<typeof TrafficCallerSchema>;

export const TrafficSearchRequestSchema = TrafficSearchBodySchema.extend({ caller: TrafficCallerSchema });

/** One result row, the same shape for both sources (fields the source lacks are null). */
export const TrafficSearchRowSchema = z.object({
  /** requests: nginx's request id; events: the event id. */
  id: z.string(),
  source: z.enum(TRAFFIC_SEARCH_SOURCES),
  ts: z.string(),
  host: z.string().nullable(),
  method: z.string().nullable(),
  path: z.string(),
  query: z.string().nullable(),
  status: z.number().int().nullable(),
  responseMs: z.number().int().nullable(),
  bytesSent: z.number().nullable(),
  /** The raw address: only with TRAFFIC_STORE_RAW_IP and traffic:ip, else null. */
  ip: z.string().nullable(),
  referrer: z.string().nullable(),
  userAgent: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  device: z.string().nullable(),
  country: z.string().nullable(),
  city: z.string().nullable(),
  isBot: z.boolean(),
  botType: z.string().nullable(),
  channel: z.string().nullable(),
  sessionId: z.string().nullable(),
  event: z.string().nullable(),
  utmSource: z.string().nullable(),
  utmCampaign: z.string().nullable(),
});
export type TrafficSearchRow = z.infer<typeof TrafficSearchRowSchema>;

export const TrafficSearchPageSchema = z.object({
  items: z.array(TrafficSearchRowSchema),
  /** null: the last page. */
  nextCursor: z.string().nullable(),
  /** Matching rows, counted up to TRAFFIC_SEARCH_COUNT_CAP (`capped`: there are more); first page only. */
  count: z.object({ value: z.number().int(), capped: z.boolean() }).nullable(),
});
export type TrafficSearchPage = z.infer<typeof TrafficSearchPageSchema>;

/** A tracker session's events in order, with its summary (the journey drawer). */
export const TrafficJourneyRequestSchema = z.object({ id: z.uuid() });
export const TrafficJourneySchema = z.object({
  session: z
    .object({
      id: z.string(),
      siteId: z.string(),
      startedAt: z.string(),
      lastSeen: z.string(),
      pageviews: z.number().int(),
      events: z.number().int(),
      entryPath: z.string(),
      exitPath: z.string(),
      referrerDomain: z.string().nullable(),
      country: z.string().nullable(),
      device: z.string().nullable(),
      browser: z.string().nullable(),
      os: z.string().nullable(),
    })
    .nullable(),
  items: z.array(TrafficSearchRowSchema),
});
export type TrafficJourney = z.infer<typeof TrafficJourneySchema>;

/** A named search of one user (seed 000 saved_searches). */
export const SavedSearchBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  filters: TrafficSearchFiltersSchema,
});
export const SavedSearchViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  filters: TrafficSearchFiltersSchema,
  createdAt: z.string(),
});
export type SavedSearchView = z.infer<typeof SavedSearchViewSchema>;
export const SavedSearchListSchema = z.object({ items: z.array(SavedSearchViewSchema) });
export const SavedSearchCreateRequestSchema = SavedSearchBodySchema.extend({ caller: TrafficCallerSchema });
export const SavedSearchDeleteRequestSchema = z.object({ id: z.uuid(), caller: TrafficCallerSchema });
export const TrafficOwnerRequestSchema = z.object({ caller: TrafficCallerSchema });

/** The last searches of one user, newest first (at most TRAFFIC_SEARCH_HISTORY_SIZE). */
export const TRAFFIC_SEARCH_HISTORY_SIZE = 50;
export const SearchHistoryEntrySchema = z.object({
  id: z.uuid(),
  filters: TrafficSearchFiltersSchema,
  resultCount: z.number().int().nullable(),
  capped: z.boolean(),
  executedAt: z.string(),
});
export const SearchHistoryListSchema = z.object({ items: z.array(SearchHistoryEntrySchema) });
export const ClearedReplySchema = z.object({ cleared: z.number().int() });

export const TRAFFIC_EXPORT_FORMATS = ['csv', 'json'] as const;
export const TrafficExportBodySchema = z.strictObject({
  format: z.enum(TRAFFIC_EXPORT_FORMATS),
  filters: TrafficSearchFiltersSchema.default({ source: 'requests', pathMatch: 'prefix' }),
  sort: z.enum(TRAFFIC_SEARCH_SORTS).default('newest'),
});
export const TrafficExportTicketRequestSchema = TrafficExportBodySchema.extend({ caller: TrafficCallerSchema });
/**
 * A one-time ticket for the traffic-logger's internal export stream (GET /internal/exports/<ticket>, 30 s):
 * the gateway pipes that stream to the client, so exports never travel in a NATS reply (1 MiB limit).
 */
export const TrafficExportTicketSchema = z.object({
  ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  rows: z.number().int(),
  filename: z.string(),
  contentType: z.string(),
});
export type TrafficExportTicket = z.infer<typeof TrafficExportTicketSchema>;
