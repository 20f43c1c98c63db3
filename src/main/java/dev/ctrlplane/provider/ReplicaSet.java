package dev.ctrlplane.provider;

import java.util.Map;

/**
 * The replicas of one release that an instance should run: {@code count} copies of {@code image} with {@code env}. An
 * instance runs one set; while a deployment moves it from one release to another it runs two, side by side.
 *
 * @param releaseId the release the replicas belong to; a provider records it on each replica and keeps it across
 *     adoption, so that a restarted control plane knows which release every running replica is
 * @param env the release's plain configuration; secrets are added by the provider at each spawn, never carried here
 */
public record ReplicaSet(String releaseId, String image, Map<String, String> env, int count) {

  public ReplicaSet {
    env = Map.copyOf(env);
    if (count < 0) {
      throw new IllegalArgumentException("a replica set cannot have " + count + " replicas");
    }
  }

  /** This set with another number of replicas. */
  public ReplicaSet withCount(int replicas) {
    return new ReplicaSet(releaseId, image, env, replicas);
  }
}
