-- The scheduler: every periodic or due piece of work is a row here, claimed by one node at a time with a lease
-- (FOR UPDATE SKIP LOCKED), so each due item runs once cluster-wide and a dead node's claims lapse to the others.
CREATE TABLE schedule_items (
  kind         TEXT NOT NULL,
  key          TEXT NOT NULL,
  -- when set, only the node that runs this instance's replicas (instances.node) claims the item; deleting the
  -- instance deletes its items
  instance_id  TEXT REFERENCES instances (id) ON DELETE CASCADE,
  payload      JSONB NOT NULL DEFAULT '{}',
  -- null: a one-shot item; else it runs again every interval, on the grid next_run_at + n * interval
  interval_ms  BIGINT,
  next_run_at  TIMESTAMPTZ NOT NULL,
  claimed_by   TEXT,
  lease_until  TIMESTAMPTZ,
  -- bumped by every claim: a completion counts only for the claim it belongs to
  claim        BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, key)
);
CREATE INDEX schedule_items_due ON schedule_items (next_run_at);
CREATE INDEX schedule_items_instance ON schedule_items (instance_id) WHERE instance_id IS NOT NULL;

-- Node liveness: every node writes its heartbeat; a node whose heartbeat is older than cluster.node_timeout is
-- dead, and the take-over job moves its instances to the living.
CREATE TABLE nodes (
  name          TEXT PRIMARY KEY,
  started_at    TIMESTAMPTZ NOT NULL,
  heartbeat_at  TIMESTAMPTZ NOT NULL
);

-- Retention prunes events by age.
CREATE INDEX events_created ON events (created_at);
