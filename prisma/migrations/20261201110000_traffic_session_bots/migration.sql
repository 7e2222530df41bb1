-- A session is a bot's when its events are (collect flags it): the analytics' sessions, bounces and durations
-- leave it out, as their visitors and page views already leave bot events out.
ALTER TABLE traffic.sessions ADD COLUMN is_bot boolean NOT NULL DEFAULT false;
