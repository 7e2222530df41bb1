-- Traffic search (services/traffic-logger/src/store/postgres-search.ts). Indexes on the partitioned parents:
-- Postgres builds them on every daily partition, and on each new one when create_daily_partition attaches it.
-- The keyset walks the primary keys (ts, request_id) and (ts, id) in either direction. These serve the
-- selective filters, which would otherwise scan a whole day per partition: one address, one session, one channel
-- (already indexed by the storage migration), one country.
CREATE INDEX requests_ip_hash_ts ON traffic.requests (ip_hash, ts) WHERE ip_hash IS NOT NULL;
CREATE INDEX requests_ip_ts ON traffic.requests (ip, ts) WHERE ip IS NOT NULL;
CREATE INDEX requests_status_ts ON traffic.requests (status, ts);
CREATE INDEX events_session_ts ON traffic.events (session_id, ts);
