package dev.ctrlplane.health;

import dev.ctrlplane.provider.Replica;
import java.time.Instant;
import java.util.List;

/** One run of one check: what each replica answered. No replicas means the instance runs none now. */
public record CheckRun(HealthCheck check, List<Probed> probed) {

  /** One replica's answer, and when the probe started. */
  public record Probed(Replica replica, ProbeResult result, Instant checkedAt) {

    /** The replica's endpoint as the edge router addresses it, {@code host:port}; null without a port. */
    public String endpoint() {
      return replica.port() <= 0 ? null
          : (replica.host() == null || replica.host().isEmpty() ? "127.0.0.1" : replica.host()) + ":" + replica.port();
    }
  }
}
