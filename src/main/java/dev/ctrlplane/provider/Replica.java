package dev.ctrlplane.provider;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One running copy of an instance, as its provider sees it now. {@code index} is unique among the instance's replicas
 * at any time (a new replica takes an index no current one holds); {@code pid} is 0 where the provider has no process
 * of its own (noop, docker); {@code ready} says the replica serves (for the process provider: it accepts connections
 * on its port and has not crashed since).
 */
public record Replica(int index, String releaseId, long pid, String host, int port, String state, boolean ready,
    Instant startedAt, int restarts) {

  /** Where the replica can be reached; null while it has no port. */
  public Endpoint endpoint() {
    return port <= 0 ? null : new Endpoint("http://" + host + ":" + port, port, "http", false);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("index", index)
        .put("release_id", releaseId)
        .put("pid", pid)
        .put("port", port)
        .put("state", state)
        .put("ready", ready)
        .put("started_at", startedAt == null ? null : startedAt.toString())
        .put("restarts", restarts);
  }
}
