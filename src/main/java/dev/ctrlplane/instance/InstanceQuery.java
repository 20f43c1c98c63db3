package dev.ctrlplane.instance;

import io.vertx.core.json.JsonObject;

/** Filters of {@code GET /v1/instances}: all present filters must match; {@code labels} by containment. */
public record InstanceQuery(String tenantId, InstanceState state, String provider, JsonObject labels) {

  /** Every instance of one tenant, and nothing else filtered. */
  public boolean wholeTenant() {
    return tenantId != null && state == null && provider == null && labels.isEmpty();
  }
}
