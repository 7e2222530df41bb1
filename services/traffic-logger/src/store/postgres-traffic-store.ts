import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { copyLine } from './copy-text';
import * as analytics from './postgres-analytics';
import { type BuiltSql, countSql, hitOf, journeySql, searchSql } from './postgres-search';
import {
  type AnalyticsPoint,
  type AnalyticsTotals,
  type ChannelMinute,
  type RollupDimension,
  type RollupReport,
  type TopValue,
  type AccessBatch,
  type HitStream,
  type SearchHit,
  type SearchQuery,
  SearchTimeoutError,
  StoreUnavailableError,
  channelKeyOf,
  compareStreamIds,
  type EventRow,
  type SessionRow,
  type SpilledEntry,
  PARTITIONED_TABLES,
  type PartitionedTable,
  type RequestRow,
  type TrafficStore,
  type ViewSessionRow,
  type WriteOutcome,
} from './traffic-store';

const REQUEST_COLUMNS = [
  'ts', 'request_id', 'host', 'method', 'path', 'query', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'status', 'body_bytes', 'bytes_sent', 'request_time_ms',
  'upstream_addr', 'upstream_status', 'upstream_response_time', 'ip', 'ip_hash', 'user_agent', 'referer',
  'media_kind', 'channel_slug', 'channel_id', 'rendition',
  'is_bot', 'bot_score', 'bot_type', 'browser', 'os', 'device', 'country', 'city', 'asn',
] as const;
const VIEW_COLUMNS = ['day', 'channel_key', 'viewer', 'channel_slug', 'channel_id', 'first_seen', 'last_seen', 'segments', 'bytes'] as const;

const requestValues = (row: RequestRow) => [
  // Rows spilled to Redis before the utm columns existed have none.
  row.ts, row.requestId, row.host, row.method, row.path, row.query,
  row.utmSource ?? null, row.utmMedium ?? null, row.utmCampaign ?? null, row.utmTerm ?? null, row.utmContent ?? null, row.status, row.bodyBytes, row.bytesSent, row.requestTimeMs,
  row.upstreamAddr, row.upstreamStatus, row.upstreamResponseTime, row.ip, row.ipHash, row.userAgent, row.referer,
  row.mediaKind, row.channelSlug, row.channelId, row.rendition,
  row.isBot ? 't' : 'f', row.botScore, row.botType, row.browser, row.os, row.device, row.country, row.city, row.asn,
];

const startOfUtcDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
const addDays = (at: Date, days: number) => new Date(at.getTime() + days * 86_400_000);

const EVENT_COLUMNS = [
  'ts', 'id', 'site_id', 'session_id', 'visitor_id', 'name', 'hostname', 'path', 'query', 'referrer_domain', 'utm_source', 'utm_medium',
  'utm_campaign', 'utm_term', 'utm_content', 'click_id', 'props', 'is_bot', 'browser', 'os', 'device', 'country',
] as const;
const eventValues = (e: EventRow) => [
  e.ts, e.id, e.siteId, e.sessionId, e.visitorId, e.name, e.hostname, e.path, e.query, e.referrerDomain, e.utmSource, e.utmMedium,
  e.utmCampaign, e.utmTerm, e.utmContent, e.clickId, JSON.stringify(e.props), e.isBot, e.browser, e.os, e.device, e.country,
];
const SESSION_COLUMNS = [
  'started_at', 'id', 'site_id', 'visitor_id', 'last_seen', 'pageviews', 'events', 'entry_path', 'exit_path', 'referrer_domain',
  'utm_source', 'utm_medium', 'utm_campaign', 'browser', 'os', 'device', 'country', 'is_bot',
] as const;
const sessionValues = (x: SessionRow) => [
  x.startedAt, x.id, x.siteId, x.visitorId, x.lastSeen, x.pageviews, x.events, x.entryPath, x.exitPath, x.referrerDomain,
  // A session spilled to Redis before is_bot existed has no flag: a person's.
  x.utmSource, x.utmMedium, x.utmCampaign, x.browser, x.os, x.device, x.country, x.isBot ?? false,
];

/**
 * TrafficStore on PostgreSQL (schema `traffic`, see its migration). Batches go in by COPY into a temporary table,
 * then one INSERT ... ON CONFLICT per table: a replayed batch inserts nothing; view hits are summed. The
 * checkpoint moves in the same transaction, only while the writer still owns the source.
 */
export class PostgresTrafficStore implements TrafficStore {
  private readonly pool: Pool;
  /** Exports hold a connection for as long as the download runs: their own pool, so they never starve the rest. */
  private readonly exportPool: Pool;

  constructor(databaseUrl: string, options: { max?: number; exports?: number } = {}) {
    this.pool = new Pool({ connectionString: databaseUrl, max: options.max ?? 4, connectionTimeoutMillis: 2_000 });
    this.exportPool = new Pool({ connectionString: databaseUrl, max: options.exports ?? 2, connectionTimeoutMillis: 2_000 });
    // An idle client losing its connection (Postgres restarted) must not crash the process.
    this.pool.on('error', () => undefined);
    this.exportPool.on('error', () => undefined);
  }

  /**
   * A page is asked of the day it starts in first (the cursor's, or the range's end), then, only when that day
   * did not fill it, of the rest of the range: planning a statement over one daily partition instead of every
   * partition of the range (~3.7 ms for 31 on this box, far more than a keyset page takes to run) is most of
   * a page's cost. A sparse filter pays one more statement.
   */
  async search(query: SearchQuery, timeoutMs: number): Promise<{ hits: SearchHit[]; more: boolean }> {
    const want = query.limit + 1;
    const [near, rest] = splitAtPageDay(query);
    const rows = await this.readOnly(searchSql(near), timeoutMs);
    if (rows.length < want && rest) rows.push(...(await this.readOnly(searchSql({ ...rest, limit: want - rows.length - 1 }), timeoutMs)));
    return { hits: rows.slice(0, query.limit).map(hitOf), more: rows.length > query.limit };
  }

  async countMatching(query: SearchQuery, cap: number, timeoutMs: number): Promise<number> {
    const rows = await this.readOnly(countSql(query, cap), timeoutMs);
    return Number(rows[0]!.n);
  }

  async journey(sessionId: string, timeoutMs: number): Promise<{ session: SessionRow | null; hits: SearchHit[] }> {
    const sessions = await this.readOnly<SessionColumns>(
      { text: `SELECT ${SESSION_COLUMNS.join(', ')} FROM traffic.sessions WHERE id = $1::uuid ORDER BY started_at LIMIT 1`, values: [sessionId] },
      timeoutMs,
    );
    if (sessions.length === 0) return { session: null, hits: [] };
    const rows = await this.readOnly(journeySql(sessionId), timeoutMs);
    return { session: sessionOf(sessions[0]!), hits: rows.map(hitOf) };
  }

  streamSearch(query: SearchQuery): HitStream {
    const { text, values } = searchSql(query, { paged: false });
    // A comment names the statement in pg_stat_activity (the disconnect test looks for it).
    const rows = new QueryStream(`/* traffic-export */ ${text}`, values, { batchSize: 500, highWaterMark: 500 });
    let release: ((destroy?: boolean) => void) | undefined;
    let released = false;
    let closing: NodeJS.Timeout | undefined;
    const done = (broken = false) => {
      clearTimeout(closing);
      if (released || !release) return;
      released = true;
      release(broken);
    };
    // Ended, or destroyed: pg-query-stream closes the cursor first (the query stops), then 'close'.
    rows.once('close', () => done());
    rows.once('error', () => done(true));
    const stream = (async function* (pool: Pool): AsyncGenerator<SearchHit> {
      const client = await pool.connect().catch((error: unknown) => {
        throw new StoreUnavailableError(error instanceof Error ? error.message : String(error));
      });
      release = (broken) => client.release(broken ? new Error('export stream failed') : undefined);
      client.query(rows);
      for await (const row of rows) yield hitOf(row as Record<string, unknown>);
    })(this.exportPool);
    return Object.assign(stream, {
      destroy: (error?: Error) => {
        rows.destroy(error);
        // A cursor that does not close in time (a dead connection): drop the connection instead.
        closing = setTimeout(() => done(true), 5_000);
        closing.unref();
      },
    });
  }

  async claimSource(source: string, owner: string): Promise<{ inode: string; offset: number } | null> {
    const { rows } = await this.pool.query<{ inode: string; offset: string }>(
      `INSERT INTO traffic.tail_checkpoints (source, owner, inode, "offset") VALUES ($1, $2, '', 0)
       ON CONFLICT (source) DO UPDATE SET owner = EXCLUDED.owner, updated_at = now()
       RETURNING inode, "offset"`,
      [source, owner],
    );
    const row = rows[0]!;
    return row.inode === '' ? null : { inode: row.inode, offset: Number(row.offset) };
  }

  async writeAccessBatch(batch: AccessBatch): Promise<WriteOutcome> {
    return this.transaction(async (client) => {
      if (batch.checkpoint) {
        const { source, owner, inode, offset } = batch.checkpoint;
        const moved = await client.query(
          `UPDATE traffic.tail_checkpoints SET inode = $3, "offset" = $4, updated_at = now() WHERE source = $1 AND owner = $2`,
          [source, owner, inode, offset],
        );
        if (moved.rowCount !== 1) return 'fenced';
      }
      await insertAccessRows(client, batch);
      return 'written';
    });
  }

  async writeSpilled(entries: SpilledEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ last_id: string }>('SELECT last_id FROM traffic.spill_cursor WHERE id = 1 FOR UPDATE');
      const after = rows[0]?.last_id;
      const fresh = entries.filter((spilled) => !after || compareStreamIds(spilled.id, after) > 0);
      let stored = 0;
      for (const { entry } of fresh) {
        if (entry.kind === 'events') {
          await insertEventRows(client, entry.events, entry.sessions);
          stored += 1;
        } else if (await moveSpilledCheckpoint(client, entry.batch)) {
          await insertAccessRows(client, entry.batch);
          stored += 1;
        }
      }
      await client.query(
        `INSERT INTO traffic.spill_cursor (id, last_id) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET last_id = EXCLUDED.last_id, updated_at = now()`,
        [entries.at(-1)!.id],
      );
      return stored;
    });
  }

  async writeEvents(events: EventRow[], sessions: SessionRow[]): Promise<void> {
    if (events.length === 0 && sessions.length === 0) return;
    await this.transaction(async (client) => {
      await insertEventRows(client, events, sessions);
      return 'written' as const;
    });
  }

  async eventsOf(siteId: string, from: Date, to: Date): Promise<EventRow[]> {
    const { rows } = await this.pool.query(
      `SELECT ${EVENT_COLUMNS.join(', ')} FROM traffic.events WHERE site_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts, id`,
      [siteId, from, to],
    );
    return rows.map((row) => ({
      ts: row.ts, id: row.id, siteId: row.site_id, sessionId: row.session_id, visitorId: row.visitor_id, name: row.name,
      hostname: row.hostname, path: row.path, query: row.query, referrerDomain: row.referrer_domain, utmSource: row.utm_source,
      utmMedium: row.utm_medium, utmCampaign: row.utm_campaign, utmTerm: row.utm_term, utmContent: row.utm_content,
      clickId: row.click_id, props: row.props, isBot: row.is_bot, browser: row.browser, os: row.os, device: row.device, country: row.country,
    }));
  }

  async sessionsOf(siteId: string, from: Date, to: Date): Promise<SessionRow[]> {
    const { rows } = await this.pool.query<SessionColumns>(
      `SELECT ${SESSION_COLUMNS.join(', ')} FROM traffic.sessions WHERE site_id = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at, id`,
      [siteId, from, to],
    );
    return rows.map(sessionOf);
  }

  /**
   * Through the migration's SECURITY DEFINER functions: the service connects as the application role, which may
   * not run DDL (postgres/initdb). Rows of a day that waited in DEFAULT move into its new partition.
   */
  async ensurePartitions(from: Date, days: number): Promise<string[]> {
    const created: string[] = [];
    const first = startOfUtcDay(from);
    for (let index = 0; index < days; index += 1) {
      const day = addDays(first, index).toISOString().slice(0, 10);
      for (const table of PARTITIONED_TABLES) {
        const { rows } = await this.pool.query<{ created: boolean }>('SELECT traffic.create_daily_partition($1, $2::date) AS created', [table, day]);
        if (rows[0]!.created) created.push(`${table}_${day.replace(/-/g, '')}`);
      }
    }
    return created;
  }

  async dropPartitionsBefore(table: PartitionedTable, before: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>('SELECT traffic.drop_daily_partitions($1, $2::date) AS name', [
      table,
      before.toISOString().slice(0, 10),
    ]);
    return rows.map((row) => row.name).sort();
  }

  async defaultPartitionRows(): Promise<Record<PartitionedTable, number>> {
    const counts = {} as Record<PartitionedTable, number>;
    for (const table of PARTITIONED_TABLES) {
      const { rows } = await this.pool.query<{ count: string }>(`SELECT count(*) FROM traffic.${table}_default`);
      counts[table] = Number(rows[0]!.count);
    }
    return counts;
  }

  async requestsBetween(from: Date, to: Date, limit = 10_000): Promise<RequestRow[]> {
    const { rows } = await this.pool.query(
      `SELECT ${REQUEST_COLUMNS.join(', ')} FROM traffic.requests WHERE ts >= $1 AND ts < $2 ORDER BY ts, request_id LIMIT $3`,
      [from, to, limit],
    );
    return rows.map((row) => ({
      ts: row.ts,
      requestId: row.request_id,
      host: row.host,
      method: row.method,
      path: row.path,
      query: row.query,
      utmSource: row.utm_source,
      utmMedium: row.utm_medium,
      utmCampaign: row.utm_campaign,
      utmTerm: row.utm_term,
      utmContent: row.utm_content,
      status: row.status,
      bodyBytes: Number(row.body_bytes),
      bytesSent: Number(row.bytes_sent),
      requestTimeMs: row.request_time_ms,
      upstreamAddr: row.upstream_addr,
      upstreamStatus: row.upstream_status,
      upstreamResponseTime: row.upstream_response_time,
      ip: row.ip,
      ipHash: row.ip_hash,
      userAgent: row.user_agent,
      referer: row.referer,
      mediaKind: row.media_kind,
      channelSlug: row.channel_slug,
      channelId: row.channel_id,
      rendition: row.rendition,
      isBot: row.is_bot,
      botScore: row.bot_score,
      botType: row.bot_type,
      browser: row.browser,
      os: row.os,
      device: row.device,
      country: row.country,
      city: row.city,
      asn: row.asn === null ? null : Number(row.asn),
    }));
  }

  async viewSessions(day: string): Promise<ViewSessionRow[]> {
    const { rows } = await this.pool.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, channel_key, viewer, channel_slug, channel_id, first_seen, last_seen, segments, bytes
       FROM traffic.view_sessions WHERE day = $1 ORDER BY channel_key, viewer`,
      [day],
    );
    return rows.map((row) => ({
      day: row.day,
      channelKey: row.channel_key,
      viewer: row.viewer,
      channelSlug: row.channel_slug,
      channelId: row.channel_id,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      segments: row.segments,
      bytes: Number(row.bytes),
    }));
  }

  rebuildRollups(from: Date, to: Date): Promise<RollupReport> {
    return this.transaction((client) => analytics.rebuildRollups(client, from, to));
  }

  deleteRollupsBefore(before: Date): Promise<number> {
    return this.transaction((client) => analytics.deleteRollupsBefore(client, before));
  }

  analyticsTotals(siteId: string, from: Date, to: Date): Promise<AnalyticsTotals> {
    return analytics.analyticsTotals(this.pool, siteId, from, to);
  }

  analyticsTotalsFromEvents(siteId: string, from: Date, to: Date): Promise<AnalyticsTotals> {
    return analytics.analyticsTotalsFromEvents(this.pool, siteId, from, to);
  }

  analyticsSeries(siteId: string, from: Date, to: Date, interval: 'hour' | 'day'): Promise<AnalyticsPoint[]> {
    return analytics.analyticsSeries(this.pool, siteId, from, to, interval);
  }

  analyticsTop(siteId: string, dimension: RollupDimension, from: Date, to: Date, limit: number): Promise<{ items: TopValue[]; others: TopValue | null }> {
    return analytics.analyticsTop(this.pool, siteId, dimension, from, to, limit);
  }

  liveVisitors(siteId: string, since: Date): Promise<number> {
    return analytics.liveVisitors(this.pool, siteId, since);
  }

  async writeChannelMinutes(minutes: ChannelMinute[]): Promise<void> {
    if (minutes.length === 0) return;
    await this.transaction((client) => analytics.writeChannelMinutes(client, minutes, (table, columns, lines) => copyInto(client, table, columns, lines)));
  }

  channelMinutes(channel: { channelId: string | null; channelSlug: string | null }, from: Date, to: Date): Promise<Array<{ minute: Date; viewers: number; bytes: number }>> {
    return analytics.channelMinutes(this.pool, channel, from, to);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.exportPool.end()]);
  }

  /** A read with statement_timeout: 57014 (canceled by the timeout) is SearchTimeoutError, no connection StoreUnavailableError. */
  private async readOnly<Row extends object = Record<string, unknown>>(sql: BuiltSql, timeoutMs: number): Promise<Row[]> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new StoreUnavailableError(error instanceof Error ? error.message : String(error));
    }
    try {
      // One round trip for the transaction and its settings (a simple-protocol string: the timeout is our integer).
      // JIT off: its cost model sees the partitions' row counts, not the LIMIT, and compiles for ~50-100 ms.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.trunc(timeoutMs))}; SET LOCAL jit = off`);
      const { rows } = await client.query<Row>(sql.text, sql.values);
      await client.query('COMMIT');
      return rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((error as { code?: string }).code === '57014') throw new SearchTimeoutError(`the search ran over ${timeoutMs} ms`);
      if (!(error as { code?: string }).code) throw new StoreUnavailableError(error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      client.release();
    }
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client losing its connection between two queries (pg_terminate_backend, a restart) emits
    // 'error' on itself: without a listener that ends the process. The failing query rejects as well.
    const ignore = () => undefined;
    client.on('error', ignore);
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      if (result === 'fenced') await client.query('ROLLBACK');
      else await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is dropped, not handed to the next writer.
      broken = await client.query('ROLLBACK').then(() => false, () => true);
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}

/** Requests (a replay inserts nothing) and view hits (summed) of one access batch. */
async function insertAccessRows(client: PoolClient, batch: AccessBatch): Promise<void> {
  if (batch.requests.length > 0) {
    await client.query('CREATE TEMP TABLE IF NOT EXISTS requests_in (LIKE traffic.requests) ON COMMIT DELETE ROWS');
    await copyInto(client, 'requests_in', REQUEST_COLUMNS, batch.requests.map((row) => copyLine(requestValues(row))));
    await client.query(`INSERT INTO traffic.requests (${REQUEST_COLUMNS.join(', ')}) SELECT ${REQUEST_COLUMNS.join(', ')} FROM requests_in ON CONFLICT DO NOTHING`);
    await client.query('TRUNCATE requests_in');
  }
  if (batch.viewHits.length > 0) {
    await client.query('CREATE TEMP TABLE IF NOT EXISTS view_sessions_in (LIKE traffic.view_sessions) ON COMMIT DELETE ROWS');
    const lines = batch.viewHits.map((hit) =>
      copyLine([hit.day, channelKeyOf(hit), hit.viewer, hit.channelSlug, hit.channelId, hit.firstSeen, hit.lastSeen, hit.segments, hit.bytes]),
    );
    await copyInto(client, 'view_sessions_in', VIEW_COLUMNS, lines);
    // A batch can hold the same viewer twice (two files' worth): fold before the upsert, which takes one row per key.
    await client.query(
      `INSERT INTO traffic.view_sessions (${VIEW_COLUMNS.join(', ')})
       SELECT day, channel_key, viewer, max(channel_slug), max(channel_id::text)::uuid, min(first_seen), max(last_seen), sum(segments), sum(bytes)
       FROM view_sessions_in GROUP BY day, channel_key, viewer
       ON CONFLICT (day, channel_key, viewer) DO UPDATE SET
         first_seen = least(traffic.view_sessions.first_seen, EXCLUDED.first_seen),
         last_seen = greatest(traffic.view_sessions.last_seen, EXCLUDED.last_seen),
         segments = traffic.view_sessions.segments + EXCLUDED.segments,
         bytes = traffic.view_sessions.bytes + EXCLUDED.bytes`,
    );
    await client.query('TRUNCATE view_sessions_in');
  }
}

/**
 * Moves a source's checkpoint to a spilled batch's; false when it already stands there (the batch is stored:
 * its direct write committed although the answer was lost, then it was spilled too).
 */
async function moveSpilledCheckpoint(client: PoolClient, batch: AccessBatch): Promise<boolean> {
  if (!batch.checkpoint) return true;
  const { source, owner, inode, offset } = batch.checkpoint;
  const { rows } = await client.query<{ inode: string; offset: string }>(
    'SELECT inode, "offset" FROM traffic.tail_checkpoints WHERE source = $1 FOR UPDATE',
    [source],
  );
  if (rows[0] && rows[0].inode === inode && Number(rows[0].offset) === offset) return false;
  await client.query(
    `INSERT INTO traffic.tail_checkpoints (source, owner, inode, "offset") VALUES ($1, $2, $3, $4)
     ON CONFLICT (source) DO UPDATE SET inode = EXCLUDED.inode, "offset" = EXCLUDED."offset", updated_at = now()`,
    [source, owner, inode, offset],
  );
  return true;
}

/** Tracker events (a replay inserts nothing) and their sessions' counters (upserted). */
async function insertEventRows(client: PoolClient, events: EventRow[], sessions: SessionRow[]): Promise<void> {
  for (const event of events) {
    await client.query(
      `INSERT INTO traffic.events (${EVENT_COLUMNS.join(', ')})
       VALUES (${EVENT_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')}) ON CONFLICT DO NOTHING`,
      eventValues(event),
    );
  }
  for (const session of sessions) {
    await client.query(
      `INSERT INTO traffic.sessions (${SESSION_COLUMNS.join(', ')})
       VALUES (${SESSION_COLUMNS.map((_, index) => `$${index + 1}`).join(', ')})
       ON CONFLICT (started_at, id) DO UPDATE SET last_seen = greatest(traffic.sessions.last_seen, EXCLUDED.last_seen),
         pageviews = greatest(traffic.sessions.pageviews, EXCLUDED.pageviews), events = greatest(traffic.sessions.events, EXCLUDED.events),
         exit_path = EXCLUDED.exit_path, is_bot = traffic.sessions.is_bot OR EXCLUDED.is_bot`,
      sessionValues(session),
    );
  }
}

/** A traffic.sessions row as pg returns it: SessionRow's fields under their column names. */
interface SessionColumns {
  started_at: Date; id: string; site_id: string; visitor_id: string; last_seen: Date; pageviews: number; events: number;
  entry_path: string; exit_path: string; referrer_domain: string | null; utm_source: string | null; utm_medium: string | null;
  utm_campaign: string | null; browser: string | null; os: string | null; device: string | null; country: string | null;
  is_bot: boolean;
}

const sessionOf = (row: SessionColumns): SessionRow => ({
  startedAt: row.started_at, id: row.id, siteId: row.site_id, visitorId: row.visitor_id, lastSeen: row.last_seen,
  pageviews: row.pageviews, events: row.events, entryPath: row.entry_path, exitPath: row.exit_path,
  referrerDomain: row.referrer_domain, utmSource: row.utm_source, utmMedium: row.utm_medium, utmCampaign: row.utm_campaign,
  browser: row.browser, os: row.os, device: row.device, country: row.country, isBot: row.is_bot,
});

async function copyInto(client: PoolClient, table: string, columns: readonly string[], lines: string[]): Promise<void> {
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}

/**
 * The query's range cut at the UTC day where its page starts: the near part (that day, toward the page's
 * direction) and the rest (null when the range lies within that day). The parts tile the range exactly.
 */
export function splitAtPageDay(query: SearchQuery): [SearchQuery, SearchQuery | null] {
  const newest = query.sort === 'newest';
  // The cursor's instant at millisecond precision is enough to find its day; the keyset condition stays exact.
  const anchor = query.after ? new Date(query.after.ts).getTime() : newest ? query.to.getTime() - 1 : query.from.getTime();
  if (!Number.isFinite(anchor)) return [query, null];
  const dayStart = Math.floor(anchor / 86_400_000) * 86_400_000;
  const cut = new Date(newest ? dayStart : dayStart + 86_400_000);
  if (cut <= query.from || cut >= query.to) return [query, null];
  return newest ? [{ ...query, from: cut }, { ...query, to: cut }] : [{ ...query, to: cut }, { ...query, from: cut }];
}
