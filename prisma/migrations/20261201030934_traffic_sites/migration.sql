-- CreateTable
CREATE TABLE "sites" (
    "id" UUID NOT NULL,
    "domain" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "allowed_origins" TEXT[],
    "use_cookie" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sites_pkey" PRIMARY KEY ("id")
);

-- Site analytics from the tracker (POST /api/v1/collect, seed 001), partitioned by day like requests.
-- visitor_id = hash(daily salt, site, IP, User-Agent) without the cookie opt-in, so it does not link days.
CREATE TABLE traffic.events (
  ts              timestamptz NOT NULL,
  id              uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  session_id      uuid        NOT NULL,
  visitor_id      text        NOT NULL,
  name            text        NOT NULL,
  hostname        text,
  path            text        NOT NULL,
  query           text,
  referrer_domain text,
  utm_source      text,
  utm_medium      text,
  utm_campaign    text,
  utm_term        text,
  utm_content     text,
  click_id        text,
  props           jsonb       NOT NULL DEFAULT '{}',
  is_bot          boolean     NOT NULL DEFAULT false,
  browser         text,
  os              text,
  device          text,
  country         text,
  PRIMARY KEY (ts, id)
) PARTITION BY RANGE (ts);
CREATE TABLE traffic.events_default PARTITION OF traffic.events DEFAULT;
CREATE INDEX events_site_ts ON traffic.events (site_id, ts);

-- Server-side sessions: a visitor idle for 30 minutes starts a new one (session_start event).
CREATE TABLE traffic.sessions (
  started_at      timestamptz NOT NULL,
  id              uuid        NOT NULL,
  site_id         uuid        NOT NULL,
  visitor_id      text        NOT NULL,
  last_seen       timestamptz NOT NULL,
  pageviews       integer     NOT NULL,
  events          integer     NOT NULL,
  entry_path      text        NOT NULL,
  exit_path       text        NOT NULL,
  referrer_domain text,
  utm_source      text,
  utm_medium      text,
  utm_campaign    text,
  browser         text,
  os              text,
  device          text,
  country         text,
  PRIMARY KEY (started_at, id)
) PARTITION BY RANGE (started_at);
CREATE TABLE traffic.sessions_default PARTITION OF traffic.sessions DEFAULT;
CREATE INDEX sessions_site_started ON traffic.sessions (site_id, started_at);
