-- Secrets (SPEC §9): values sealed with AES-256-GCM under the master key (crypto/KeyRing); the plaintext is never
-- stored. Each row records the id of the key that sealed it, so a rotation finds what an older key sealed. The
-- associated data bound into each tag is (tenant id, instance id, type, key, version), so a ciphertext copied to
-- another row, instance or version does not open. A secret belongs to its instance and goes with it.
CREATE TABLE secrets (
  id          TEXT PRIMARY KEY,
  tenant_id   TEXT NOT NULL,
  instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('env', 'file')),
  version     INT NOT NULL,
  key_id      TEXT NOT NULL,
  nonce       BYTEA NOT NULL,
  ciphertext  BYTEA NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL,
  UNIQUE (instance_id, key)
);

-- The tenant's secret count, kept like the instance counters of V002: by trigger, in the transaction of the change,
-- so a set that grows usage compares the quota with the counter on the tenant row it holds locked. Every writer of
-- secrets locks the tenant row (FOR NO KEY UPDATE) before touching them, and an instance delete (whose cascade fires
-- this) locks it too, so the UPDATE below never waits on a tenant lock while holding a secret or instance lock.
ALTER TABLE tenants ADD COLUMN used_secrets BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION secrets_count_usage() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE tenants SET used_secrets = used_secrets - 1 WHERE id = OLD.tenant_id;
  ELSE
    UPDATE tenants SET used_secrets = used_secrets + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER secrets_usage AFTER INSERT OR DELETE ON secrets
  FOR EACH ROW EXECUTE FUNCTION secrets_count_usage();
