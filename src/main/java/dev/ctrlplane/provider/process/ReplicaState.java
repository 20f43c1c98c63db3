package dev.ctrlplane.provider.process;

import java.util.Locale;

/** Where a replica is in its life, as reported in {@code Replica.state}. */
enum ReplicaState {
  /** Spawned, not yet listening on its port. */
  STARTING,
  /** Listening (or adopted alive). */
  RUNNING,
  /** Crashed; waiting for its restart backoff. */
  RESTARTING,
  /** Being stopped by the provider. */
  STOPPING;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
