-- Deployments: a rollout of a release onto an instance's replicas, driven step by step from this row, so that a node
-- that restarts or takes the instance over continues (or undoes) it where it stands.
CREATE TABLE deployments (
  id                  TEXT PRIMARY KEY,
  tenant_id           TEXT NOT NULL,
  instance_id         TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  release_id          TEXT NOT NULL,
  previous_release_id TEXT,
  strategy            TEXT NOT NULL,
  state               TEXT NOT NULL,
  -- forward: stepping towards the new release; undo: restoring the previous one; done: nothing left to do
  phase               TEXT NOT NULL,
  step                INT NOT NULL DEFAULT 0,
  -- whether the previous release was running when the deployment began (an undo starts it again)
  restore_running     BOOLEAN NOT NULL,
  progress            JSONB NOT NULL,
  error               TEXT,
  initiator           TEXT,
  notes               TEXT,
  commit_sha          TEXT,
  deadline_at         TIMESTAMPTZ NOT NULL,
  version             INT NOT NULL DEFAULT 1,
  created_at          TIMESTAMPTZ NOT NULL,
  started_at          TIMESTAMPTZ,
  finished_at         TIMESTAMPTZ
);
-- One deployment at a time per instance, also when two arrive at the same moment on two nodes.
CREATE UNIQUE INDEX deployments_one_active ON deployments (instance_id) WHERE state IN ('pending', 'running');
CREATE INDEX deployments_page ON deployments (instance_id, created_at DESC, id DESC);
CREATE INDEX deployments_unfinished ON deployments (phase) WHERE phase <> 'done';

-- The deployment that owns the instance's replicas while it runs or is undone; lifecycle actions wait for it.
ALTER TABLE instances ADD COLUMN deployment_id TEXT;

-- Idempotency-Key: a retried request within 24 h finds the resource the first one made.
CREATE TABLE idempotency_keys (
  tenant_id    TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  resource_id  TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, key)
);
