package dev.ctrlplane.provider;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The runtime that runs an instance's replicas. Providers report facts; the control plane owns desired state and
 * reconciles the two, so every operation is idempotent: starting an instance that already runs its replicas adopts
 * them, stopping one that runs nothing succeeds.
 *
 * <p>Failures are {@link ProviderException}s. Every method is safe to call from an event-loop thread: blocking work
 * (spawning processes, file I/O) happens on worker threads inside the implementation.
 */
public interface Provider {

  /** The name instances refer to in {@code provider_name}. */
  String name();

  /** What this provider can do, for {@code GET /v1/admin/providers}. */
  List<String> capabilities();

  /** Whether the provider can take work now. */
  Future<ProviderHealth> health();

  /**
   * Whether the provider can start replicas now, asked before a start, restart, scale or unsuspend is accepted: a
   * provider whose runtime is away (a docker engine that does not answer) fails with a {@link ProviderException},
   * which the API answers 503 {@code provider_unavailable}.
   */
  default Future<Void> available() {
    return Future.succeededFuture();
  }

  /** Checks a spec before anything is stored: an image that cannot run is a bad request, not a failed instance. */
  Future<Void> validate(InstanceSpec spec);

  /**
   * Makes the instance's replicas match the spec's replica sets (see {@link ReplicaPlan} for which replica goes
   * where): for each set, its release's running replicas up to its count are kept, the missing ones start beside
   * them, and replicas of releases the spec does not name, or above a set's count, stop. So one call can start N
   * replicas of a new release beside the current ones, or stop one replica of the old. Completes once every replica
   * of every set is ready, or fails; on failure the replicas this call started are stopped again and the others are
   * left as they were.
   */
  Future<RunningInstance> apply(InstanceSpec spec);

  /** Stops every replica and starts the spec's replica sets again (with a possibly changed env). */
  Future<RunningInstance> restart(InstanceSpec spec);

  /**
   * Stops waiting for the instance's starting replicas: an {@code apply} or {@code restart} in flight fails at once,
   * removing the replicas it started, as if they had not come up in time; ready replicas are left alone. For a
   * deployment that is cancelled, or whose new replicas ran out of time, while a replica is still starting.
   */
  default void interrupt(String instanceId) {}

  /** Stops every replica of the instance (graceful, then forced after a grace period). Idempotent. */
  Future<Void> stop(String instanceId);

  /** Stops the instance and removes everything the provider keeps for it. An unknown instance is a success. */
  Future<Void> destroy(String instanceId);

  /** The replicas the provider runs for the instance now, each with its release and readiness (empty when none). */
  Future<RunningInstance> status(String instanceId);

  /**
   * Instances this provider holds replicas or state for on this node, including replicas adopted at start-up from a
   * control plane that was killed. The reconciler stops those the store no longer wants running.
   */
  Set<String> instanceIds();

  /** Completes once the provider has found what an earlier control plane left running (adoption). */
  default Future<Void> ready() {
    return Future.succeededFuture();
  }

  /**
   * Stops supervising without stopping replicas, for a control-plane shutdown: the next start adopts them. Calls
   * after this fail.
   */
  default Future<Void> detach() {
    return Future.succeededFuture();
  }

  /** Registers the listener told about failures found by supervision, outside any call. */
  void setListener(ProviderListener listener);

  /**
   * Installs where the provider gets an instance's decrypted secrets before each replica start. A provider that
   * starts nothing ignores it.
   */
  default void setSecretSource(SecretSource source) {}

  /** The provider's logs and resource samples of replicas, when it has them. */
  default Optional<ReplicaTelemetry> telemetry() {
    return Optional.empty();
  }
}
