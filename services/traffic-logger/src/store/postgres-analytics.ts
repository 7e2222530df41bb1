import type { Pool, PoolClient } from 'pg';
import { copyLine } from './copy-text';
import {
  type AnalyticsPoint,
  type AnalyticsTotals,
  type ChannelMinute,
  channelKeyOf,
  type RollupDimension,
  type RollupReport,
  type TopValue,
} from './traffic-store';

/**
 * The rollup and analytics SQL of PostgresTrafficStore (schema in the traffic_rollups migration). Hours and days
 * are UTC whatever the session's TimeZone (date_trunc with a zone, AT TIME ZONE 'UTC').
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const utcDate = (at: Date) => at.toISOString().slice(0, 10);

/** Unpivots an event or session row into (dimension, value) pairs; `page` is the event's path or the session's entry. */
const dimensionsOf = (alias: string, page: string) => `CROSS JOIN LATERAL (VALUES
  ('total', ''), ('page', ${alias}.${page}), ('referrer', coalesce(${alias}.referrer_domain, '')),
  ('utm_source', coalesce(${alias}.utm_source, '')), ('utm_medium', coalesce(${alias}.utm_medium, '')),
  ('utm_campaign', coalesce(${alias}.utm_campaign, '')), ('country', coalesce(${alias}.country, '')),
  ('device', coalesce(${alias}.device, '')), ('browser', coalesce(${alias}.browser, '')), ('os', coalesce(${alias}.os, ''))
) AS d(dimension, value)`;

/** How far back a session still active in the window may have started (its start hour's figures are redone). */
const SESSION_LOOKBACK_MS = DAY_MS;

export async function rebuildRollups(client: PoolClient, from: Date, to: Date): Promise<RollupReport> {
  // One rebuild at a time (two replicas' schedulers, or a manual run): the second waits, then redoes the same.
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('traffic.rollups'))`);
  // Events of the window's hours: everything of those hours is recomputed.
  await client.query('DELETE FROM traffic.rollup_hourly WHERE hour >= $1 AND hour < $2', [from, to]);
  await client.query(
    `INSERT INTO traffic.rollup_hourly (site_id, dimension, hour, value, pageviews, visitors)
     SELECT e.site_id, d.dimension, date_trunc('hour', e.ts, 'UTC'), d.value,
       count(*) FILTER (WHERE e.name = 'page_view'), count(DISTINCT e.visitor_id)
     FROM traffic.events e ${dimensionsOf('e', 'path')}
     WHERE e.ts >= $1 AND e.ts < $2 AND NOT e.is_bot
     GROUP BY 1, 2, 3, 4`,
    [from, to],
  );
  // Sessions: those that started in the window, and those that started earlier but were active in it (their
  // duration and bounce changed): their start hours' session figures are recomputed.
  const { rows: older } = await client.query<{ hour: Date }>(
    `SELECT DISTINCT date_trunc('hour', started_at, 'UTC') AS hour FROM traffic.sessions
     WHERE started_at >= $1 AND started_at < $2 AND last_seen >= $2`,
    [new Date(from.getTime() - SESSION_LOOKBACK_MS), from],
  );
  const olderHours = older.map((row) => row.hour);
  await client.query('UPDATE traffic.rollup_hourly SET sessions = 0, bounces = 0, duration_s = 0 WHERE hour = ANY($1::timestamptz[])', [olderHours]);
  await client.query(
    `INSERT INTO traffic.rollup_hourly (site_id, dimension, hour, value, sessions, bounces, duration_s)
     SELECT s.site_id, d.dimension, date_trunc('hour', s.started_at, 'UTC'), d.value,
       count(*), count(*) FILTER (WHERE s.pageviews <= 1), sum(floor(extract(epoch FROM s.last_seen - s.started_at)))::bigint
     FROM traffic.sessions s ${dimensionsOf('s', 'entry_path')}
     WHERE s.started_at >= $4 AND s.started_at < $2 AND NOT s.is_bot
       AND (s.started_at >= $1 OR date_trunc('hour', s.started_at, 'UTC') = ANY($3::timestamptz[]))
     GROUP BY 1, 2, 3, 4
     ON CONFLICT (site_id, dimension, hour, value) DO UPDATE
       SET sessions = EXCLUDED.sessions, bounces = EXCLUDED.bounces, duration_s = EXCLUDED.duration_s`,
    [from, to, olderHours, olderHours.length > 0 ? new Date(Math.min(...olderHours.map((hour) => hour.getTime()))) : from],
  );
  // Distinct visitors of each UTC day the window touches, over the whole day.
  const firstDay = new Date(Math.floor(from.getTime() / DAY_MS) * DAY_MS);
  const endDay = new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS);
  await client.query('DELETE FROM traffic.rollup_daily_visitors WHERE day >= $1::date AND day < $2::date', [utcDate(firstDay), utcDate(endDay)]);
  await client.query(
    `INSERT INTO traffic.rollup_daily_visitors (site_id, dimension, day, value, visitors)
     SELECT e.site_id, d.dimension, (e.ts AT TIME ZONE 'UTC')::date, d.value, count(DISTINCT e.visitor_id)
     FROM traffic.events e ${dimensionsOf('e', 'path')}
     WHERE e.ts >= $1 AND e.ts < $2 AND NOT e.is_bot
     GROUP BY 1, 2, 3, 4`,
    [firstDay, endDay],
  );
  return { hours: Math.round((to.getTime() - from.getTime()) / HOUR_MS) + olderHours.length, days: Math.round((endDay.getTime() - firstDay.getTime()) / DAY_MS) };
}

export async function deleteRollupsBefore(client: PoolClient, before: Date): Promise<number> {
  const hourly = await client.query('DELETE FROM traffic.rollup_hourly WHERE hour < $1', [before]);
  const daily = await client.query('DELETE FROM traffic.rollup_daily_visitors WHERE day < $1::date', [utcDate(before)]);
  const minutes = await client.query('DELETE FROM traffic.channel_minutes WHERE minute < $1', [before]);
  return (hourly.rowCount ?? 0) + (daily.rowCount ?? 0) + (minutes.rowCount ?? 0);
}

interface TotalsRow {
  visitors: string | null;
  pageviews: string | null;
  sessions: string | null;
  bounces: string | null;
  duration: string | null;
}
const totalsOf = (row: TotalsRow | undefined): AnalyticsTotals => ({
  visitors: Number(row?.visitors ?? 0),
  pageviews: Number(row?.pageviews ?? 0),
  sessions: Number(row?.sessions ?? 0),
  bounces: Number(row?.bounces ?? 0),
  durationSeconds: Number(row?.duration ?? 0),
});

export async function analyticsTotals(pool: Pool, siteId: string, from: Date, to: Date): Promise<AnalyticsTotals> {
  const { rows } = await pool.query<TotalsRow>(
    `SELECT
       (SELECT sum(visitors) FROM traffic.rollup_daily_visitors
         WHERE site_id = $1 AND dimension = 'total' AND day >= $4::date AND day < $5::date) AS visitors,
       sum(pageviews) AS pageviews, sum(sessions) AS sessions, sum(bounces) AS bounces, sum(duration_s) AS duration
     FROM traffic.rollup_hourly WHERE site_id = $1 AND dimension = 'total' AND hour >= $2 AND hour < $3`,
    [siteId, from, to, utcDate(from), utcDate(new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS))],
  );
  return totalsOf(rows[0]);
}

/** The same figures from raw rows: visitors distinct per UTC day, summed, as the rollups count them. */
export async function analyticsTotalsFromEvents(pool: Pool, siteId: string, from: Date, to: Date): Promise<AnalyticsTotals> {
  const { rows } = await pool.query<TotalsRow>(
    `SELECT
       (SELECT sum(n) FROM (SELECT count(DISTINCT visitor_id) AS n FROM traffic.events
         WHERE site_id = $1 AND ts >= $2 AND ts < $3 AND NOT is_bot GROUP BY (ts AT TIME ZONE 'UTC')::date) AS days) AS visitors,
       (SELECT count(*) FROM traffic.events WHERE site_id = $1 AND ts >= $2 AND ts < $3 AND NOT is_bot AND name = 'page_view') AS pageviews,
       count(*) AS sessions, count(*) FILTER (WHERE pageviews <= 1) AS bounces,
       sum(floor(extract(epoch FROM last_seen - started_at)))::bigint AS duration
     FROM traffic.sessions WHERE site_id = $1 AND started_at >= $2 AND started_at < $3 AND NOT is_bot`,
    [siteId, from, to],
  );
  return totalsOf(rows[0]);
}

export async function analyticsSeries(pool: Pool, siteId: string, from: Date, to: Date, interval: 'hour' | 'day'): Promise<AnalyticsPoint[]> {
  const { rows } = await pool.query<TotalsRow & { at: Date }>(
    `WITH buckets AS (
       SELECT generate_series(date_trunc($4, $2::timestamptz, 'UTC'), $3::timestamptz - interval '1 second', ('1 ' || $4)::interval) AS at
     ), hourly AS (
       SELECT date_trunc($4, hour, 'UTC') AS at, sum(pageviews) AS pageviews, sum(visitors) AS visitors, sum(sessions) AS sessions,
         sum(bounces) AS bounces, sum(duration_s) AS duration
       FROM traffic.rollup_hourly WHERE site_id = $1 AND dimension = 'total' AND hour >= $2 AND hour < $3 GROUP BY 1
     ), daily AS (
       SELECT (day::timestamp AT TIME ZONE 'UTC') AS at, visitors FROM traffic.rollup_daily_visitors
       WHERE site_id = $1 AND dimension = 'total' AND day >= ($2::timestamptz AT TIME ZONE 'UTC')::date AND day < ($3::timestamptz AT TIME ZONE 'UTC')::date
     )
     SELECT b.at, h.pageviews, CASE WHEN $4 = 'day' THEN d.visitors ELSE h.visitors END AS visitors, h.sessions, h.bounces, h.duration
     FROM buckets b LEFT JOIN hourly h ON h.at = b.at LEFT JOIN daily d ON d.at = b.at ORDER BY b.at`,
    [siteId, from, to, interval],
  );
  return rows.map((row) => ({ at: row.at, ...totalsOf(row) }));
}

export async function analyticsTop(
  pool: Pool,
  siteId: string,
  dimension: RollupDimension,
  from: Date,
  to: Date,
  limit: number,
): Promise<{ items: TopValue[]; others: TopValue | null }> {
  const { rows } = await pool.query<{ value: string; pageviews: string; visitors: string; rank: string }>(
    `WITH views AS (
       SELECT value, sum(pageviews) AS pageviews FROM traffic.rollup_hourly
       WHERE site_id = $1 AND dimension = $2 AND hour >= $3 AND hour < $4 GROUP BY value
     ), people AS (
       SELECT value, sum(visitors) AS visitors FROM traffic.rollup_daily_visitors
       WHERE site_id = $1 AND dimension = $2 AND day >= $5::date AND day < $6::date GROUP BY value
     ), ranked AS (
       SELECT coalesce(v.value, p.value) AS value, coalesce(v.pageviews, 0) AS pageviews, coalesce(p.visitors, 0) AS visitors
       FROM views v FULL JOIN people p ON p.value = v.value
     ), numbered AS (
       SELECT *, row_number() OVER (ORDER BY pageviews DESC, visitors DESC, value) AS rank FROM ranked
     )
     SELECT CASE WHEN rank <= $7 THEN value END AS value, sum(pageviews) AS pageviews, sum(visitors) AS visitors, min(rank) AS rank
     FROM numbered GROUP BY CASE WHEN rank <= $7 THEN value END ORDER BY min(rank)`,
    [siteId, dimension, from, to, utcDate(from), utcDate(new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS)), limit],
  );
  const items: TopValue[] = [];
  let others: TopValue | null = null;
  for (const row of rows) {
    const entry = { value: row.value ?? '', pageviews: Number(row.pageviews), visitors: Number(row.visitors) };
    if (row.value === null) others = entry;
    else items.push(entry);
  }
  return { items, others };
}

export async function liveVisitors(pool: Pool, siteId: string, since: Date): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    'SELECT count(DISTINCT visitor_id) AS count FROM traffic.events WHERE site_id = $1 AND ts >= $2 AND NOT is_bot',
    [siteId, since],
  );
  return Number(rows[0]!.count);
}

const MINUTE_COLUMNS = ['minute', 'channel_key', 'source', 'channel_slug', 'channel_id', 'viewers', 'bytes'] as const;

export async function writeChannelMinutes(client: PoolClient, minutes: ChannelMinute[], copy: (table: string, columns: readonly string[], lines: string[]) => Promise<void>): Promise<void> {
  await client.query('CREATE TEMP TABLE IF NOT EXISTS channel_minutes_in (LIKE traffic.channel_minutes) ON COMMIT DELETE ROWS');
  await copy(
    'channel_minutes_in',
    MINUTE_COLUMNS,
    minutes.map((entry) => copyLine([entry.minute, channelKeyOf(entry), entry.source, entry.channelSlug, entry.channelId, entry.viewers, entry.bytes])),
  );
  await client.query(
    `INSERT INTO traffic.channel_minutes (${MINUTE_COLUMNS.join(', ')})
     SELECT minute, channel_key, source, max(channel_slug), max(channel_id::text)::uuid, max(viewers), max(bytes)
     FROM channel_minutes_in GROUP BY minute, channel_key, source
     ON CONFLICT (channel_key, minute, source) DO UPDATE SET
       viewers = greatest(traffic.channel_minutes.viewers, EXCLUDED.viewers), bytes = greatest(traffic.channel_minutes.bytes, EXCLUDED.bytes)`,
  );
}

export async function channelMinutes(
  pool: Pool,
  channel: { channelId: string | null; channelSlug: string | null },
  from: Date,
  to: Date,
): Promise<Array<{ minute: Date; viewers: number; bytes: number }>> {
  const keys = [channel.channelId ? `id:${channel.channelId}` : null, channel.channelSlug ? `slug:${channel.channelSlug}` : null].filter((key) => key !== null);
  const { rows } = await pool.query<{ minute: Date; viewers: string | null; bytes: string | null }>(
    `WITH buckets AS (SELECT generate_series(date_trunc('minute', $2::timestamptz), $3::timestamptz - interval '1 second', interval '1 minute') AS minute),
     seen AS (SELECT minute, sum(viewers) AS viewers, sum(bytes) AS bytes FROM traffic.channel_minutes
       WHERE channel_key = ANY($1::text[]) AND minute >= $2 AND minute < $3 GROUP BY minute)
     SELECT b.minute, s.viewers, s.bytes FROM buckets b LEFT JOIN seen s ON s.minute = b.minute ORDER BY b.minute`,
    [keys, from, to],
  );
  return rows.map((row) => ({ minute: row.minute, viewers: Number(row.viewers ?? 0), bytes: Number(row.bytes ?? 0) }));
}
