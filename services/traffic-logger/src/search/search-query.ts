import { isIP } from 'node:net';
import {
  type FieldProblems,
  TRAFFIC_SEARCH_MAX_RANGE_DAYS,
  type TrafficSearchFilters,
  TRAFFIC_SEARCH_SORTS,
} from '@castline/contracts';
import { z } from 'zod';
import { ipHashOf } from '../pipeline/access-rows';
import type { SearchQuery, SearchSource } from '../store/traffic-store';

/** A filter the caller got wrong: 400 VALIDATION_FAILED naming it (or 403 for a raw-IP filter without traffic:ip). */
export class SearchInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly kind: 'invalid' | 'forbidden' | 'cursor' = 'invalid',
  ) {
    super(`${field}: ${message}`);
  }

  get details(): FieldProblems {
    return { fields: [{ path: this.field, message: this.message.slice(this.field.length + 2) }] };
  }
}

export interface SearchContext {
  /** TRAFFIC_STORE_RAW_IP: raw addresses are stored, so CIDR search works (and needs traffic:ip). */
  storeRawIp: boolean;
  ipSecret: string;
  /** The caller holds traffic:ip. */
  canSeeIp: boolean;
  now: Date;
}

/** Filters that exist on one source only; anything else applies to both. */
const ONLY: Partial<Record<keyof TrafficSearchFilters, SearchSource>> = {
  ip: 'requests',
  method: 'requests',
  status: 'requests',
  minResponseMs: 'requests',
  maxResponseMs: 'requests',
  channel: 'requests',
  session: 'events',
  event: 'events',
};

const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The canonical text of an address, as nginx logs $remote_addr (IPv6 compressed, lower case). */
function canonicalIp(ip: string): string | null {
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version === 6) return new URL(`http://[${ip}]`).hostname.slice(1, -1);
  return null;
}

function ipFilter(value: string, context: SearchContext): SearchQuery['ip'] {
  const [address = '', bits, extra] = value.split('/');
  if (extra !== undefined) throw new SearchInputError('ip', 'an IP address or a CIDR block');
  const canonical = canonicalIp(address);
  if (!canonical) throw new SearchInputError('ip', `${JSON.stringify(value)} is not an IP address or CIDR block`);
  if (bits !== undefined) {
    const max = isIP(address) === 4 ? 32 : 128;
    if (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > max) throw new SearchInputError('ip', `the prefix length must be 0-${max}`);
  }
  if (context.storeRawIp) {
    if (!context.canSeeIp) throw new SearchInputError('ip', 'searching raw client addresses needs the traffic:ip permission', 'forbidden');
    return bits === undefined ? { kind: 'exact', value: canonical } : { kind: 'cidr', value: `${canonical}/${bits}` };
  }
  if (bits !== undefined) throw new SearchInputError('ip', 'CIDR search needs raw addresses (TRAFFIC_STORE_RAW_IP=true); only exact addresses can be searched here');
  return { kind: 'hash', value: ipHashOf(context.ipSecret, canonical) };
}

function statusRange(value: string): { min: number; max: number } {
  if (value.endsWith('xx')) {
    const hundred = Number(value[0]) * 100;
    return { min: hundred, max: hundred + 99 };
  }
  const [min, max = min] = value.split('-').map(Number) as [number, number?];
  if (max < min) throw new SearchInputError('status', `${value}: the range ends before it starts`);
  return { min, max };
}

/** Checks the filters against each other and the source, and turns them into the store's query. */
export function buildSearchQuery(
  filters: TrafficSearchFilters,
  options: { sort: (typeof TRAFFIC_SEARCH_SORTS)[number]; limit: number; cursor?: string },
  context: SearchContext,
): SearchQuery {
  const source = filters.source;
  for (const [field, only] of Object.entries(ONLY) as Array<[keyof TrafficSearchFilters, SearchSource]>) {
    if (filters[field] !== undefined && only !== source) {
      throw new SearchInputError(field, `applies to ${only === 'requests' ? 'nginx requests (source=requests)' : 'tracker events (source=events)'} only`);
    }
  }
  const to = filters.to ? new Date(filters.to) : context.now;
  const from = filters.from ? new Date(filters.from) : new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) throw new SearchInputError('from', 'must be before to');
  if (to.getTime() - from.getTime() > TRAFFIC_SEARCH_MAX_RANGE_DAYS * DAY_MS) {
    throw new SearchInputError('to', `the range may span at most ${TRAFFIC_SEARCH_MAX_RANGE_DAYS} days`);
  }
  if (filters.minResponseMs !== undefined && filters.maxResponseMs !== undefined && filters.minResponseMs > filters.maxResponseMs) {
    throw new SearchInputError('maxResponseMs', 'must not be below minResponseMs');
  }
  let channel: SearchQuery['channel'];
  if (filters.channel !== undefined) channel = UUID.test(filters.channel) ? { id: filters.channel.toLowerCase() } : { slug: filters.channel };
  return {
    source,
    from,
    to,
    sort: options.sort,
    limit: options.limit,
    after: options.cursor === undefined ? null : decodeCursor(options.cursor, source, options.sort),
    withIp: context.storeRawIp && context.canSeeIp,
    ip: filters.ip === undefined ? undefined : ipFilter(filters.ip, context),
    methods: filters.method,
    statuses: filters.status?.map(statusRange),
    host: filters.host,
    path: filters.path === undefined ? undefined : { value: filters.path, match: filters.pathMatch },
    countries: filters.country,
    devices: filters.device,
    browser: filters.browser,
    os: filters.os,
    bot: filters.bot === undefined ? undefined : filters.bot === 'yes',
    referrer: filters.referrer,
    utm: {
      source: filters.utmSource,
      medium: filters.utmMedium,
      campaign: filters.utmCampaign,
      content: filters.utmContent,
      term: filters.utmTerm,
    },
    minResponseMs: filters.minResponseMs,
    maxResponseMs: filters.maxResponseMs,
    channel,
    session: filters.session,
    event: filters.event,
  };
}

/**
 * The keyset cursor: the last row's (ts, id) with the source and sort it belongs to, base64url JSON. Opaque to
 * callers and checked on the way back (never trusted into SQL other than as bound parameters).
 */
const CursorSchema = z.strictObject({
  v: z.literal(1),
  s: z.enum(['requests', 'events']),
  o: z.enum(TRAFFIC_SEARCH_SORTS),
  // Postgres' own microsecond text of the row's ts, so no row is skipped or repeated at a page boundary.
  t: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  i: z.string().min(1).max(128),
});

export function encodeCursor(source: SearchSource, sort: (typeof TRAFFIC_SEARCH_SORTS)[number], ts: string, id: string): string {
  return Buffer.from(JSON.stringify({ v: 1, s: source, o: sort, t: ts, i: id })).toString('base64url');
}

export function decodeCursor(cursor: string, source: SearchSource, sort: (typeof TRAFFIC_SEARCH_SORTS)[number]): { ts: string; id: string } {
  const invalid = (why: string) => new SearchInputError('cursor', why, 'cursor');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('not a cursor of this API');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor of this API');
  }
  const result = CursorSchema.safeParse(parsed);
  if (!result.success || Number.isNaN(Date.parse(result.data.t))) throw invalid('not a cursor of this API');
  if (result.data.s !== source || result.data.o !== sort) throw invalid('the cursor belongs to another source or sort: start again without it');
  if (source === 'events' && !UUID.test(result.data.i)) throw invalid('not a cursor of this API');
  return { ts: result.data.t, id: result.data.i };
}
