package dev.ctrlplane.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.ReplicaPlan.Current;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaPlanTest {

  private static final ReplicaSet A2 = new ReplicaSet("rel_a", "app:1", Map.of(), 2);
  private static final ReplicaSet B1 = new ReplicaSet("rel_b", "app:2", Map.of("V", "2"), 1);

  private static Current live(int index, String release) {
    return new Current(index, release, release.equals("rel_a") ? "app:1" : "app:2", true);
  }

  @Test
  void aSteadyInstanceKeepsEveryReplica() {
    ReplicaPlan plan = ReplicaPlan.of(List.of(live(0, "rel_a"), live(1, "rel_a")), List.of(A2));

    assertEquals(Map.of(0, A2, 1, A2), plan.keep());
    assertTrue(plan.isSteady());
  }

  @Test
  void aNewReleaseStartsBesideTheOldWithAnIndexNoReplicaHolds() {
    ReplicaPlan plan = ReplicaPlan.of(List.of(live(0, "rel_a"), live(1, "rel_a")), List.of(A2, B1));

    assertEquals(Map.of(0, A2, 1, A2), plan.keep());
    assertEquals(List.of(), plan.stop());
    assertEquals(Map.of(2, B1), plan.start());
  }

  @Test
  void loweringASetStopsItsHighestIndexAndLeavesTheOtherSetAlone() {
    ReplicaPlan plan = ReplicaPlan.of(List.of(live(0, "rel_a"), live(1, "rel_a"), live(2, "rel_b")),
        List.of(A2.withCount(1), B1));

    assertEquals(Map.of(0, A2.withCount(1), 2, B1), plan.keep());
    assertEquals(List.of(1), plan.stop());
    assertEquals(Map.of(), plan.start());
  }

  @Test
  void aReleaseNoSetNamesStopsHighestIndexFirstAndFreedIndexesAreNotReusedInThePlan() {
    ReplicaPlan plan = ReplicaPlan.of(List.of(live(0, "rel_a"), live(1, "rel_a"), live(3, "rel_b")),
        List.of(B1.withCount(3)));

    assertEquals(List.of(1, 0), plan.stop());
    assertEquals(Map.of(3, B1.withCount(3)), plan.keep());
    assertEquals(Map.of(2, B1.withCount(3), 4, B1.withCount(3)), plan.start());
  }

  @Test
  void liveReplicasAreKeptBeforeDeadOnes() {
    Current dead = new Current(0, "rel_a", "app:1", false);
    ReplicaPlan plan = ReplicaPlan.of(List.of(dead, live(1, "rel_a")), List.of(A2.withCount(1)));

    assertEquals(Map.of(1, A2.withCount(1)), plan.keep());
    assertEquals(List.of(0), plan.stop());
  }

  @Test
  void aReplicaAdoptedWithoutAReleaseBelongsToTheFirstSetWithItsImage() {
    Current legacy = new Current(0, null, "app:2", true);
    ReplicaPlan plan = ReplicaPlan.of(List.of(legacy, live(1, "rel_a")), List.of(A2, B1));

    assertEquals(Map.of(0, B1, 1, A2), plan.keep());
    assertEquals(Map.of(2, A2), plan.start());
    assertEquals(List.of(), plan.stop());
  }

  @Test
  void anEmptySetStopsEverything() {
    ReplicaPlan plan = ReplicaPlan.of(List.of(live(0, "rel_a"), live(1, "rel_a")), List.of(A2.withCount(0)));

    assertEquals(List.of(1, 0), plan.stop());
    assertEquals(Map.of(), plan.keep());
  }
}
