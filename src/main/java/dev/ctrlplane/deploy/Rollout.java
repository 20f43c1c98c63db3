package dev.ctrlplane.deploy;

import dev.ctrlplane.instance.DesiredSet;
import dev.ctrlplane.provider.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A strategy as a plan over replica sets: the sets the instance runs after each step, worked out from what the
 * deployment started from, so that the plan is the same on every node and a driver that restarts at step {@code i}
 * does exactly what the one before it would have. Pure.
 */
public final class Rollout {

  /**
   * One step: the sets to run, what the step does (for events), whether the new release's replicas must then pass
   * the health gate, and whether the canary is watched for the canary window after it.
   */
  public record Step(String kind, List<DesiredSet> sets, boolean gate, boolean watch) {

    /** How many replicas of {@code releaseId} the step runs. */
    public int count(String releaseId) {
      return sets.stream().filter(s -> s.set().releaseId().equals(releaseId)).mapToInt(s -> s.set().count()).sum();
    }
  }

  private Rollout() {}

  /**
   * The steps from {@code previous} ({@code running} replicas of it serving now; 0 when the instance was not running)
   * to {@code next} (its full count), by {@code strategy}. The last step runs {@code next} alone, serving.
   */
  public static List<Step> plan(Strategy strategy, ReplicaSet previous, int running, ReplicaSet next) {
    return switch (strategy) {
      case RECREATE -> recreate(previous, running, next);
      case ROLLING -> rolling(previous, running, next, false);
      case CANARY -> rolling(previous, running, next, true);
      case BLUE_GREEN -> blueGreen(previous, running, next);
    };
  }

  /** What an undo runs: the previous release whole, serving (or nothing, if it was not running). */
  public static List<DesiredSet> restored(ReplicaSet previous, int running) {
    return sets(serving(previous, running));
  }

  private static List<Step> recreate(ReplicaSet previous, int running, ReplicaSet next) {
    List<Step> steps = new ArrayList<>();
    if (running > 0) {
      steps.add(new Step("stop-old", List.of(), false, false));
    }
    steps.add(new Step("start-new", sets(serving(next, next.count())), true, false));
    return steps;
  }

  /** Surge one: start new replica k beside the old ones, gate it, then stop one old replica. */
  private static List<Step> rolling(ReplicaSet previous, int running, ReplicaSet next, boolean canary) {
    int total = next.count();
    List<Step> steps = new ArrayList<>();
    for (int k = 1; k <= total; k++) {
      int oldBefore = Math.min(running, total - k + 1);
      boolean first = canary && k == 1;
      steps.add(new Step(first ? "canary" : "surge", sets(serving(previous, oldBefore), serving(next, k)), true, first));
      int oldAfter = Math.min(running, total - k);
      if (oldAfter < oldBefore) {
        steps.add(new Step("retire", sets(serving(previous, oldAfter), serving(next, k)), false, false));
      }
    }
    return steps;
  }

  private static List<Step> blueGreen(ReplicaSet previous, int running, ReplicaSet next) {
    int total = next.count();
    List<Step> steps = new ArrayList<>();
    steps.add(new Step("start-green", sets(serving(previous, running),
        new DesiredSet(next.withCount(total), false)), true, false));
    if (running > 0) {
      steps.add(new Step("switch", sets(new DesiredSet(previous.withCount(running), false), serving(next, total)),
          false, false));
    }
    steps.add(new Step("retire-blue", sets(serving(next, total)), false, false));
    return steps;
  }

  private static DesiredSet serving(ReplicaSet set, int count) {
    return new DesiredSet(set.withCount(count), true);
  }

  /** The sets that run at least one replica. */
  private static List<DesiredSet> sets(DesiredSet... sets) {
    List<DesiredSet> running = new ArrayList<>();
    for (DesiredSet set : sets) {
      if (set.set().count() > 0) {
        running.add(set);
      }
    }
    return running;
  }
}
