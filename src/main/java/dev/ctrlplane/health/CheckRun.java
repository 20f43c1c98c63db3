package dev.ctrlplane.health;

import dev.ctrlplane.provider.Replica;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of one check: what each replica answered (no replicas: the instance runs none now), and the due time the
 * scheduler ran it for (null for a manual run).
 */
public record CheckRun(HealthCheck check, List<Probed> probed, Instant dueAt) {

  CheckRun scheduledFor(Instant due) {
    return new CheckRun(check, probed, due);
  }


  /** One replica's answer, and when the probe started. */
  public record Probed(Replica replica, ProbeResult result, Instant checkedAt) {

    /** The replica's endpoint as the edge router addresses it, {@code host:port}; null without a port. */
    public String endpoint() {
      return replica.port() <= 0 ? null
          : (replica.host() == null || replica.host().isEmpty() ? "127.0.0.1" : replica.host()) + ":" + replica.port();
    }
  }

  /** The run as JSON, to travel in a scheduler outcome to the batch that records it. */
  JsonObject toJson() {
    JsonArray all = new JsonArray();
    for (Probed p : probed) {
      Replica r = p.replica();
      ProbeResult res = p.result();
      all.add(new JsonObject().put("index", r.index()).put("release_id", r.releaseId()).put("host", r.host())
          .put("port", r.port()).put("state", r.state()).put("healthy", res.healthy())
          .put("latency_ms", res.latencyMs()).put("status_code", res.statusCode()).put("message", res.message())
          .put("at", p.checkedAt().toEpochMilli()));
    }
    return new JsonObject().put("check", check.toJson()).put("probed", all)
        .put("due", dueAt == null ? null : dueAt.toEpochMilli());
  }

  static CheckRun fromJson(JsonObject json) {
    List<Probed> probed = new ArrayList<>();
    for (Object o : json.getJsonArray("probed")) {
      JsonObject p = (JsonObject) o;
      Replica replica = new Replica(p.getInteger("index"), p.getString("release_id"), 0, p.getString("host"),
          p.getInteger("port"), p.getString("state"), true, null, 0);
      probed.add(new Probed(replica, new ProbeResult(p.getBoolean("healthy"), p.getLong("latency_ms"),
          p.getInteger("status_code"), p.getString("message")), Instant.ofEpochMilli(p.getLong("at"))));
    }
    Long due = json.getLong("due");
    return new CheckRun(HealthCheck.fromJson(json.getJsonObject("check")), probed,
        due == null ? null : Instant.ofEpochMilli(due));
  }
}
