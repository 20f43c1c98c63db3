-- One create's SQL as ctrlplane sends it (docs/BENCHMARKS.md): the API's transaction, then the runtime's settle.
\set t random(1, 100)
\set n random(1, 1000000000000)
SELECT id AS tid FROM tenants ORDER BY id OFFSET :t - 1 LIMIT 1 \gset
BEGIN;
SELECT id, status, plan, quota, used_instances, used_cpu_millis, used_memory_mb FROM tenants WHERE id = :tid FOR NO KEY UPDATE;
INSERT INTO instances (id, tenant_id, name, slug, image, provider_name, provider_ref, region, node, state, status_message, cpu_millis, memory_mb, disk_mb, replicas, ports, env, labels, endpoints, current_release_id, version, created_at, updated_at) VALUES ('inst_pgb' || :n::text, :tid, 'pgb-' || :n::text, 'pgb-' || :n::text, 'hello:1.0', 'noop', NULL, '', 'bench', 'provisioning', NULL, 500, 256, 1024, 1, '[]', '{}', '{}', '[]', 'rel_pgb' || :n::text, 1, now(), now());
INSERT INTO releases (id, tenant_id, instance_id, version, image, env, notes, commit_sha, source, rolled_back_from, created_at) VALUES ('rel_pgb' || :n::text, :tid, 'inst_pgb' || :n::text, 1, 'hello:1.0', '{}', NULL, NULL, 'initial', NULL, now());
INSERT INTO events (id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at) VALUES ('evt_a' || :n::text, 'instance.created', :tid, 'inst_pgb' || :n::text, 'inst_pgb' || :n::text, 'alice', (SELECT data FROM pgb_json WHERE k = 1), 'bench', now());
INSERT INTO events (id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at) VALUES ('evt_b' || :n::text, 'instance.state_changed', :tid, 'inst_pgb' || :n::text, 'inst_pgb' || :n::text, 'alice', (SELECT data FROM pgb_json WHERE k = 2), 'bench', now());
SELECT pg_advisory_xact_lock(hashtextextended('audit:' || :tid::text, 0));
SELECT hash FROM audit_log WHERE tenant_id = :tid ORDER BY seq DESC LIMIT 1;
INSERT INTO audit_log (id, tenant_id, actor_id, resource, resource_id, action, outcome, request_id, ip_address, details, created_at, prev_hash, hash) VALUES ('aud_pgb' || :n::text, :tid, 'alice', 'instance', 'inst_pgb' || :n::text, 'create', 'success', 'req-' || :n::text, '127.0.0.1', '{"name":"probe-1","image":"hello:1.0","provider_name":"noop"}', now(), md5(:n::text) || md5(:tid), md5(:tid) || md5(:n::text));
COMMIT;
SELECT * FROM instances WHERE id = 'inst_pgb' || :n::text;
BEGIN;
UPDATE instances SET state = 'running', version = version + 1, updated_at = now() WHERE id = 'inst_pgb' || :n::text AND version = 1;
INSERT INTO events (id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at) VALUES ('evt_c' || :n::text, 'instance.state_changed', :tid, 'inst_pgb' || :n::text, 'inst_pgb' || :n::text, 'system', (SELECT data FROM pgb_json WHERE k = 3), 'bench', now());
INSERT INTO events (id, type, tenant_id, instance_id, resource_id, actor_id, data, node, created_at) VALUES ('evt_d' || :n::text, 'instance.running', :tid, 'inst_pgb' || :n::text, 'inst_pgb' || :n::text, 'system', (SELECT data FROM pgb_json WHERE k = 4), 'bench', now());
COMMIT;
