import { z } from 'zod';

/**
 * Live-channel audience, counted by the traffic-logger from nginx's access log. Every TRAFFIC_VIEWERS_INTERVAL
 * (5 s) the tailer of each access log publishes one `TrafficViewers` on `traffic.viewers`; monitoring keeps the
 * latest per source and fills `MonitoringStreams.viewers` from it.
 *
 * A viewer is a distinct hash(IP + User-Agent) that fetched a media segment (.ts/.m4s, 200 or 206) of the channel
 * in the last `windowSeconds`. Public channels are named by slug (/live/<slug>/...), signed ones by channel id
 * (/live/_signed/<token>/<expires>/<id>.<version>/...): nginx's paths carry nothing else.
 */
export const TrafficChannelViewersSchema = z
  .object({
    slug: z.string().min(1).nullable(),
    channelId: z.uuid().nullable(),
    viewers: z.number().int().nonnegative(),
    /** Σ $bytes_sent of the channel's responses in the window / windowSeconds, times 8. */
    egressBitsPerSecond: z.number().nonnegative(),
  })
  .refine((entry) => (entry.slug === null) !== (entry.channelId === null), 'exactly one of slug and channelId');
export type TrafficChannelViewers = z.infer<typeof TrafficChannelViewersSchema>;

export const TrafficViewersSchema = z.object({
  /** Which access log (host:path) was counted: monitoring sums the sources of a multi-nginx setup. */
  source: z.string().min(1),
  windowSeconds: z.number().int().positive(),
  sampledAt: z.iso.datetime(),
  /** Channels with at least one viewer or byte in the window. */
  channels: z.array(TrafficChannelViewersSchema),
});
export type TrafficViewers = z.infer<typeof TrafficViewersSchema>;

/**
 * One event from the tracker (packages/tracker) or another client of POST /api/v1/collect: `name` is `page_view`
 * or any custom name, `props` free key/values. Extensible without a schema change: new kinds of event (media
 * plays, ...) are new names with their own props.
 */
export const CollectEventSchema = z.strictObject({
  site: z.uuid(),
  name: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _.:- only, up to 64'),
  /** The page, absolute: its path, query (utm_*, click ids) and host are read from it. */
  url: z.url({ protocol: /^https?$/ }).max(2048),
  referrer: z.string().max(2048).nullable().optional(),
  props: z
    .record(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/), z.union([z.string().max(256), z.number(), z.boolean(), z.null()]))
    .refine((props) => Object.keys(props).length <= 30, 'at most 30 props')
    .optional(),
  /** The tracker's first-party visitor cookie, sent only for sites with the cookie opt-in (ignored otherwise). */
  vid: z.string().regex(/^[0-9a-f]{32}$/, '32 hex digits').optional(),
});
export type CollectEvent = z.infer<typeof CollectEventSchema>;

/** The tracker's page-view event name; sessions count page views separately from other events. */
export const PAGE_VIEW = 'page_view';
/** Emitted by the server for the first event of a session. */
export const SESSION_START = 'session_start';

/** scheme://host[:port] as browsers send it in Origin: collect compares it exactly. */
const OriginSchema = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(?::[0-9]{1,5})?$/, 'an origin such as https://www.example.com (scheme, host, optional port; no path)');

/** A site that embeds the tracker (Settings -> Sites). */
export const SiteBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  domain: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]{1,253}$/, 'a host name such as www.example.com'),
  allowedOrigins: z.array(OriginSchema).min(1).max(20),
  useCookie: z.boolean().default(false),
});
export const UpdateSiteRequestSchema = z.object({ id: z.uuid(), changes: SiteBodySchema.partial() });
export const SiteIdSchema = z.object({ id: z.uuid() });

export const SiteViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  domain: z.string(),
  allowedOrigins: z.array(z.string()),
  useCookie: z.boolean(),
  /** The <script> tag to paste into the site's pages. */
  snippet: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SiteView = z.infer<typeof SiteViewSchema>;
export const SiteListSchema = z.object({ items: z.array(SiteViewSchema) });
