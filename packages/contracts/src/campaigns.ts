import { z } from 'zod';
import { PageQuerySchema, sortSchema } from './lists';

/** Campaigns area: ad accounts (Meta, Google Ads), campaigns and their daily metrics, sync runs. */

export const AD_PLATFORMS = ['meta', 'google'] as const;
export const CAMPAIGN_PLATFORMS = ['meta', 'google', 'manual'] as const;
export const AD_ACCOUNT_STATUSES = ['active', 'paused', 'error'] as const;
export const CAMPAIGN_STATUSES = ['active', 'paused', 'completed', 'archived'] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'not a calendar day');
const isoCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
  .refine((code) => {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().currency === code && Intl.supportedValuesOf('currency').includes(code);
    } catch {
      return false;
    }
  }, 'not an ISO 4217 currency');
export const CurrencySchema = isoCurrency;
export const DaySchema = day;

export const MetaCredentialsSchema = z.object({
  accessToken: z.string().min(8).max(2048),
  appSecret: z.string().min(8).max(256),
});
export const GoogleCredentialsSchema = z.object({
  refreshToken: z.string().min(8).max(2048),
  clientId: z.string().min(1).max(512),
  clientSecret: z.string().min(1).max(512),
  developerToken: z.string().min(1).max(256),
  /** The manager account (login-customer-id) when the customers are reached through one. */
  loginCustomerId: z.string().regex(/^\d{10}$/, '10 digits, no dashes').optional(),
});

export const ConnectAdAccountSchema = z.discriminatedUnion('platform', [
  z.object({
    platform: z.literal('meta'),
    /** The ad account id, without `act_`. */
    externalId: z.string().regex(/^\d{1,20}$/, 'the numeric ad account id, without act_'),
    credentials: MetaCredentialsSchema,
    /** Action types counted as conversions. */
    conversionActionTypes: z.array(z.string().min(1).max(200)).max(20).default(['offsite_conversion.fb_pixel_purchase']),
    backfillDays: z.number().int().min(1).max(1096).optional(),
  }),
  z.object({
    platform: z.literal('google'),
    /** The customer id of the account (the manager's when it has managed customers), no dashes. */
    externalId: z.string().regex(/^\d{10}$/, '10 digits, no dashes'),
    credentials: GoogleCredentialsSchema,
    /** The customers synced under it (default: the account itself). */
    customerIds: z.array(z.string().regex(/^\d{10}$/, '10 digits, no dashes')).min(1).max(100).optional(),
    backfillDays: z.number().int().min(1).max(1096).optional(),
  }),
]);
export type ConnectAdAccount = z.infer<typeof ConnectAdAccountSchema>;

/**
 * Before connecting Google Ads: which customers these credentials reach (customers:listAccessibleCustomers) and,
 * under each manager (MCC) among them, its client accounts (customer_client). Nothing is stored.
 */
export const DiscoverGoogleCustomersSchema = z.object({ credentials: GoogleCredentialsSchema.omit({ loginCustomerId: true }) });
export const GoogleDiscoveredCustomerSchema = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  /** A manager has no metrics of its own: connect it with its client accounts as customerIds. */
  manager: z.boolean(),
  /** The manager to connect through (externalId and loginCustomerId); null: reached directly. */
  managerId: z.string().nullable(),
  /** Depth below that manager (0: the accessible customer itself). */
  level: z.number().int(),
  /** ENABLED, CANCELED, SUSPENDED, CLOSED (customer_client.status), or REFUSED with code/message. */
  status: z.string(),
  code: z.string().nullable(),
  message: z.string().nullable(),
});
export const DiscoverGoogleCustomersReplySchema = z.object({
  /** What listAccessibleCustomers answered. */
  accessible: z.array(z.string()),
  customers: z.array(GoogleDiscoveredCustomerSchema),
});
export type GoogleDiscoveredCustomer = z.infer<typeof GoogleDiscoveredCustomerSchema>;
export type DiscoverGoogleCustomersReply = z.infer<typeof DiscoverGoogleCustomersReplySchema>;

export const UpdateAdAccountSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  conversionActionTypes: z.array(z.string().min(1).max(200)).max(20).optional(),
  /** New credentials replace the stored ones after the same check as connect. */
  credentials: z.union([MetaCredentialsSchema, GoogleCredentialsSchema]).optional(),
});
export const UpdateAdAccountRequestSchema = z.object({ id: z.uuid(), changes: UpdateAdAccountSchema });
export const AdAccountIdSchema = z.object({ id: z.uuid() });

/** The body of "sync now": a range (default yesterday and today in the account's time zone). */
export const SyncNowBodySchema = z.object({ since: day.optional(), until: day.optional() });
export const SyncNowSchema = SyncNowBodySchema.extend({ id: z.uuid() });
export const RunsQuerySchema = PageQuerySchema;

export const AdAccountCustomerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  status: z.enum(['ok', 'refused']),
  code: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
});

export const AdAccountViewSchema = z.object({
  id: z.uuid(),
  platform: z.enum(AD_PLATFORMS),
  externalId: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  status: z.enum(AD_ACCOUNT_STATUSES),
  statusCode: z.string().nullable(),
  statusMessage: z.string().nullable(),
  pausedUntil: z.string().nullable(),
  /** Credentials are write-only: only that they are set and their last 4 characters. */
  credentials: z.object({ set: z.literal(true), last4: z.string() }),
  conversionActionTypes: z.array(z.string()),
  customers: z.array(AdAccountCustomerViewSchema),
  pixelId: z.string(),
  backfill: z.object({ since: z.string().nullable(), until: z.string().nullable(), doneThrough: z.string().nullable() }),
  lastSyncedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AdAccountView = z.infer<typeof AdAccountViewSchema>;
export const AdAccountListSchema = z.object({ items: z.array(AdAccountViewSchema) });

export const SyncRunViewSchema = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  kind: z.string(),
  since: z.string(),
  until: z.string(),
  status: z.string(),
  apiCalls: z.number().int(),
  rowsUpserted: z.number().int(),
  rowsChanged: z.number().int(),
  throttledMs: z.number().int(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const ListSyncRunsSchema = PageQuerySchema.extend({ id: z.uuid() });
export const SyncRunPageSchema = z.object({ items: z.array(SyncRunViewSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
export const SyncNowReplySchema = z.object({
  queued: z.boolean(),
  jobId: z.string(),
  since: z.string(),
  until: z.string(),
  /** The kind of sync holding the account as asked (backfill, hourly, lookback): this one runs after it. */
  behind: z.string().nullable(),
});
export type SyncNowReply = z.infer<typeof SyncNowReplySchema>;

/** Money in an API body: a decimal amount of the currency (non-negative, at most 6 decimals). */
const money = z.number().nonnegative().max(1e12).refine((value) => Number.isInteger(Math.round(value * 1e6)), 'at most 6 decimals');

const CampaignFieldsSchema = z.object({
  name: z.string().trim().min(1).max(200),
  currency: isoCurrency,
  budget: money.nullable().optional(),
  dailyBudget: money.nullable().optional(),
  startDate: day.nullable().optional(),
  endDate: day.nullable().optional(),
  status: z.enum(CAMPAIGN_STATUSES).default('active'),
  objective: z.string().max(100).nullable().optional(),
});
const datesInOrder = (body: { startDate?: string | null; endDate?: string | null }) => !body.startDate || !body.endDate || body.startDate <= body.endDate;
/** A manual campaign (platform `manual`); synced ones change on their platform. */
export const CreateCampaignSchema = CampaignFieldsSchema.refine(datesInOrder, { path: ['endDate'], message: 'endDate is before startDate' });
export type CreateCampaign = z.infer<typeof CreateCampaignSchema>;
export const UpdateCampaignSchema = CampaignFieldsSchema.omit({ status: true })
  .extend({ status: z.enum(CAMPAIGN_STATUSES) })
  .partial()
  .refine(datesInOrder, { path: ['endDate'], message: 'endDate is before startDate' });
export type UpdateCampaign = z.infer<typeof UpdateCampaignSchema>;
export const UpdateCampaignRequestSchema = z.object({ id: z.uuid(), changes: UpdateCampaignSchema });
export const CampaignIdSchema = z.object({ id: z.uuid() });

export const CAMPAIGN_SORT_FIELDS = ['name', 'platform', 'status', 'createdAt', 'spend', 'revenue'] as const;
export const ListCampaignsSchema = PageQuerySchema.extend({
  sort: sortSchema(CAMPAIGN_SORT_FIELDS, 'name'),
  platform: z.enum(CAMPAIGN_PLATFORMS).optional(),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  accountId: z.uuid().optional(),
  currency: isoCurrency.optional(),
  q: z.string().max(200).optional(),
  /** The range the spend/revenue columns cover (default: the last 30 days). */
  since: day.optional(),
  until: day.optional(),
});

export const CampaignViewSchema = z.object({
  id: z.uuid(),
  accountId: z.uuid().nullable(),
  platform: z.enum(CAMPAIGN_PLATFORMS),
  externalId: z.string().nullable(),
  name: z.string(),
  currency: z.string(),
  budget: z.number().nullable(),
  dailyBudget: z.number().nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  status: z.string(),
  objective: z.string().nullable(),
  createdAt: z.string(),
  /** Over the list's range. */
  spend: z.number().optional(),
  revenue: z.number().optional(),
});
export type CampaignView = z.infer<typeof CampaignViewSchema>;
export const CampaignPageSchema = z.object({ items: z.array(CampaignViewSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

/** Analytics: figures from sums over the range, ratios null when their denominator is 0, one block per currency. */
export const AnalyticsQuerySchema = z
  .object({
    scope: z.enum(['overall', 'account', 'campaign', 'creative']).default('overall'),
    id: z.uuid().optional(),
    since: day,
    until: day,
    currency: isoCurrency.optional(),
  })
  .refine((query) => query.since <= query.until, { path: ['until'], message: 'until is before since' })
  .refine((query) => Date.parse(query.until) - Date.parse(query.since) <= 3 * 366 * 86_400_000, { path: ['since'], message: 'a range covers at most 3 years' })
  .refine((query) => query.scope === 'overall' || query.id !== undefined, { path: ['id'], message: 'id is required for this scope' });

export const FiguresSchema = z.object({
  impressions: z.number(),
  clicks: z.number(),
  spend: z.number(),
  platformConversions: z.number(),
  platformRevenue: z.number(),
  trackedConversions: z.number(),
  trackedRevenue: z.number(),
  ctr: z.number().nullable(),
  cpc: z.number().nullable(),
  /** Spend per platform-reported conversion. */
  cpa: z.number().nullable(),
  /** Platform revenue / spend. */
  roas: z.number().nullable(),
});
export const AnalyticsReplySchema = z.object({
  since: z.string(),
  until: z.string(),
  currencies: z.array(
    z.object({
      currency: z.string(),
      totals: FiguresSchema,
      series: z.array(FiguresSchema.extend({ date: z.string() })),
    }),
  ),
  /**
   * Where the tracked clicks (bots left out) and conversions came from, largest first: utm_source, else the ad
   * click id's platform (gclid google, fbclid facebook, msclkid bing), else the referrer's domain, else direct;
   * beyond 12 the rest as "other". Counts, so currencies do not matter.
   */
  sources: z.array(
    z.object({
      source: z.string(),
      kind: z.enum(['utm', 'click_id', 'referrer', 'direct', 'other']),
      clicks: z.number().int(),
      conversions: z.number().int(),
    }),
  ),
});
export type AnalyticsReply = z.infer<typeof AnalyticsReplySchema>;

/** Published on campaigns.events when an account is paused, fails a sync, or recovers. */
export const CampaignEventSchema = z.object({
  accountId: z.uuid(),
  type: z.enum(['account.paused', 'account.error', 'account.synced']),
  code: z.string().nullable(),
  message: z.string().nullable(),
  at: z.string(),
});
export type CampaignEvent = z.infer<typeof CampaignEventSchema>;

// ---- tracking ---------------------------------------------------------------------------------------------

/** Only absolute http(s) URLs are stored as destinations; /r/<code> never redirects anywhere else. */
const destination = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'an absolute http(s) URL without credentials');

export const CreateTrackingLinkSchema = z.object({
  name: z.string().trim().min(1).max(200),
  destinationUrl: destination,
  /** The path of /r/<code>; generated when absent. */
  code: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, '3-64 letters, digits, - or _').optional(),
  accountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  creativeId: z.uuid().optional(),
});
export type CreateTrackingLink = z.infer<typeof CreateTrackingLinkSchema>;
export const TrackingLinkIdSchema = z.object({ id: z.uuid() });
export const TrackingLinkViewSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  destinationUrl: z.string(),
  accountId: z.uuid().nullable(),
  campaignId: z.uuid().nullable(),
  creativeId: z.uuid().nullable(),
  clicks: z.number().int(),
  createdAt: z.string(),
});
export const TrackingLinkListSchema = z.object({ items: z.array(TrackingLinkViewSchema) });

export const CONVERSION_TYPE = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, e.g. purchase');

/** A conversion a shop's server reports (s2s); the pixel sends the same fields as query parameters. */
export const RecordConversionSchema = z
  .object({
    /** The ad account it belongs to, or its public pixel id. */
    accountId: z.uuid().optional(),
    pixelId: z.string().min(1).max(64).optional(),
    type: CONVERSION_TYPE,
    /** In `currency` units; non-negative. */
    value: z.number().nonnegative().max(1e12).default(0),
    currency: isoCurrency.optional(),
    orderId: z.string().min(1).max(128).optional(),
    eventId: z.string().min(1).max(128).optional(),
    clickId: z.string().min(1).max(64).optional(),
    trackingId: z.string().min(1).max(64).optional(),
    sessionId: z.string().min(1).max(128).optional(),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    source: z.enum(['s2s', 'pixel']).default('s2s'),
  })
  .refine((body) => body.accountId !== undefined || body.pixelId !== undefined, { path: ['accountId'], message: 'accountId or pixelId is required' });
export type RecordConversion = z.infer<typeof RecordConversionSchema>;
export const RecordConversionReplySchema = z.object({
  id: z.string(),
  /** True when this order or event was recorded before: nothing changed. */
  duplicate: z.boolean(),
  attributedBy: z.enum(['click_id', 'tracking_id', 'session', 'none']),
  campaignId: z.uuid().nullable(),
});

/** traffic-logger's view of a visit session: what links it to an ad click (campaigns asks, 300 ms deadline). */
export const TrafficSessionRequestSchema = z.object({ sessionId: z.string().min(1).max(128) });
export const TrafficSessionReplySchema = z.object({
  sessionId: z.string(),
  found: z.boolean(),
  trackingId: z.string().nullable().optional(),
  clickId: z.string().nullable().optional(),
});
export type SyncRunView = z.infer<typeof SyncRunViewSchema>;
export type TrackingLinkView = z.infer<typeof TrackingLinkViewSchema>;

/** A campaign's ads with their figures over a range (money in the campaign's currency). */
export const CampaignCreativesQuerySchema = z.object({ id: z.uuid(), since: day.optional(), until: day.optional() });
export const CreativeViewSchema = z.object({
  id: z.uuid(),
  externalAdId: z.string().nullable(),
  name: z.string(),
  impressions: z.number(),
  clicks: z.number(),
  spend: z.number(),
  platformConversions: z.number(),
  platformRevenue: z.number(),
  ctr: z.number().nullable(),
  roas: z.number().nullable(),
});
export const CreativeListSchema = z.object({ currency: z.string(), since: z.string(), until: z.string(), items: z.array(CreativeViewSchema) });
export type CreativeList = z.infer<typeof CreativeListSchema>;
