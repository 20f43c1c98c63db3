-- Replica sets: the sets of releases an instance should run while a deployment moves it from one release to another
-- (JSON array of {release_id, image, env, count, serving}). NULL, the instance at rest: one serving set, its current
-- release with `replicas` replicas. Not indexed; written only by deployments.
ALTER TABLE instances ADD COLUMN replica_sets JSONB;
