-- Usage counters on the tenant row, kept by triggers on instances in the same transaction as the change. A create
-- locks the tenant row FOR NO KEY UPDATE and reads the counters from that very row (after a wait, PostgreSQL returns
-- the latest committed version), instead of summing every instance of the tenant under the lock: that sum grew with
-- the tenant and was the largest part of a create's database time.
ALTER TABLE tenants
  ADD COLUMN used_instances  BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN used_cpu_millis BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN used_memory_mb  BIGINT NOT NULL DEFAULT 0;

UPDATE tenants t
SET used_instances = u.instances, used_cpu_millis = u.cpu, used_memory_mb = u.memory
FROM (SELECT tenant_id, count(*) AS instances, sum(cpu_millis::bigint * replicas) AS cpu,
             sum(memory_mb::bigint * replicas) AS memory
      FROM instances GROUP BY tenant_id) u
WHERE t.id = u.tenant_id;

-- Every writer locks the tenant row before its instances; a change that fires this (insert, delete, resources)
-- must do so too, so that the UPDATE below never waits on a tenant lock while holding an instance lock.
CREATE FUNCTION instances_count_usage() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE tenants SET used_instances = used_instances - 1,
                       used_cpu_millis = used_cpu_millis - OLD.cpu_millis::bigint * OLD.replicas,
                       used_memory_mb = used_memory_mb - OLD.memory_mb::bigint * OLD.replicas
    WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE tenants SET used_instances = used_instances + 1,
                       used_cpu_millis = used_cpu_millis + NEW.cpu_millis::bigint * NEW.replicas,
                       used_memory_mb = used_memory_mb + NEW.memory_mb::bigint * NEW.replicas
    WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER instances_usage AFTER INSERT OR DELETE ON instances
  FOR EACH ROW EXECUTE FUNCTION instances_count_usage();

CREATE TRIGGER instances_usage_resized AFTER UPDATE OF tenant_id, cpu_millis, memory_mb, replicas ON instances
  FOR EACH ROW
  WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.cpu_millis IS DISTINCT FROM NEW.cpu_millis
        OR OLD.memory_mb IS DISTINCT FROM NEW.memory_mb OR OLD.replicas IS DISTINCT FROM NEW.replicas)
  EXECUTE FUNCTION instances_count_usage();
