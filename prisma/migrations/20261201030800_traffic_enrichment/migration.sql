-- Enrichment of stored requests (services/traffic-logger/src/enrichment): bot verdict, parsed User-Agent, GeoIP.
-- Comments here hold no semicolons: migrations used to be split at each one.
ALTER TABLE traffic.requests
  ADD COLUMN is_bot    boolean NOT NULL DEFAULT false,
  ADD COLUMN bot_score real,
  ADD COLUMN bot_type  text,
  ADD COLUMN browser   text,
  ADD COLUMN os        text,
  ADD COLUMN device    text,
  ADD COLUMN country   text,
  ADD COLUMN city      text,
  ADD COLUMN asn       bigint;
