package dev.ctrlplane.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a provider needs to run one instance: its resources per replica, its ports, and the replica sets it
 * should run now (one per release; two while a deployment is under way).
 * Plain configuration only: secrets come from the {@link SecretSource} at each replica start.
 */
public record InstanceSpec(
    String instanceId,
    String tenantId,
    Resources resources,
    List<PortMapping> ports,
    List<ReplicaSet> sets) {

  public InstanceSpec {
    ports = List.copyOf(ports);
    sets = List.copyOf(sets);
    if (sets.stream().map(ReplicaSet::releaseId).distinct().count() < sets.size()) {
      throw new IllegalArgumentException("two replica sets of one release");
    }
  }

  /** An instance running {@code resources.replicas()} replicas of one release. */
  public static InstanceSpec single(String instanceId, String tenantId, String releaseId, String image,
      Map<String, String> env, Resources resources, List<PortMapping> ports) {
    return new InstanceSpec(instanceId, tenantId, resources, ports,
        List.of(new ReplicaSet(releaseId, image, env, resources.replicas())));
  }

  /** How many replicas the sets add up to. */
  public int replicas() {
    return sets.stream().mapToInt(ReplicaSet::count).sum();
  }

  /** The set of a release, if the spec names it. */
  public Optional<ReplicaSet> set(String releaseId) {
    return sets.stream().filter(set -> set.releaseId().equals(releaseId)).findFirst();
  }
}
