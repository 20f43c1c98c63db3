package dev.ctrlplane.network.edge;

import io.vertx.core.json.JsonObject;

/**
 * One request the edge forwarded (or answered itself: {@code instanceId} null for a 404), for telemetry: the span of
 * the edge in the caller's trace ({@code parentSpanId} is the caller's span, null when it sent no traceparent).
 */
public record EdgeRecord(String instanceId, String routeId, String replica, String method, String host, String path,
    int status, long durationMicros, long bytesIn, long bytesOut, String traceId, String spanId, String parentSpanId,
    long startedAtMillis) {

  public JsonObject toJson() {
    return new JsonObject().put("instance_id", instanceId).put("route_id", routeId).put("replica", replica)
        .put("method", method).put("host", host).put("path", path).put("status", status)
        .put("duration_us", durationMicros).put("bytes_in", bytesIn).put("bytes_out", bytesOut)
        .put("trace_id", traceId).put("span_id", spanId).put("parent_span_id", parentSpanId)
        .put("started_at_ms", startedAtMillis);
  }
}
