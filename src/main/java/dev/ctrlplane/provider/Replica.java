package dev.ctrlplane.provider;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One running copy of an instance. {@code pid} is 0 where the provider has no process (noop, docker). */
public record Replica(int index, long pid, int port, String state, Instant startedAt, int restarts) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("index", index)
        .put("pid", pid)
        .put("port", port)
        .put("state", state)
        .put("started_at", startedAt == null ? null : startedAt.toString())
        .put("restarts", restarts);
  }
}
