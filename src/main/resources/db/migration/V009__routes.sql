-- Routes (SPEC §8): which requests the edge router sends to which instance port. A route belongs to its instance and
-- goes with it. hostname NULL means the instance's default host (<instance-slug>.<tenant-slug>.<edge.base_domain>),
-- never "any host": one tenant's route must not take another tenant's traffic. Every node reads all routes at start
-- to build its routing table (routes_all), then follows the route.* events.
CREATE TABLE routes (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  instance_id  TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  path         TEXT NOT NULL,
  port         INT NOT NULL,
  protocol     TEXT NOT NULL,
  weight       INT NOT NULL CHECK (weight BETWEEN 0 AND 100),
  strip_prefix BOOLEAN NOT NULL,
  hostname     TEXT,
  version      INT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL
);

-- One route per instance, host and path: a second would only split the instance's traffic with itself.
CREATE UNIQUE INDEX routes_unique ON routes (instance_id, coalesce(hostname, ''), path);
CREATE INDEX routes_instance ON routes (instance_id, created_at);
