package dev.ctrlplane.deploy;

import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.provider.Replica;
import io.vertx.core.Future;

/**
 * Says whether one replica of an instance is healthy now, with one probe: what a deployment waits for before it stops
 * an old replica. Never fails: a probe that cannot run is an unhealthy answer with its reason.
 */
public interface ReplicaGate {

  /** One probe's answer; {@code reason} says why not when unhealthy. */
  record Verdict(boolean healthy, String reason) {
    public static Verdict ok() {
      return new Verdict(true, null);
    }

    public static Verdict failing(String reason) {
      return new Verdict(false, reason);
    }
  }

  Future<Verdict> probe(Instance instance, Replica replica);
}
