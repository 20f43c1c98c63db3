package dev.ctrlplane.health;

import java.util.Collection;

/**
 * A check's status over the replicas it last saw, and the instance's over its checks (SPEC §6): all healthy →
 * healthy, all unhealthy → unhealthy, a mix → degraded, nothing seen yet → unknown.
 */
public enum CheckStatus {
  HEALTHY("healthy"),
  DEGRADED("degraded"),
  UNHEALTHY("unhealthy"),
  UNKNOWN("unknown");

  private final String wire;

  CheckStatus(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Over replicas' standings of one check. */
  static CheckStatus ofStandings(Collection<ReplicaStanding> standings) {
    long healthy = standings.stream().filter(ReplicaStanding::healthy).count();
    return of(healthy, standings.size() - healthy);
  }

  /** Over the statuses of several checks; the unknown ones are left out. */
  static CheckStatus ofChecks(Collection<CheckStatus> statuses) {
    if (statuses.contains(DEGRADED)) {
      return DEGRADED;
    }
    return of(statuses.stream().filter(s -> s == HEALTHY).count(),
        statuses.stream().filter(s -> s == UNHEALTHY).count());
  }

  private static CheckStatus of(long healthy, long unhealthy) {
    if (healthy == 0 && unhealthy == 0) {
      return UNKNOWN;
    }
    return unhealthy == 0 ? HEALTHY : healthy == 0 ? UNHEALTHY : DEGRADED;
  }
}
