-- The Redis spill (`traffic:spill`) is drained into Postgres in order; each drained entry's stream id is
-- recorded here in the transaction that stores its rows, so an entry drained again after a crash (between the
-- commit and its XDEL) is skipped: view_sessions sums, so "ON CONFLICT DO NOTHING" alone would count it twice.
CREATE TABLE traffic.spill_cursor (
  id         smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  last_id    text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Campaign conversions and the journey look a session up by its id alone (the key is (started_at, id)).
CREATE INDEX IF NOT EXISTS sessions_id ON traffic.sessions (id);
