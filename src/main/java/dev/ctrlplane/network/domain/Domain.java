package dev.ctrlplane.network.domain;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * A custom domain of an instance (SPEC §8). It is {@code verified} once the TXT record
 * {@code _ctrlplane-challenge.<hostname>} holds {@code challenge}; {@code certExpiry} is its current certificate's
 * expiry (null without one).
 */
public record Domain(String id, String tenantId, String instanceId, String hostname, boolean tlsEnabled,
    boolean verified, String challenge, Instant verifiedAt, Instant createdAt, Instant certExpiry) {

  /** The name of the TXT record that proves ownership. */
  public static final String CHALLENGE_LABEL = "_ctrlplane-challenge";

  static final String COLUMNS = "d.id, d.tenant_id, d.instance_id, d.hostname, d.tls_enabled, d.verified, "
      + "d.challenge, d.verified_at, d.created_at, "
      + "(SELECT max(c.expires_at) FROM certificates c WHERE c.domain_id = d.id)";

  public String recordName() {
    return CHALLENGE_LABEL + "." + hostname;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("instance_id", instanceId)
        .put("hostname", hostname)
        .put("verified", verified)
        .put("verification", new JsonObject().put("type", "TXT").put("record_name", recordName())
            .put("record_value", challenge))
        .put("verified_at", verifiedAt == null ? null : Times.format(verifiedAt))
        .put("tls_enabled", tlsEnabled)
        .put("cert_expiry", certExpiry == null ? null : Times.format(certExpiry))
        .put("created_at", Times.format(createdAt));
  }

  Domain verifiedAt(Instant at) {
    return new Domain(id, tenantId, instanceId, hostname, tlsEnabled, true, challenge, at, createdAt, certExpiry);
  }

  public Domain withCertExpiry(Instant expiry) {
    return new Domain(id, tenantId, instanceId, hostname, tlsEnabled, verified, challenge, verifiedAt, createdAt,
        expiry);
  }

  static Domain fromRow(Row r) {
    return new Domain(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4),
        r.getBoolean(5), r.getString(6), instant(r, 7), r.getOffsetDateTime(8).toInstant(), instant(r, 9));
  }

  private static Instant instant(Row r, int column) {
    return r.getOffsetDateTime(column) == null ? null : r.getOffsetDateTime(column).toInstant();
  }
}
