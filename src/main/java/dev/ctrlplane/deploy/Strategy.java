package dev.ctrlplane.deploy;

import dev.ctrlplane.bus.ApiException;
import java.util.Arrays;

/** How a deployment replaces the instance's replicas (SPEC §5); {@link Rollout} turns each into steps. */
public enum Strategy {
  /** Stop every old replica, then start the new ones. */
  RECREATE("recreate"),
  /** One at a time, surge one: a new replica is healthy before an old one stops. */
  ROLLING("rolling"),
  /** A whole new set, healthy but out of traffic, then traffic switches at once and the old set stops. */
  BLUE_GREEN("blue-green"),
  /** One new replica beside the old set, taking its share of traffic, watched for the canary window; then rolling. */
  CANARY("canary");

  private final String wire;

  Strategy(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Strategy of(String wire) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst()
        .orElseThrow(() -> ApiException.invalidField("strategy",
            "must be rolling, blue-green, canary or recreate, not '" + wire + "'"));
  }
}
