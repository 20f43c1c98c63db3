-- The ceiling's insert (docs/BENCHMARKS.md).
\set n random(1, 1000000000000)
INSERT INTO bench_ceiling (id, tenant_id, name, slug, image, provider_name, provider_ref, region, node, state, status_message, cpu_millis, memory_mb, disk_mb, replicas, ports, env, labels, endpoints, current_release_id, version, created_at, updated_at) VALUES ('inst_pgb' || :n, 'ten_ceiling', 'pgb-' || :n, 'pgb-' || :n, 'hello:1.0', 'noop', NULL, '', 'ceiling', 'provisioning', NULL, 500, 256, 1024, 1, '[]', '{}', '{}', '[]', 'rel_pgb' || :n, 1, now(), now());
