package dev.ctrlplane.store;

import dev.ctrlplane.audit.AuditEntry;
import dev.ctrlplane.bus.Call;
import io.vertx.core.json.JsonObject;

/** Builds audit entries from the call that caused them: actor, request id and client address come from the call. */
public final class Audits {

  private Audits() {}

  public static AuditEntry entry(Call call, String tenantId, String resource, String resourceId, String action,
      String outcome, JsonObject details) {
    return new AuditEntry(
        TypeId.generate("aud"),
        tenantId,
        call.principal().subject(),
        resource,
        resourceId,
        action,
        outcome,
        call.requestId(),
        call.clientIp(),
        details == null ? new JsonObject() : details,
        Times.now());
  }
}
