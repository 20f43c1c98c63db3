package dev.ctrlplane.instance;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Filters of {@code GET /v1/instances}: all present filters must match; {@code labels} each by containment. */
public record InstanceQuery(String tenantId, InstanceState state, String provider, List<JsonObject> labels) {

  /** Every instance of one tenant, and nothing else filtered. */
  public boolean wholeTenant() {
    return tenantId != null && state == null && provider == null && labels.isEmpty();
  }
}
