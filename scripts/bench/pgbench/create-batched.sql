-- Sixteen creates as one group commit (docs/BENCHMARKS.md): the same rows as create.sql, written with one multi-row
-- statement per table and one transaction for the sixteen, then one settle transaction for them. Tenants are
-- locked, and audit chains taken, in id order, so concurrent batches never deadlock.
\set t random(0, 84)
\set n random(1, 1000000000000)
BEGIN;
SELECT id, status, plan, quota, used_instances FROM tenants WHERE id IN (SELECT id FROM tenants ORDER BY id OFFSET :t LIMIT 16) ORDER BY id FOR NO KEY UPDATE;
INSERT INTO instances (id, tenant_id, name, slug, image, provider_name, provider_ref, region, node, state, status_message, cpu_millis, memory_mb, disk_mb, replicas, ports, env, labels, endpoints, current_release_id, version, created_at, updated_at) SELECT 'inst_pgb' || :n::text || '_' || k, tid, 'pgb-' || :n::text || '_' || k, 'pgb-' || :n::text || '_' || k, 'hello:1.0', 'noop', NULL, '', 'bench', 'provisioning', NULL, 500, 256, 1024, 1, '[]', '{}', '{}', '[]', 'rel_pgb' || :n::text || '_' || k, 1, now(), now() FROM (SELECT id AS tid, row_number() OVER (ORDER BY id) AS k FROM (SELECT id FROM tenants ORDER BY id OFFSET :t LIMIT 16) x) y;
INSERT INTO releases (id, tenant_id, instance_id, version, image, env, notes, commit_sha, source, rolled_back_from, created_at) SELECT 'rel_pgb' || :n::text || '_' || k, tid, 'inst_pgb' || :n::text || '_' || k, 1, 'hello:1.0', '{}', NULL, NULL, 'initial', NULL, now() FROM (SELECT id AS tid, row_number() OVER (ORDER BY id) AS k FROM (SELECT id FROM tenants ORDER BY id OFFSET :t LIMIT 16) x) y;
INSERT INTO events (id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at) SELECT 'evt_' || e || :n::text || '_' || k, 'instance.created', tid, 'inst_pgb' || :n::text || '_' || k, 'inst_pgb' || :n::text || '_' || k, 'alice', (SELECT data FROM pgb_json WHERE pgb_json.k = e), 'bench', now() FROM (SELECT id AS tid, row_number() OVER (ORDER BY id) AS k FROM (SELECT id FROM tenants ORDER BY id OFFSET :t LIMIT 16) x) y, generate_series(1, 2) e;
SELECT pg_advisory_xact_lock(hashtextextended('audit:' || id, 0)) FROM (SELECT id FROM tenants ORDER BY id OFFSET :t LIMIT 16) x ORDER BY id;
SELECT x.id, h.hash FROM (SELECT id FROM tenants ORDER BY id OFFSET :t LIMIT 16) x LEFT JOIN LATERAL (SELECT hash FROM audit_log a WHERE a.tenant_id = x.id ORDER BY seq DESC LIMIT 1) h ON true;
INSERT INTO audit_log (id, tenant_id, actor_id, resource, resource_id, action, outcome, request_id, ip_address, details, created_at, prev_hash, hash) SELECT 'aud_pgb' || :n::text || '_' || k, tid, 'alice', 'instance', 'inst_pgb' || :n::text || '_' || k, 'create', 'success', 'req-' || :n::text, '127.0.0.1', '{"name":"probe-1","image":"hello:1.0","provider_name":"noop"}', now(), md5(:n::text) || md5(tid), md5(tid) || md5(:n::text || k) FROM (SELECT id AS tid, row_number() OVER (ORDER BY id) AS k FROM (SELECT id FROM tenants ORDER BY id OFFSET :t LIMIT 16) x) y;
COMMIT;
BEGIN;
UPDATE instances SET state = 'running', version = version + 1, updated_at = now() WHERE id IN (SELECT 'inst_pgb' || :n::text || '_' || k FROM generate_series(1, 16) k) AND version = 1;
INSERT INTO events (id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at) SELECT 'evt_s' || e || :n::text || '_' || k, 'instance.running', 'ten', 'inst_pgb' || :n::text || '_' || k, 'inst_pgb' || :n::text || '_' || k, 'system', (SELECT data FROM pgb_json WHERE pgb_json.k = e + 2), 'bench', now() FROM generate_series(1, 16) k, generate_series(1, 2) e;
COMMIT;
