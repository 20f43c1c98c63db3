package dev.ctrlplane.network.cert;

import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A domain's certificate (SPEC §8) as stored: its public facts, the chain as PEM, and its private key sealed. Only
 * {@link #toJson} leaves the feature, and it has neither the key nor the sealed key.
 */
public record Certificate(String id, String tenantId, String domainId, String hostname, String issuer, String serial,
    Instant notBefore, Instant expiresAt, String fingerprintSha256, boolean autoRenew, String source,
    String chainPem, Sealed key, Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("domain_id", domainId)
        .put("hostname", hostname)
        .put("issuer", issuer)
        .put("serial", serial)
        .put("not_before", Times.format(notBefore))
        .put("expires_at", Times.format(expiresAt))
        .put("fingerprint_sha256", fingerprintSha256)
        .put("auto_renew", autoRenew)
        .put("created_at", Times.format(createdAt));
  }

  @Override
  public String toString() {
    return "Certificate[" + id + " for " + hostname + ", serial " + serial + "]";
  }
}
