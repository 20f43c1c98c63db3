package dev.ctrlplane.provider;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/** What a provider runs for one instance right now: every replica of every release, in index order. */
public record RunningInstance(String providerRef, List<Replica> replicas) {

  public RunningInstance {
    replicas = replicas.stream().sorted(Comparator.comparingInt(Replica::index)).toList();
  }

  public static RunningInstance none(String providerRef) {
    return new RunningInstance(providerRef, List.of());
  }

  /** The endpoints of the ready replicas. */
  public List<Endpoint> endpoints() {
    return endpointsOf(releaseId -> true);
  }

  /** The endpoints of the ready replicas of the releases that {@code serving} accepts (the ones taking traffic). */
  public List<Endpoint> endpointsOf(Predicate<String> serving) {
    return replicas.stream()
        .filter(r -> r.ready() && serving.test(r.releaseId()))
        .map(Replica::endpoint)
        .filter(Objects::nonNull)
        .toList();
  }

  /** The replicas of one release. */
  public List<Replica> of(String releaseId) {
    return replicas.stream().filter(r -> releaseId.equals(r.releaseId())).toList();
  }
}
