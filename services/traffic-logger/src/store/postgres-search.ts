import type { SearchHit, SearchQuery, SearchSource } from './traffic-store';

/**
 * The SQL of a traffic search on PostgreSQL. Every filter value is a bound parameter ($n); LIKE patterns escape
 * their wildcards; the sort is one of two fixed ORDER BY clauses. The keyset (ts, id) walks the tables' primary
 * keys (ts, request_id) / (ts, id), per daily partition.
 */

/** The ts text the keyset cursor carries: microseconds, UTC. Not aliased `ts`: ORDER BY ts must stay the column (its index). */
const TS_KEY = `to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const SELECT: Record<SearchSource, (withIp: boolean) => string> = {
  requests: (withIp) => `request_id AS id, 'requests' AS source, ${TS_KEY} AS ts_text, host, method, path, query, status,
    request_time_ms AS response_ms, bytes_sent, ${withIp ? 'host(ip)' : 'NULL::text'} AS ip, referer AS referrer, user_agent,
    browser, os, device, country, city, is_bot, bot_type, coalesce(channel_slug, channel_id::text) AS channel,
    NULL::text AS session_id, NULL::text AS event, utm_source, utm_campaign`,
  events: () => `id::text AS id, 'events' AS source, ${TS_KEY} AS ts_text, hostname AS host, NULL::text AS method, path, query,
    NULL::int AS status, NULL::int AS response_ms, NULL::bigint AS bytes_sent, NULL::text AS ip, referrer_domain AS referrer,
    NULL::text AS user_agent, browser, os, device, country, NULL::text AS city, is_bot, NULL::text AS bot_type,
    NULL::text AS channel, session_id::text AS session_id, name AS event, utm_source, utm_campaign`,
};
const TABLE: Record<SearchSource, string> = { requests: 'traffic.requests', events: 'traffic.events' };
const ID: Record<SearchSource, string> = { requests: 'request_id', events: 'id' };

/** Escapes LIKE's wildcards (and its escape character) so the value matches itself. */
export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (character) => `\\${character}`);

export interface BuiltSql {
  text: string;
  values: unknown[];
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** WHERE conditions of the filters (not the keyset). */
function conditions(query: SearchQuery, params: Params): string[] {
  const where = [`ts >= ${params.add(query.from)}`, `ts < ${params.add(query.to)}`];
  const requests = query.source === 'requests';
  if (query.ip) {
    if (query.ip.kind === 'hash') where.push(`ip_hash = ${params.add(query.ip.value)}`);
    else if (query.ip.kind === 'exact') where.push(`ip = ${params.add(query.ip.value)}::inet`);
    else where.push(`ip <<= ${params.add(query.ip.value)}::inet`);
  }
  if (query.methods) where.push(`method = ANY(${params.add(query.methods)}::text[])`);
  if (query.statuses) {
    where.push(`(${query.statuses.map((range) => `status BETWEEN ${params.add(range.min)} AND ${params.add(range.max)}`).join(' OR ')})`);
  }
  if (query.host) where.push(`lower(${requests ? 'host' : 'hostname'}) = lower(${params.add(query.host)})`);
  if (query.path) {
    const { value, match } = query.path;
    if (match === 'exact') where.push(`path = ${params.add(value)}`);
    else where.push(`path LIKE ${params.add(match === 'prefix' ? `${escapeLike(value)}%` : `%${escapeLike(value)}%`)} ESCAPE '\\'`);
  }
  if (query.countries) where.push(`country = ANY(${params.add(query.countries)}::text[])`);
  if (query.devices) where.push(`device = ANY(${params.add(query.devices)}::text[])`);
  if (query.browser) where.push(`lower(browser) = lower(${params.add(query.browser)})`);
  if (query.os) where.push(`lower(os) = lower(${params.add(query.os)})`);
  if (query.bot !== undefined) where.push(`is_bot = ${params.add(query.bot)}`);
  if (query.referrer) where.push(`${requests ? 'referer' : 'referrer_domain'} ILIKE ${params.add(`%${escapeLike(query.referrer)}%`)} ESCAPE '\\'`);
  for (const [key, value] of Object.entries(query.utm)) {
    if (value !== undefined) where.push(`utm_${key} = ${params.add(value)}`);
  }
  if (query.minResponseMs !== undefined) where.push(`request_time_ms >= ${params.add(query.minResponseMs)}`);
  if (query.maxResponseMs !== undefined) where.push(`request_time_ms <= ${params.add(query.maxResponseMs)}`);
  if (query.channel) {
    if ('id' in query.channel) where.push(`channel_id = ${params.add(query.channel.id)}::uuid`);
    else where.push(`channel_slug = ${params.add(query.channel.slug)}`);
  }
  if (query.session) where.push(`session_id = ${params.add(query.session)}::uuid`);
  if (query.event) where.push(`name = ${params.add(query.event)}`);
  return where;
}

/** One page: limit + 1 rows (the extra one says whether more follow), after the keyset when given. */
export function searchSql(query: SearchQuery, options: { paged: boolean } = { paged: true }): BuiltSql {
  const params = new Params();
  const where = conditions(query, params);
  const id = ID[query.source];
  const newest = query.sort === 'newest';
  if (options.paged && query.after) {
    const idType = query.source === 'events' ? 'uuid' : 'text';
    const ts = params.add(query.after.ts);
    // The plain bound on ts comes too: the (ts) indexes start their scan there and later partitions are pruned;
    // the row comparison alone is only a filter, which reads every row before the cursor (as OFFSET does).
    where.push(`ts ${newest ? '<=' : '>='} ${ts}::timestamptz`);
    where.push(`(ts, ${id}) ${newest ? '<' : '>'} (${ts}::timestamptz, ${params.add(query.after.id)}::${idType})`);
  }
  const order = newest ? `ts DESC, ${id} DESC` : `ts ASC, ${id} ASC`;
  const limit = options.paged ? ` LIMIT ${params.add(query.limit + 1)}` : '';
  return {
    text: `SELECT ${SELECT[query.source](query.withIp)} FROM ${TABLE[query.source]} WHERE ${where.join(' AND ')} ORDER BY ${order}${limit}`,
    values: params.values,
  };
}

/** How many rows match, stopping at cap + 1. */
export function countSql(query: SearchQuery, cap: number): BuiltSql {
  const params = new Params();
  const where = conditions(query, params);
  return {
    text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${TABLE[query.source]} WHERE ${where.join(' AND ')} LIMIT ${params.add(cap + 1)}) matching`,
    values: params.values,
  };
}

/** A row of searchSql as a SearchHit. */
export function hitOf(row: Record<string, unknown>): SearchHit {
  const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: row.id as string,
    source: row.source as SearchSource,
    ts: row.ts_text as string,
    host: (row.host as string | null) ?? null,
    method: (row.method as string | null) ?? null,
    path: row.path as string,
    query: (row.query as string | null) ?? null,
    status: numberOrNull(row.status),
    responseMs: numberOrNull(row.response_ms),
    bytesSent: numberOrNull(row.bytes_sent),
    ip: (row.ip as string | null) ?? null,
    referrer: (row.referrer as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    browser: (row.browser as string | null) ?? null,
    os: (row.os as string | null) ?? null,
    device: (row.device as string | null) ?? null,
    country: (row.country as string | null) ?? null,
    city: (row.city as string | null) ?? null,
    isBot: row.is_bot === true,
    botType: (row.bot_type as string | null) ?? null,
    channel: (row.channel as string | null) ?? null,
    sessionId: (row.session_id as string | null) ?? null,
    event: (row.event as string | null) ?? null,
    utmSource: (row.utm_source as string | null) ?? null,
    utmCampaign: (row.utm_campaign as string | null) ?? null,
  };
}


/** The journey: one session's events, oldest first. */
export function journeySql(sessionId: string): BuiltSql {
  return {
    text: `SELECT ${SELECT.events(false)} FROM traffic.events e
      WHERE session_id = $1::uuid
        AND ts >= (SELECT min(started_at) FROM traffic.sessions WHERE id = $1::uuid)
        AND ts <= (SELECT max(last_seen) FROM traffic.sessions WHERE id = $1::uuid)
      ORDER BY ts, id LIMIT 10000`,
    values: [sessionId],
  };
}
