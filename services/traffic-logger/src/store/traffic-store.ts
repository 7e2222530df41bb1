import type { AccessLogEntry } from '../access-log/access-line';

/**
 * Everything the traffic-logger keeps, behind one interface: the single-node default is Postgres
 * (`PostgresTrafficStore`); an adapter for another engine (ClickHouse at internet scale) must pass the same
 * contract suite (test/store-contract.ts). No SQL outside an adapter.
 */

/** One HTTP request nginx logged (traffic.requests): the access-log fields kept as they are, plus these. */
export interface RequestRow
  extends Pick<
    AccessLogEntry,
    'requestId' | 'host' | 'method' | 'status' | 'bodyBytes' | 'bytesSent' | 'requestTimeMs' | 'upstreamAddr' | 'upstreamStatus' | 'upstreamResponseTime' | 'userAgent' | 'referer'
  > {
  ts: Date;
  path: string;
  query: string | null;
  /** The query string's UTM parameters, parsed at ingest as the tracker's are (packages/attribution): searchable by index. */
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  /** Only with TRAFFIC_STORE_RAW_IP=true. */
  ip: string | null;
  /** HMAC(TRAFFIC_IP_SECRET, ip): exact-IP search without the address. */
  ipHash: string | null;
  mediaKind: 'live' | null;
  channelSlug: string | null;
  channelId: string | null;
  rendition: string | null;
  /** Enrichment (src/enrichment): bot verdict, parsed User-Agent, GeoIP. */
  isBot: boolean;
  botScore: number | null;
  botType: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  city: string | null;
  asn: number | null;
}

export type UtmColumns = Pick<RequestRow, 'utmSource' | 'utmMedium' | 'utmCampaign' | 'utmTerm' | 'utmContent'>;
/** A request without UTM parameters. */
export const NO_UTM: UtmColumns = { utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null };

export const ENRICHMENT_FIELDS = ['isBot', 'botScore', 'botType', 'browser', 'os', 'device', 'country', 'city', 'asn'] as const;
/** A request row before enrichment. */
export type BareRequestRow = Omit<RequestRow, (typeof ENRICHMENT_FIELDS)[number]>;
/** What an unenriched row stores. */
export const NOT_ENRICHED: Pick<RequestRow, (typeof ENRICHMENT_FIELDS)[number]> = {
  isBot: false, botScore: null, botType: null, browser: null, os: null, device: null, country: null, city: null, asn: null,
};

/** Segment hits of one viewer on one channel on one day (UTC), summed into traffic.view_sessions. */
export interface ViewHit {
  day: string;
  channelSlug: string | null;
  channelId: string | null;
  viewer: string;
  firstSeen: Date;
  lastSeen: Date;
  segments: number;
  bytes: number;
}

export interface SourceCheckpoint {
  source: string;
  /** The tailer holding the source's lease: a checkpoint of another owner is refused (fencing). */
  owner: string;
  inode: string;
  offset: number;
}

export interface AccessBatch {
  requests: RequestRow[];
  viewHits: ViewHit[];
  /** Where the tailer stands after these rows; stored in the same transaction. */
  checkpoint: SourceCheckpoint | null;
}

/** 'fenced': another tailer owns the source now; nothing was written. */
export type WriteOutcome = 'written' | 'fenced';

export const PARTITIONED_TABLES = ['requests', 'view_sessions', 'events', 'sessions'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export interface ViewSessionRow extends ViewHit {
  channelKey: string;
}

/** One tracker event (traffic.events). */
export interface EventRow {
  ts: Date;
  id: string;
  siteId: string;
  sessionId: string;
  visitorId: string;
  name: string;
  hostname: string | null;
  path: string;
  query: string | null;
  referrerDomain: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
  clickId: string | null;
  props: Record<string, string | number | boolean | null>;
  isBot: boolean;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
}

/** A visit: its counters as they stand after the latest event (traffic.sessions, upserted). */
export interface SessionRow {
  startedAt: Date;
  id: string;
  siteId: string;
  visitorId: string;
  lastSeen: Date;
  pageviews: number;
  events: number;
  entryPath: string;
  exitPath: string;
  referrerDomain: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  /** A bot's visit (its events are flagged): left out of the analytics like bot events. */
  isBot: boolean;
}

/**
 * What waited in the Redis spill (`traffic:spill`) while Postgres was unreachable: an access-log batch with its
 * checkpoint, or the rows of one collect call. `id` is the stream entry's id (ms-seq, increasing).
 */
export type SpillEntry = { kind: 'access'; batch: AccessBatch } | { kind: 'events'; events: EventRow[]; sessions: SessionRow[] };
export interface SpilledEntry {
  id: string;
  entry: SpillEntry;
}

/** Orders Redis stream ids ("<ms>-<seq>"). */
export const compareStreamIds = (a: string, b: string): number => {
  const [aMs = 0n, aSeq = 0n] = a.split('-').map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split('-').map(BigInt);
  return aMs === bMs ? Number(aSeq - bSeq) : aMs < bMs ? -1 : 1;
};

/** What analytics can be broken down by (rollup dimensions besides `total`). */
export const ROLLUP_DIMENSIONS = ['page', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'country', 'device', 'browser', 'os'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** A site's figures over a range: sessions, bounces and duration of the sessions that started in it. */
export interface AnalyticsTotals {
  visitors: number;
  pageviews: number;
  sessions: number;
  /** Sessions with at most one page view. */
  bounces: number;
  /** Σ (last_seen - started_at) of those sessions, in seconds. */
  durationSeconds: number;
}

export interface AnalyticsPoint extends AnalyticsTotals {
  /** Start of the hour or UTC day. */
  at: Date;
}

/** One value of a dimension over a range ('' = unknown / none). */
export interface TopValue {
  value: string;
  visitors: number;
  pageviews: number;
}

/** What was rebuilt: the hours of events and the UTC days of visitors. */
export interface RollupReport {
  hours: number;
  days: number;
}

/** Distinct viewers and bytes of one channel in one minute, as one access log's tailer saw them. */
export interface ChannelMinute {
  minute: Date;
  source: string;
  channelSlug: string | null;
  channelId: string | null;
  viewers: number;
  bytes: number;
}
export type SearchSource = 'requests' | 'events';

/** A validated traffic search (src/search/search-query.ts builds it); every value reaches SQL as a parameter. */
export interface SearchQuery {
  source: SearchSource;
  from: Date;
  to: Date;
  sort: 'newest' | 'oldest';
  limit: number;
  /** Keyset: rows after this (ts as Postgres' microsecond text, id) in the sort order. */
  after: { ts: string; id: string } | null;
  /** Answer raw addresses (TRAFFIC_STORE_RAW_IP and traffic:ip). */
  withIp: boolean;
  ip?: { kind: 'exact' | 'cidr' | 'hash'; value: string };
  methods?: string[];
  statuses?: Array<{ min: number; max: number }>;
  host?: string;
  path?: { value: string; match: 'prefix' | 'contains' | 'exact' };
  countries?: string[];
  devices?: string[];
  browser?: string;
  os?: string;
  bot?: boolean;
  referrer?: string;
  utm: { source?: string; medium?: string; campaign?: string; content?: string; term?: string };
  minResponseMs?: number;
  maxResponseMs?: number;
  channel?: { id: string } | { slug: string };
  session?: string;
  event?: string;
}

/** One search hit, both sources in one shape (TrafficSearchRow of packages/contracts). */
export interface SearchHit {
  id: string;
  source: SearchSource;
  /** Postgres' microsecond UTC text: the keyset cursor's ts. */
  ts: string;
  host: string | null;
  method: string | null;
  path: string;
  query: string | null;
  status: number | null;
  responseMs: number | null;
  bytesSent: number | null;
  ip: string | null;
  referrer: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  city: string | null;
  isBot: boolean;
  botType: string | null;
  channel: string | null;
  sessionId: string | null;
  event: string | null;
  utmSource: string | null;
  utmCampaign: string | null;
}

/** A statement ran past the search timeout (statement_timeout). */
export class SearchTimeoutError extends Error {}
/** The store cannot be reached (connection refused or timed out). */
export class StoreUnavailableError extends Error {}

/** A running export: rows in order, with backpressure; destroy() stops the query and frees its connection. */
export type HitStream = AsyncIterable<SearchHit> & { destroy(error?: Error): void };

export interface TrafficStore {
  /**
   * Stores drained spill entries in order, in one transaction, with the id of the last one: entries at or
   * before the stored id (drained before a crash, not yet deleted from the stream) are skipped, as is an access
   * batch whose checkpoint is already the source's (its direct write committed though it seemed to fail).
   * Access checkpoints move regardless of the owner (the lease was checked when the batch was spilled).
   * Returns how many entries were stored.
   */
  writeSpilled(entries: SpilledEntry[]): Promise<number>;
  /** Stores tracker events (a replay inserts nothing) and upserts their sessions, in one transaction. */
  writeEvents(events: EventRow[], sessions: SessionRow[]): Promise<void>;
  eventsOf(siteId: string, from: Date, to: Date): Promise<EventRow[]>;
  sessionsOf(siteId: string, from: Date, to: Date): Promise<SessionRow[]>;
  /** Makes `owner` the source's only writer; answers the last committed checkpoint (null: never read). */
  claimSource(source: string, owner: string): Promise<{ inode: string; offset: number } | null>;
  /** Stores requests (replays insert nothing), folds view hits and moves the checkpoint, all or nothing. */
  writeAccessBatch(batch: AccessBatch): Promise<WriteOutcome>;
  /** Daily partitions for [from, from + days) of every partitioned table; returns the ones it created. */
  ensurePartitions(from: Date, days: number): Promise<string[]>;
  /** Drops the daily partitions of `table` that end on or before `before`; returns their names. */
  dropPartitionsBefore(table: PartitionedTable, before: Date): Promise<string[]>;
  /** Rows in each DEFAULT partition (should be 0: a missing daily partition). */
  defaultPartitionRows(): Promise<Record<PartitionedTable, number>>;
  /** Reads for tests and the admin API (which grows its own queries). */
  requestsBetween(from: Date, to: Date, limit?: number): Promise<RequestRow[]>;
  viewSessions(day: string): Promise<ViewSessionRow[]>;

  /**
   * Analytics rollups (traffic-rollups job). Recomputes the hours in [from, to) (hour-aligned) from events and
   * sessions, the session figures of older hours whose sessions were active since `from`, and the distinct
   * visitors of the UTC days [from, to) touches. A re-run with the same data changes nothing.
   */
  rebuildRollups(from: Date, to: Date): Promise<RollupReport>;
  /** Deletes rollup rows (hourly, daily visitors, channel minutes) before `before`; returns how many. */
  deleteRollupsBefore(before: Date): Promise<number>;
  /** From the rollups, for UTC days [from, to): visitors = Σ daily distinct visitors. */
  analyticsTotals(siteId: string, from: Date, to: Date): Promise<AnalyticsTotals>;
  /** The same figures scanned from raw events and sessions (benchmarks and checks; slow on big ranges). */
  analyticsTotalsFromEvents(siteId: string, from: Date, to: Date): Promise<AnalyticsTotals>;
  /** One point per hour or UTC day of [from, to), zeros where nothing happened; daily visitors for `day`. */
  analyticsSeries(siteId: string, from: Date, to: Date, interval: 'hour' | 'day'): Promise<AnalyticsPoint[]>;
  /** The `limit` values with the most page views (then visitors), and the rest summed as `others` (null if none). */
  analyticsTop(siteId: string, dimension: RollupDimension, from: Date, to: Date, limit: number): Promise<{ items: TopValue[]; others: TopValue | null }>;
  /** Distinct visitors with a (non-bot) event since `since`, from raw events. */
  liveVisitors(siteId: string, since: Date): Promise<number>;
  /** Upserts closed minutes of the channel audience (the highest count seen for a minute and source wins). */
  writeChannelMinutes(minutes: ChannelMinute[]): Promise<void>;
  /** Per minute of [from, to) for a channel (by id or slug), summed over sources, zeros where nothing was seen. */
  channelMinutes(channel: { channelId: string | null; channelSlug: string | null }, from: Date, to: Date): Promise<Array<{ minute: Date; viewers: number; bytes: number }>>;
  /** One page of a search (limit rows, plus whether more follow), within timeoutMs per statement. */
  search(query: SearchQuery, timeoutMs: number): Promise<{ hits: SearchHit[]; more: boolean }>;
  /** Matching rows, counted up to cap + 1 (more than cap: there are more). */
  countMatching(query: SearchQuery, cap: number, timeoutMs: number): Promise<number>;
  /** Every matching row in order, streamed (exports); `query.limit` and `after` are ignored. */
  streamSearch(query: SearchQuery): HitStream;
  /** A tracker session and its events in order (the journey); null session when unknown. */
  journey(sessionId: string, timeoutMs: number): Promise<{ session: SessionRow | null; hits: SearchHit[] }>;
  close(): Promise<void>;
}

/** The key view_sessions groups a channel by: its id when known (signed), else its slug. */
export const channelKeyOf = (channel: { channelId: string | null; channelSlug: string | null }) =>
  channel.channelId ? `id:${channel.channelId}` : `slug:${channel.channelSlug}`;

/** YYYY-MM-DD of a UTC day. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
