package dev.ctrlplane.provider.process;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ends a replica's whole process tree: SIGTERM to its group, SIGKILL when it outlives the grace period. */
final class Stopper {

  private static final Logger LOG = LoggerFactory.getLogger(Stopper.class);
  private static final long POLL_MILLIS = 50;
  /** After SIGKILL only the kernel is left to wait for. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final Duration grace;

  Stopper(Vertx vertx, Duration grace) {
    this.vertx = vertx;
    this.grace = grace;
  }

  /** Completes once the replica's processes are gone; never fails. */
  Future<Void> stop(ReplicaProcess process) {
    process.requestStop();
    return vertx.executeBlocking(() -> {
          List<ProcStat> tree = Signals.tree(process);
          Signals.group(process, Signals.TERM);
          return tree;
        }, false)
        .compose(tree -> waitGone(tree, grace).compose(gone -> gone ? Future.<Void>succeededFuture() : kill(process, tree)))
        .recover(err -> {
          LOG.warn("stopping pid {} failed", process.pid(), err);
          return Future.succeededFuture();
        });
  }

  /** Kills what is left of a crashed replica's group (children of a dead leader). */
  Future<Void> killLeftovers(ReplicaProcess process) {
    return vertx.<Void>executeBlocking(() -> {
      Signals.group(process, Signals.KILL);
      return null;
    }, false).recover(err -> Future.succeededFuture());
  }

  private Future<Void> kill(ReplicaProcess process, List<ProcStat> tree) {
    LOG.info("pid {} outlived the {} grace period, sending SIGKILL", process.pid(), Durations.format(grace));
    return vertx.<Void>executeBlocking(() -> {
          Signals.group(process, Signals.KILL);
          Signals.each(tree, Signals.KILL);
          return null;
        }, false)
        .compose(v -> waitGone(tree, KILL_WAIT))
        .map(gone -> {
          if (!gone) {
            LOG.warn("processes of pid {} still run after SIGKILL", process.pid());
          }
          return null;
        });
  }

  private Future<Boolean> waitGone(List<ProcStat> tree, Duration timeout) {
    return poll(tree, System.nanoTime() + timeout.toNanos());
  }

  private Future<Boolean> poll(List<ProcStat> tree, long deadline) {
    return vertx.executeBlocking(() -> Signals.allGone(tree), false).compose(gone -> {
      if (gone || System.nanoTime() >= deadline) {
        return Future.succeededFuture(gone);
      }
      return vertx.timer(POLL_MILLIS, TimeUnit.MILLISECONDS).compose(v -> poll(tree, deadline));
    });
  }
}
