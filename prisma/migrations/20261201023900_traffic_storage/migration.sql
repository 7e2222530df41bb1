-- Traffic storage (services/traffic-logger, docs/ARCHITECTURE.md "Traffic"): raw SQL in its own schema, not in
-- prisma/schema.prisma (which stays public-only, so the drift test is unchanged). Every fact table is partitioned
-- by day on its time column, the traffic-logger creates the daily partitions ahead (traffic-maintenance queue),
-- and drops old ones for retention. DEFAULT partitions catch rows outside them (alerted when used).
CREATE SCHEMA IF NOT EXISTS traffic;

-- One row per HTTP request nginx logged (seed 000), keyed by the nginx request id: replays insert nothing.
CREATE TABLE traffic.requests (
  ts                     timestamptz NOT NULL,
  request_id             text        NOT NULL,
  host                   text        NOT NULL,
  method                 text        NOT NULL,
  path                   text        NOT NULL,
  query                  text,
  status                 smallint    NOT NULL,
  body_bytes             bigint      NOT NULL,
  bytes_sent             bigint      NOT NULL,
  request_time_ms        integer     NOT NULL,
  upstream_addr          text,
  upstream_status        text,
  upstream_response_time text,
  -- The raw address only with TRAFFIC_STORE_RAW_IP=true, otherwise null and ip_hash = HMAC(TRAFFIC_IP_SECRET, ip).
  ip                     inet,
  ip_hash                text,
  user_agent             text,
  referer                text,
  -- What the route table made of the path.
  media_kind             text,
  channel_slug           text,
  channel_id             uuid,
  rendition              text,
  PRIMARY KEY (ts, request_id)
) PARTITION BY RANGE (ts);
CREATE TABLE traffic.requests_default PARTITION OF traffic.requests DEFAULT;
CREATE INDEX requests_channel_ts ON traffic.requests (channel_id, ts) WHERE channel_id IS NOT NULL;
CREATE INDEX requests_slug_ts ON traffic.requests (channel_slug, ts) WHERE channel_slug IS NOT NULL;

-- Segment hits folded per viewer x channel x day: first/last seen, segments, bytes.
CREATE TABLE traffic.view_sessions (
  day          date        NOT NULL,
  channel_key  text        NOT NULL,
  viewer       text        NOT NULL,
  channel_slug text,
  channel_id   uuid,
  first_seen   timestamptz NOT NULL,
  last_seen    timestamptz NOT NULL,
  segments     integer     NOT NULL,
  bytes        bigint      NOT NULL,
  PRIMARY KEY (day, channel_key, viewer)
) PARTITION BY RANGE (day);
CREATE TABLE traffic.view_sessions_default PARTITION OF traffic.view_sessions DEFAULT;

-- Where the tailer of each access log stands, written in the transaction that stores the rows up to it: rows and
-- checkpoint commit together, so nothing is lost or counted twice (view_sessions sums). `owner` fences a
-- tailer that lost its lease: its checkpoint update matches no row and its transaction rolls back.
CREATE TABLE traffic.tail_checkpoints (
  source     text        PRIMARY KEY,
  owner      text        NOT NULL,
  inode      text        NOT NULL,
  "offset"   bigint      NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Partition maintenance for the traffic-logger, which connects as the application role (no DDL, see
-- postgres/initdb): these two functions run as their owner (SECURITY DEFINER), only on the partitioned traffic tables (events and sessions
-- come with the traffic_sites migration).
-- create_daily_partition moves rows of that day out of DEFAULT first, or ATTACH would refuse the range.
CREATE FUNCTION traffic.create_daily_partition(parent text, day date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  child text := parent || '_' || to_char(day, 'YYYYMMDD');
  col text := CASE parent WHEN 'view_sessions' THEN 'day' WHEN 'sessions' THEN 'started_at' ELSE 'ts' END;
  lower_bound text;
  upper_bound text;
BEGIN
  IF parent NOT IN ('requests', 'view_sessions', 'events', 'sessions') THEN
    RAISE EXCEPTION 'not a partitioned traffic table: %', parent;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('traffic.' || parent || '.partitions'));
  IF to_regclass(format('traffic.%I', child)) IS NOT NULL THEN
    RETURN false;
  END IF;
  IF parent <> 'view_sessions' THEN
    lower_bound := to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00';
    upper_bound := to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00';
  ELSE
    lower_bound := to_char(day, 'YYYY-MM-DD');
    upper_bound := to_char(day + 1, 'YYYY-MM-DD');
  END IF;
  EXECUTE format('CREATE TABLE traffic.%I (LIKE traffic.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', child, parent);
  EXECUTE format('WITH moved AS (DELETE FROM traffic.%I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO traffic.%I SELECT * FROM moved',
    parent || '_default', col, lower_bound, col, upper_bound, child);
  EXECUTE format('ALTER TABLE traffic.%I ATTACH PARTITION traffic.%I FOR VALUES FROM (%L) TO (%L)', parent, child, lower_bound, upper_bound);
  RETURN true;
END
$fn$;

-- Drops the daily partitions of `parent` whose day ends on or before `before` (retention), returning their names.
CREATE FUNCTION traffic.drop_daily_partitions(parent text, before date) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  child text;
BEGIN
  IF parent NOT IN ('requests', 'view_sessions', 'events', 'sessions') THEN
    RAISE EXCEPTION 'not a partitioned traffic table: %', parent;
  END IF;
  FOR child IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = format('traffic.%I', parent)::regclass ORDER BY c.relname
  LOOP
    IF child ~ ('^' || parent || '_[0-9]{8}$') AND to_date(right(child, 8), 'YYYYMMDD') + 1 <= before THEN
      EXECUTE format('DROP TABLE traffic.%I', child);
      RETURN NEXT child;
    END IF;
  END LOOP;
END
$fn$;
