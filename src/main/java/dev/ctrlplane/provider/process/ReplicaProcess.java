package dev.ctrlplane.provider.process;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;

/**
 * One OS process running a replica, the leader of its own process group (pid == pgid). Either a child this provider
 * spawned (exit code known) or a process adopted from a previous control plane (exit code unknown).
 */
final class ReplicaProcess {

  private static final long ADOPTED_POLL_MILLIS = 500;

  private final long pid;
  private final long startTicks;
  private final Instant startedAt;
  private final boolean adopted;
  private final Future<Integer> exit;
  private volatile boolean stopRequested;

  private ReplicaProcess(long pid, long startTicks, Instant startedAt, boolean adopted, Future<Integer> exit) {
    this.pid = pid;
    this.startTicks = startTicks;
    this.startedAt = startedAt;
    this.adopted = adopted;
    this.exit = exit;
  }

  static ReplicaProcess spawned(Process process, long startTicks, Context context) {
    Future<Integer> exit = Future.fromCompletionStage(process.onExit().thenApply(Process::exitValue), context);
    return new ReplicaProcess(process.pid(), startTicks, Instant.now(), false, exit);
  }

  /**
   * A process left by a previous control plane. Its exit is noticed by polling /proc, not with
   * {@code ProcessHandle.onExit()}: that one counts a zombie as alive, and an orphan stays a zombie for as long as
   * the process that inherited it does not reap it.
   */
  static ReplicaProcess adopted(Vertx vertx, ReplicaFile file) {
    Promise<Integer> exit = Promise.promise();
    vertx.setPeriodic(ADOPTED_POLL_MILLIS, timer -> vertx
        .executeBlocking(() -> ProcStat.isRunning(file.pid(), file.startTicks()), false)
        .onSuccess(running -> {
          if (!running && exit.tryComplete(null)) {
            vertx.cancelTimer(timer);
          }
        }));
    return new ReplicaProcess(file.pid(), file.startTicks(), file.startedAt(), true, exit.future());
  }

  long pid() {
    return pid;
  }

  long startTicks() {
    return startTicks;
  }

  Instant startedAt() {
    return startedAt;
  }

  /** Completes with the exit code when the process ends; the code is null for an adopted process. */
  Future<Integer> exit() {
    return exit;
  }

  /** The exit, for messages: {@code exit code 3}. */
  String describeExit() {
    Integer code = exit.result();
    if (code != null) {
      return "exit code " + code;
    }
    return adopted ? "exit code unknown (adopted process)" : "exit code unknown";
  }

  /** Marks the coming exit as ours, so supervision does not restart the replica. */
  void requestStop() {
    stopRequested = true;
  }

  boolean stopRequested() {
    return stopRequested;
  }
}
