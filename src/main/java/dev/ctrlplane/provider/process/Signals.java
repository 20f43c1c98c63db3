package dev.ctrlplane.provider.process;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sends signals to replicas' process groups through kill(1). Every method is blocking. */
final class Signals {

  static final String TERM = "TERM";
  static final String KILL = "KILL";
  private static final String KILL_COMMAND = "kill";

  private Signals() {}

  /** Signals the replica's whole process group, its leader too. */
  static void group(ReplicaProcess leader, String signal) {
    Optional<ProcStat> now = ProcStat.read(leader.pid());
    // a reused pid means our group emptied before: a group with that id now belongs to someone else
    if (now.isPresent() && now.get().startTicks() != leader.startTicks()) {
      return;
    }
    // right after the spawn, setsid may not have made the leader a group leader yet
    if (!kill(signal, "-" + leader.pid()) && now.isPresent()) {
      kill(signal, Long.toString(leader.pid()));
    }
  }

  /** The leader and its descendants now, to wait for them all after signalling (children may leave the group). */
  static List<ProcStat> tree(ReplicaProcess leader) {
    List<ProcStat> tree = new ArrayList<>();
    ProcStat.read(leader.pid()).filter(stat -> stat.startTicks() == leader.startTicks()).ifPresent(tree::add);
    ProcessHandle.of(leader.pid()).ifPresent(handle -> handle.descendants()
        .forEach(child -> ProcStat.read(child.pid()).ifPresent(tree::add)));
    return tree;
  }

  /** Signals each process of a {@link #tree} that still runs. */
  static void each(List<ProcStat> tree, String signal) {
    tree.stream()
        .filter(stat -> ProcStat.isRunning(stat.pid(), stat.startTicks()))
        .forEach(stat -> kill(signal, Long.toString(stat.pid())));
  }

  static boolean allGone(List<ProcStat> tree) {
    return tree.stream().noneMatch(stat -> ProcStat.isRunning(stat.pid(), stat.startTicks()));
  }

  private static boolean kill(String signal, String target) {
    try {
      Process kill = new ProcessBuilder(KILL_COMMAND, "-s", signal, "--", target)
          .redirectOutput(Redirect.DISCARD)
          .redirectError(Redirect.DISCARD)
          .start();
      return kill.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
