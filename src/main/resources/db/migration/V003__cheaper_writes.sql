-- Cheaper writes on the hot path (docs/BENCHMARKS.md has the figures).
--
-- A state change rewrote every index of an instance because `state` was in instances_node: PostgreSQL can only
-- update a row in place (HOT, no new index entries) when no indexed column changes. Runtime lookups by node never
-- needed the state in the index, so the index drops it, and the tables leave room on each page for the new row
-- version, which a HOT update must find on the same page. Tenant rows change on every create and delete (the usage
-- counters of V002), so they get more room.
DROP INDEX instances_node;
CREATE INDEX instances_node ON instances (node);
ALTER TABLE instances SET (fillfactor = 80);
ALTER TABLE tenants SET (fillfactor = 50);

-- Every lifecycle change writes two or three events; each index on them is paid on every write and no query reads
-- events by instance on its own (a stream filters a tenant's events, which events_tenant serves).
DROP INDEX events_instance;
