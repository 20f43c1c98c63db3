-- Events for every subscriber (SPEC §11): commit-safe stream positions, the publish marker of the outbox relay, and
-- webhooks with their deliveries and attempts.
--
-- seq is taken at INSERT, not at COMMIT: a transaction holding seq 10 may commit after one holding seq 11 was
-- streamed, so "seq > n" can skip. The stream's order is (xid, seq) instead, where xid is the id of the writing
-- transaction, and a reader takes only events whose xid is below the xmin of its snapshot: every transaction with a
-- smaller xid has ended, so nothing can later appear behind a position already served (events/EventPosition).
-- Existing rows get the xid of this migration, which is below every later transaction's.
ALTER TABLE events ADD COLUMN xid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
-- Set once a node has published the event on the bus; the relay publishes committed events still unset after a grace.
ALTER TABLE events ADD COLUMN published_at TIMESTAMPTZ;
UPDATE events SET published_at = created_at;
-- published_at is in no index, so setting it is a HOT update when the page has room.
ALTER TABLE events SET (fillfactor = 90);
DROP INDEX events_tenant;
CREATE INDEX events_position ON events (xid, seq);
CREATE INDEX events_tenant ON events (tenant_id, xid, seq);

-- Where the relay and the webhook fan-out are in the stream: one row each, locked by the one node working on it.
CREATE TABLE event_cursors (
  name       TEXT PRIMARY KEY,
  xid        BIGINT NOT NULL,
  seq        BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO event_cursors (name, xid, seq)
SELECT name, pg_current_xact_id()::text::bigint, coalesce((SELECT max(seq) FROM events), 0)
FROM (VALUES ('relay'), ('webhooks')) AS cursors (name);

-- A tenant's webhook: its signing secret is sealed with the secrets key (crypto/Sealed), shown once at creation.
CREATE TABLE webhooks (
  id                TEXT PRIMARY KEY,
  tenant_id         TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url               TEXT NOT NULL,
  events            TEXT[] NOT NULL,
  description       TEXT NOT NULL,
  secret_key_id     TEXT NOT NULL,
  secret_nonce      BYTEA NOT NULL,
  secret_ciphertext BYTEA NOT NULL,
  created_at        TIMESTAMPTZ NOT NULL,
  updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id, created_at DESC, id DESC);

-- One event to one webhook. The body is fixed at fan-out, so every attempt signs and sends the same bytes.
CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  tenant_id       TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  body            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts        INT NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMPTZ,
  last_status     INT,
  last_error      TEXT,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL,
  UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_page ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

-- Every attempt of a delivery: when, from which node, how long, what came back.
CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt     INT NOT NULL,
  node        TEXT NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL,
  duration_ms INT NOT NULL,
  status      INT,
  error       TEXT,
  PRIMARY KEY (delivery_id, attempt)
);
