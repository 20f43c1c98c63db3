-- Custom domains and their certificates (SPEC §8). A domain belongs to its instance and goes with it; a hostname is
-- unique across all tenants (domains_hostname). challenge is the value the owner publishes in the TXT record
-- _ctrlplane-challenge.<hostname>; it is not a secret (anyone can read it in DNS once published).
CREATE TABLE domains (
  id           TEXT PRIMARY KEY,
  tenant_id    TEXT NOT NULL,
  instance_id  TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
  hostname     TEXT NOT NULL,
  tls_enabled  BOOLEAN NOT NULL,
  verified     BOOLEAN NOT NULL DEFAULT false,
  challenge    TEXT NOT NULL,
  verified_at  TIMESTAMPTZ,
  created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX domains_hostname ON domains (hostname);
CREATE INDEX domains_instance ON domains (instance_id, created_at);
CREATE INDEX domains_tenant ON domains (tenant_id) WHERE verified;

-- The tenant's domain count, kept like the secret counter of V005: by trigger, in the transaction of the change. Every
-- writer of domains locks the tenant row (FOR NO KEY UPDATE, Tenancy.requireRoomFor or requireActive) first, and an
-- instance delete (whose cascade fires this) locks it too.
ALTER TABLE tenants ADD COLUMN used_domains BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION domains_count_usage() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE tenants SET used_domains = used_domains - 1 WHERE id = OLD.tenant_id;
  ELSE
    UPDATE tenants SET used_domains = used_domains + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER domains_usage AFTER INSERT OR DELETE ON domains
  FOR EACH ROW EXECUTE FUNCTION domains_count_usage();

-- Certificates: the current one of a domain is its newest row (an issue or renewal deletes the older ones in its
-- transaction). The private key is sealed with the secrets master key (crypto/KeyRing, AES-256-GCM), associated data
-- (purpose, certificate id, domain id, hostname), so it never lies in the database in plain text. chain_pem is the
-- leaf followed by its issuers: public.
CREATE TABLE certificates (
  id                 TEXT PRIMARY KEY,
  tenant_id          TEXT NOT NULL,
  domain_id          TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  issuer             TEXT NOT NULL,
  serial             TEXT NOT NULL,
  not_before         TIMESTAMPTZ NOT NULL,
  expires_at         TIMESTAMPTZ NOT NULL,
  fingerprint_sha256 TEXT NOT NULL,
  auto_renew         BOOLEAN NOT NULL,
  source             TEXT NOT NULL CHECK (source IN ('builtin', 'acme')),
  chain_pem          TEXT NOT NULL,
  key_id             TEXT NOT NULL,
  nonce              BYTEA NOT NULL,
  ciphertext         BYTEA NOT NULL,
  -- renewals that failed in a row, and when cert.expiring was last emitted for it
  renew_failures     INT NOT NULL DEFAULT 0,
  expiring_noticed   TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX certificates_domain ON certificates (domain_id, created_at DESC);
CREATE INDEX certificates_expiry ON certificates (expires_at) WHERE auto_renew;

-- The built-in certificate authority: one root for the whole cluster, made by the first node that needs it (INSERT
-- ... ON CONFLICT DO NOTHING, then every node reads the winner). Its key is sealed like the certificates' keys.
CREATE TABLE certificate_authority (
  name        TEXT PRIMARY KEY,
  cert_pem    TEXT NOT NULL,
  key_id      TEXT NOT NULL,
  nonce       BYTEA NOT NULL,
  ciphertext  BYTEA NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);
