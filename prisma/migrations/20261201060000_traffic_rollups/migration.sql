-- Analytics rollups (services/traffic-logger/src/rollups, docs/ARCHITECTURE.md "Traffic rollups"): the analytics
-- API reads these instead of scanning traffic.events. Rebuilt by the traffic-rollups job for the last 2 hours
-- every minute (delete + insert of those hours in one transaction, so a re-run changes nothing).
-- Comments here hold no semicolons: migrations used to be split at each one.

-- Per site, hour and dimension value. dimension is total (value empty), page, referrer, utm_source, utm_medium,
-- utm_campaign, country, device, browser or os, an unknown value is stored as the empty string.
-- pageviews and visitors (distinct in that hour) come from events, sessions, bounces (one page view or less)
-- and duration_s (last_seen - started_at, summed) from the sessions that started in the hour. A session counts
-- for its entry page in the page dimension.
CREATE TABLE traffic.rollup_hourly (
  site_id    uuid        NOT NULL,
  dimension  text        NOT NULL,
  hour       timestamptz NOT NULL,
  value      text        NOT NULL,
  pageviews  bigint      NOT NULL DEFAULT 0,
  visitors   bigint      NOT NULL DEFAULT 0,
  sessions   bigint      NOT NULL DEFAULT 0,
  bounces    bigint      NOT NULL DEFAULT 0,
  duration_s bigint      NOT NULL DEFAULT 0,
  PRIMARY KEY (site_id, dimension, hour, value)
);
CREATE INDEX rollup_hourly_hour ON traffic.rollup_hourly (hour);

-- Distinct visitors per site, UTC day and dimension value. A range's visitors are the sum of its days: exact
-- for visitor ids that change daily (the salted hash without the cookie opt-in), an over-count otherwise.
CREATE TABLE traffic.rollup_daily_visitors (
  site_id   uuid NOT NULL,
  dimension text NOT NULL,
  day       date NOT NULL,
  value     text NOT NULL,
  visitors  bigint NOT NULL,
  PRIMARY KEY (site_id, dimension, day, value)
);
CREATE INDEX rollup_daily_visitors_day ON traffic.rollup_daily_visitors (day);

-- Live-channel audience per minute (the 24 h chart of a channel): distinct viewers with a segment in that
-- minute and bytes sent, per access log (source), written by the tailer as each minute closes.
CREATE TABLE traffic.channel_minutes (
  minute       timestamptz NOT NULL,
  channel_key  text        NOT NULL,
  source       text        NOT NULL,
  channel_slug text,
  channel_id   uuid,
  viewers      integer     NOT NULL,
  bytes        bigint      NOT NULL,
  PRIMARY KEY (channel_key, minute, source)
);
CREATE INDEX channel_minutes_minute ON traffic.channel_minutes (minute);
