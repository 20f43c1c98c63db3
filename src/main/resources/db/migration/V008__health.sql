-- Health checks (SPEC §6). A check belongs to its instance and goes with it (and so do its results and per-replica
-- standing). Each run probes every replica of the instance; one result row per replica per run.
CREATE TABLE health_checks (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('http', 'tcp', 'grpc', 'command')),
  target      TEXT NOT NULL,
  interval_ms BIGINT NOT NULL CHECK (interval_ms >= 1000),
  timeout_ms  BIGINT NOT NULL CHECK (timeout_ms > 0 AND timeout_ms < interval_ms),
  retries     INT NOT NULL CHECK (retries BETWEEN 0 AND 10),
  enabled     BOOLEAN NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL,
  UNIQUE (instance_id, name)
);

-- Results are append-only and pruned after health.retention. No foreign keys: at thousands of results a second the
-- key checks would cost more than the rest of the insert; the check's delete (and its instance's) removes them
-- through the trigger below instead.
CREATE TABLE health_results (
  id            TEXT PRIMARY KEY,
  check_id      TEXT NOT NULL,
  instance_id   TEXT NOT NULL,
  replica_index INT NOT NULL,
  release_id    TEXT,
  status        TEXT NOT NULL CHECK (status IN ('healthy', 'unhealthy')),
  latency_ms    BIGINT NOT NULL,
  status_code   INT,
  message       TEXT,
  checked_at    TIMESTAMPTZ NOT NULL,
  -- the due time a scheduled run was for (null for a manual run): checked_at - due_at is the run's scheduling lag
  due_at        TIMESTAMPTZ
);
CREATE INDEX health_results_check ON health_results (check_id, checked_at DESC);
CREATE INDEX health_results_instance ON health_results (instance_id, checked_at);
CREATE INDEX health_results_age ON health_results (checked_at);

-- Where each check stands on each replica: the consecutive failures behind its status. One row per (check, replica
-- index) that the last run saw; a replica that is gone loses its row.
CREATE TABLE health_replicas (
  check_id             TEXT NOT NULL REFERENCES health_checks (id) ON DELETE CASCADE,
  replica_index        INT NOT NULL,
  instance_id          TEXT NOT NULL,
  release_id           TEXT,
  endpoint             TEXT,
  consecutive_failures INT NOT NULL,
  healthy              BOOLEAN NOT NULL,
  last_result_id       TEXT NOT NULL,
  checked_at           TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (check_id, replica_index)
);
CREATE INDEX health_replicas_instance ON health_replicas (instance_id);

CREATE FUNCTION health_checks_drop_results() RETURNS trigger AS $$
BEGIN
  DELETE FROM health_results WHERE check_id = OLD.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER health_checks_results AFTER DELETE ON health_checks
  FOR EACH ROW EXECUTE FUNCTION health_checks_drop_results();
