package dev.ctrlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.instance.DesiredSet;
import dev.ctrlplane.provider.ReplicaSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each strategy as steps over replica sets: what runs, and what serves, after every step. */
class RolloutTest {

  private static final ReplicaSet OLD = new ReplicaSet("rel_old", "app:1", Map.of(), 3);
  private static final ReplicaSet NEW = new ReplicaSet("rel_new", "app:2", Map.of(), 3);

  /** "kind old×n(s) new×m" per step, (s) marking a set that serves. */
  private static List<String> described(List<Rollout.Step> steps) {
    return steps.stream().map(step -> {
      StringBuilder text = new StringBuilder(step.kind());
      for (DesiredSet set : step.sets()) {
        text.append(' ').append(set.set().releaseId().substring(4)).append('×').append(set.set().count())
            .append(set.serving() ? "(s)" : "");
      }
      return text.append(step.gate() ? " gate" : "").append(step.watch() ? " watch" : "").toString();
    }).toList();
  }

  @Test
  void rollingSurgesOneNewReplicaBeforeEachOldOneStops() {
    assertEquals(List.of(
        "surge old×3(s) new×1(s) gate",
        "retire old×2(s) new×1(s)",
        "surge old×2(s) new×2(s) gate",
        "retire old×1(s) new×2(s)",
        "surge old×1(s) new×3(s) gate",
        "retire new×3(s)"), described(Rollout.plan(Strategy.ROLLING, OLD, 3, NEW)));
  }

  @Test
  void rollingNeverServesFewerReplicasThanAskedFor() {
    for (Rollout.Step step : Rollout.plan(Strategy.ROLLING, OLD, 3, NEW)) {
      int serving = step.sets().stream().filter(DesiredSet::serving).mapToInt(s -> s.set().count()).sum();
      assertTrue(serving >= 3, step.toString());
    }
  }

  @Test
  void blueGreenStartsAWholeSetOutOfTrafficThenSwitchesAtOnce() {
    assertEquals(List.of(
        "start-green old×3(s) new×3 gate",
        "switch old×3 new×3(s)",
        "retire-blue new×3(s)"), described(Rollout.plan(Strategy.BLUE_GREEN, OLD, 3, NEW)));
  }

  @Test
  void canaryWatchesOneNewReplicaThenContinuesAsRolling() {
    assertEquals(List.of(
        "canary old×3(s) new×1(s) gate watch",
        "retire old×2(s) new×1(s)",
        "surge old×2(s) new×2(s) gate",
        "retire old×1(s) new×2(s)",
        "surge old×1(s) new×3(s) gate",
        "retire new×3(s)"), described(Rollout.plan(Strategy.CANARY, OLD, 3, NEW)));
  }

  @Test
  void recreateStopsEverythingThenStartsTheNewSet() {
    assertEquals(List.of("stop-old", "start-new new×3(s) gate"),
        described(Rollout.plan(Strategy.RECREATE, OLD, 3, NEW)));
  }

  @Test
  void fromAnInstanceThatWasNotRunningNothingOldIsKeptOrRestored() {
    assertEquals(List.of(
        "surge new×1(s) gate", "surge new×2(s) gate", "surge new×3(s) gate"),
        described(Rollout.plan(Strategy.ROLLING, OLD, 0, NEW)));
    assertEquals(List.of("start-new new×3(s) gate"), described(Rollout.plan(Strategy.RECREATE, OLD, 0, NEW)));
    assertEquals(List.of(), Rollout.restored(OLD, 0));
    assertEquals(List.of(new DesiredSet(OLD, true)), Rollout.restored(OLD, 3));
  }
}
