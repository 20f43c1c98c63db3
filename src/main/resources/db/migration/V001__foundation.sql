-- Foundation: tenants, instances, releases, the event outbox and the audit log.
-- Times are timestamptz (microseconds); ids are TypeIDs (text). Every mutable row has a version for
-- optimistic concurrency.

CREATE TABLE tenants (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  slug           TEXT NOT NULL UNIQUE,
  plan           TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
  suspended_at   TIMESTAMPTZ,
  suspend_reason TEXT,
  quota          JSONB,                      -- NULL: the plan's default quota
  metadata       JSONB NOT NULL DEFAULT '{}',
  version        INT NOT NULL DEFAULT 1,
  created_at     TIMESTAMPTZ NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenants_page ON tenants (created_at DESC, id DESC);
CREATE INDEX tenants_status_page ON tenants (status, created_at DESC, id DESC);

CREATE TABLE instances (
  id                 TEXT PRIMARY KEY,
  tenant_id          TEXT NOT NULL REFERENCES tenants (id),
  name               TEXT NOT NULL,
  slug               TEXT NOT NULL,
  image              TEXT NOT NULL,
  provider_name      TEXT NOT NULL,
  provider_ref       TEXT,
  region             TEXT NOT NULL DEFAULT '',
  node               TEXT,                   -- the node that runs the replicas (process provider)
  state              TEXT NOT NULL,
  status_message     TEXT,
  cpu_millis         INT NOT NULL,
  memory_mb          INT NOT NULL,
  disk_mb            INT NOT NULL,
  replicas           INT NOT NULL,
  ports              JSONB NOT NULL DEFAULT '[]',
  env                JSONB NOT NULL DEFAULT '{}',
  labels             JSONB NOT NULL DEFAULT '{}',
  endpoints          JSONB NOT NULL DEFAULT '[]',
  current_release_id TEXT,
  suspended_at       TIMESTAMPTZ,
  suspend_reason     TEXT,
  suspended_by_tenant BOOLEAN NOT NULL DEFAULT FALSE, -- suspended because its tenant was: unsuspending the tenant resumes it
  version            INT NOT NULL DEFAULT 1,
  created_at         TIMESTAMPTZ NOT NULL,
  updated_at         TIMESTAMPTZ NOT NULL,
  UNIQUE (tenant_id, slug)
);
CREATE INDEX instances_page ON instances (tenant_id, created_at DESC, id DESC);
CREATE INDEX instances_all_page ON instances (created_at DESC, id DESC);
CREATE INDEX instances_labels ON instances USING gin (labels jsonb_path_ops);
CREATE INDEX instances_node ON instances (node, state);

CREATE TABLE releases (
  id               TEXT PRIMARY KEY,
  tenant_id        TEXT NOT NULL,
  instance_id      TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  version          INT NOT NULL,
  image            TEXT NOT NULL,
  env              JSONB NOT NULL DEFAULT '{}',
  notes            TEXT,
  commit_sha       TEXT,
  source           TEXT NOT NULL CHECK (source IN ('initial', 'deploy', 'rollback')),
  rolled_back_from TEXT,
  created_at       TIMESTAMPTZ NOT NULL,
  UNIQUE (instance_id, version)
);

-- The outbox: every lifecycle event, written in the transaction of the change it describes, then published on the
-- bus. seq orders them for resumable streams.
CREATE TABLE events (
  seq         BIGSERIAL PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL,
  tenant_id   TEXT,
  instance_id TEXT,
  resource_id TEXT,
  actor_id    TEXT,
  data        JSONB NOT NULL,
  node        TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_tenant ON events (tenant_id, seq);
CREATE INDEX events_instance ON events (instance_id, seq);

-- The audit log: one row per mutating call, in the transaction of the change (or on its own for refused calls).
-- Rows are chained per tenant (hash = sha256(prev_hash || row)), and a trigger refuses UPDATE and DELETE, so a
-- changed or removed row breaks the chain where anyone can see it.
CREATE TABLE audit_log (
  seq         BIGSERIAL PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  tenant_id   TEXT,
  actor_id    TEXT,
  resource    TEXT NOT NULL,
  resource_id TEXT,
  action      TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
  request_id  TEXT,
  ip_address  TEXT,
  details     JSONB NOT NULL DEFAULT '{}',
  created_at  TIMESTAMPTZ NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_page ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_tenant_page ON audit_log (tenant_id, created_at DESC, id DESC);
CREATE INDEX audit_chain ON audit_log (tenant_id, seq DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
