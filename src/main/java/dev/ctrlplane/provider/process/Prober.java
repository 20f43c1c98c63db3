package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.ProviderException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits until a replica accepts TCP connections on its port, which is what "up" means for this provider. */
final class Prober {

  private enum Outcome { UP, EXITED, TIMED_OUT, INTERRUPTED }

  private static final long RETRY_MILLIS = 100;

  private final Vertx vertx;
  private final NetClient net;
  private final String host;
  private final Duration timeout;
  private final Launcher launcher;

  Prober(Vertx vertx, NetClient net, String host, Duration timeout, Launcher launcher) {
    this.vertx = vertx;
    this.net = net;
    this.host = host;
    this.timeout = timeout;
    this.launcher = launcher;
  }

  /**
   * Succeeds once the slot's process listens, marking the slot running; fails with a {@link ProviderException} that
   * names the replica and says why not: its exit code and last stderr line, or the timeout.
   */
  Future<Void> awaitUp(ReplicaSlot slot) {
    ReplicaProcess process = slot.process();
    if (process == null) {
      return Future.failedFuture(new ProviderException("replica " + slot.index() + " is not running"));
    }
    long interruptions = slot.instance().interruptions();
    return attempt(slot, process, interruptions, System.nanoTime() + timeout.toNanos()).compose(outcome -> switch (outcome) {
      case UP -> {
        slot.state(ReplicaState.RUNNING);
        yield Future.<Void>succeededFuture();
      }
      case TIMED_OUT -> Future.<Void>failedFuture(new ProviderException("replica " + slot.index()
          + " did not listen on port " + slot.port() + " within " + Durations.format(timeout)));
      case INTERRUPTED -> Future.<Void>failedFuture(new ProviderException("replica " + slot.index()
          + " had not listened on port " + slot.port() + " when the wait for it was interrupted"));
      case EXITED -> vertx.executeBlocking(() -> exitMessage(slot, process), false)
          .compose(message -> Future.<Void>failedFuture(new ProviderException(message)));
    });
  }

  private Future<Outcome> attempt(ReplicaSlot slot, ReplicaProcess process, long interruptions, long deadline) {
    if (process.exit().isComplete()) {
      return Future.succeededFuture(Outcome.EXITED);
    }
    if (slot.instance().interruptions() != interruptions) {
      return Future.succeededFuture(Outcome.INTERRUPTED);
    }
    return net.connect(slot.port(), host)
        .compose(NetSocket::close)
        .map(Outcome.UP)
        .recover(err -> {
          if (process.exit().isComplete()) {
            return Future.succeededFuture(Outcome.EXITED);
          }
          if (System.nanoTime() >= deadline) {
            return Future.succeededFuture(Outcome.TIMED_OUT);
          }
          return vertx.timer(RETRY_MILLIS, TimeUnit.MILLISECONDS)
              .compose(v -> attempt(slot, process, interruptions, deadline));
        });
  }

  private String exitMessage(ReplicaSlot slot, ReplicaProcess process) {
    String line = launcher.lastStderrLine(slot.instance().id(), slot.index());
    return "replica " + slot.index() + " exited with " + process.describeExit() + " before listening on port "
        + slot.port() + (line.isEmpty() ? "" : "; last stderr line: " + line);
  }
}
