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
  /** Only with TRAFFIC_STORE_RAW_IP=true. */
  ip: string | null;
  /** HMAC(TRAFFIC_IP_SECRET, ip): exact-IP search without the address. */
  ipHash: string | null;
  mediaKind: 'live' | null;
  channelSlug: string | null;
  channelId: string | null;
  rendition: string | null;
}

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

export const PARTITIONED_TABLES = ['requests', 'view_sessions'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export interface ViewSessionRow extends ViewHit {
  channelKey: string;
}

export interface TrafficStore {
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
  close(): Promise<void>;
}

/** The key view_sessions groups a channel by: its id when known (signed), else its slug. */
export const channelKeyOf = (channel: { channelId: string | null; channelSlug: string | null }) =>
  channel.channelId ? `id:${channel.channelId}` : `slug:${channel.channelSlug}`;

/** YYYY-MM-DD of a UTC day. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
