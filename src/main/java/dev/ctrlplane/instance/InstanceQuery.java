package dev.ctrlplane.instance;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Filters of {@code GET /v1/instances}: all present filters must match; {@code labels} each by containment. */
public record InstanceQuery(String tenantId, InstanceState state, String provider, List<JsonObject> labels) {}
