package dev.ctrlplane.provider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a provider does to make an instance's replicas match the replica sets of a spec, worked out once for every
 * provider: which current replicas stay (and in which set), which stop, and which new ones start with which index.
 * Pure: providers carry the plan out their own way.
 *
 * <p>Rules: a replica belongs to the set of its release (a replica adopted from a control plane too old to record
 * releases belongs to the first set with its image). Each set keeps up to its count of its replicas, live ones before
 * dead ones, lowest index first; the rest stop, and so does every replica of a release no set names. Missing replicas
 * start with the lowest indexes that no current replica holds, so an index never names two replicas at once.
 */
public record ReplicaPlan(Map<Integer, ReplicaSet> keep, List<Integer> stop, Map<Integer, ReplicaSet> start) {

  /** A replica the provider holds now. {@code releaseId} is null when it does not know (a legacy adoption). */
  public record Current(int index, String releaseId, String image, boolean alive) {}

  public static ReplicaPlan of(Collection<Current> current, List<ReplicaSet> sets) {
    Map<Integer, ReplicaSet> keep = new TreeMap<>();
    List<Current> unassigned = new ArrayList<>(current);
    unassigned.sort(Comparator.comparing((Current c) -> !c.alive()).thenComparingInt(Current::index));
    Map<ReplicaSet, Integer> missing = new java.util.LinkedHashMap<>();
    for (ReplicaSet set : sets) {
      List<Current> members = unassigned.stream().filter(c -> belongs(c, set)).limit(set.count()).toList();
      members.forEach(c -> keep.put(c.index(), set));
      unassigned.removeAll(members);
      missing.put(set, set.count() - members.size());
    }
    List<Integer> stop = unassigned.stream().map(Current::index).sorted(Comparator.reverseOrder()).toList();
    return new ReplicaPlan(keep, stop, newReplicas(current, missing));
  }

  /** Whether the plan changes nothing. */
  public boolean isSteady() {
    return stop.isEmpty() && start.isEmpty();
  }

  private static boolean belongs(Current replica, ReplicaSet set) {
    return replica.releaseId() == null ? set.image().equals(replica.image()) : set.releaseId().equals(replica.releaseId());
  }

  private static Map<Integer, ReplicaSet> newReplicas(Collection<Current> current, Map<ReplicaSet, Integer> missing) {
    Set<Integer> taken = new HashSet<>();
    current.forEach(c -> taken.add(c.index()));
    Map<Integer, ReplicaSet> start = new TreeMap<>();
    int next = 0;
    for (Map.Entry<ReplicaSet, Integer> entry : missing.entrySet()) {
      for (int i = 0; i < entry.getValue(); i++) {
        while (taken.contains(next)) {
          next++;
        }
        start.put(next, entry.getKey());
        taken.add(next);
      }
    }
    return start;
  }
}
