package dev.ctrlplane.instance;

import io.vertx.core.json.JsonObject;

/** Filters of {@code GET /v1/instances}: all present filters must match; {@code labels} by containment. */
public record InstanceQuery(String tenantId, InstanceState state, String provider, JsonObject labels) {}
