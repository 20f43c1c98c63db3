package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.ProviderException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a replica's container accepts TCP connections on its published port, which is what "up" means for
 * this provider too. A connection the far side closes at once does not count: Docker's userland proxy accepts on
 * the host port even while nothing in the container listens, then drops the connection.
 */
final class Prober {

  private enum Outcome { UP, EXITED, TIMED_OUT, INTERRUPTED }

  private static final long RETRY_MILLIS = 150;
  private static final long SETTLE_MILLIS = 100;
  private static final int MAX_LINE = 300;

  private final Vertx vertx;
  private final NetClient net;
  private final Engine engine;
  private final String host;
  private final Duration timeout;

  Prober(Vertx vertx, NetClient net, Engine engine, String host, Duration timeout) {
    this.vertx = vertx;
    this.net = net;
    this.engine = engine;
    this.host = host;
    this.timeout = timeout;
  }

  /** Succeeds once the slot's container listens, marking the slot running; fails saying why not. */
  Future<Void> awaitUp(DockerSlot slot) {
    Container container = slot.container();
    if (container == null) {
      return Future.failedFuture(new ProviderException("replica " + slot.index() + " is not running"));
    }
    long interruptions = slot.instance().interruptions();
    return attempt(slot, container, interruptions, System.nanoTime() + timeout.toNanos()).compose(outcome ->
        switch (outcome) {
          case UP -> {
            slot.state(DockerSlot.State.RUNNING);
            yield Future.<Void>succeededFuture();
          }
          case TIMED_OUT -> Future.<Void>failedFuture(new ProviderException("replica " + slot.index()
              + " did not listen on port " + container.hostPort() + " within " + timeout.toSeconds() + "s"));
          case INTERRUPTED -> Future.<Void>failedFuture(new ProviderException("replica " + slot.index()
              + " had not listened on port " + container.hostPort() + " when the wait for it was interrupted"));
          case EXITED -> exitMessage(slot, container)
              .compose(message -> Future.<Void>failedFuture(new ProviderException(message)));
        });
  }

  private Future<Outcome> attempt(DockerSlot slot, Container container, long interruptions, long deadline) {
    if (slot.instance().interruptions() != interruptions) {
      return Future.succeededFuture(Outcome.INTERRUPTED);
    }
    return listens(container.hostPort()).compose(up -> {
      if (up) {
        return Future.succeededFuture(Outcome.UP);
      }
      return running(container).compose(running -> {
        if (!running) {
          return Future.succeededFuture(Outcome.EXITED);
        }
        if (System.nanoTime() >= deadline) {
          return Future.succeededFuture(Outcome.TIMED_OUT);
        }
        return vertx.timer(RETRY_MILLIS, TimeUnit.MILLISECONDS)
            .compose(v -> attempt(slot, container, interruptions, deadline));
      });
    });
  }

  /** Connects, and counts it only if the connection is still open a moment later. */
  private Future<Boolean> listens(int port) {
    if (port <= 0) {
      return Future.succeededFuture(false);
    }
    return net.connect(port, host).compose(this::staysOpen).otherwise(false);
  }

  private Future<Boolean> staysOpen(NetSocket socket) {
    Promise<Boolean> open = Promise.promise();
    socket.closeHandler(v -> open.tryComplete(false));
    socket.handler(data -> open.tryComplete(true)); // it spoke first: someone listens
    vertx.setTimer(SETTLE_MILLIS, t -> {
      if (open.tryComplete(true)) {
        socket.close();
      }
    });
    return open.future();
  }

  /** Whether the container still runs; an engine that cannot tell is taken as "still running" until the deadline. */
  private Future<Boolean> running(Container container) {
    return engine.inspect(container.id())
        .map(inspect -> inspect.getJsonObject("State", new io.vertx.core.json.JsonObject()).getBoolean("Running", false))
        .recover(failure -> Future.succeededFuture(!(failure instanceof EngineException e && e.isNotFound())));
  }

  /** Why the container stopped: its exit code and its last stderr line. */
  Future<String> exitMessage(DockerSlot slot, Container container) {
    return describeExit(container).compose(exit -> lastStderrLine(container).map(line ->
        "replica " + slot.index() + " exited with " + exit + " before listening on port " + container.hostPort()
            + (line.isEmpty() ? "" : "; last stderr line: " + line)));
  }

  /** {@code exit code 3}, {@code exit code 137 (out of memory)}, or that the container is gone. */
  Future<String> describeExit(Container container) {
    return engine.inspect(container.id()).map(inspect -> {
      io.vertx.core.json.JsonObject state = inspect.getJsonObject("State", new io.vertx.core.json.JsonObject());
      String code = "exit code " + state.getInteger("ExitCode", -1);
      return state.getBoolean("OOMKilled", false) ? code + " (out of memory)" : code;
    }).recover(failure -> Future.succeededFuture(failure instanceof EngineException e && e.isNotFound()
        ? "its container removed from outside"
        : "exit code unknown (" + failure.getMessage() + ")"));
  }

  Future<String> lastStderrLine(Container container) {
    return engine.logs(container.id(), 0, 20)
        .map(logs -> LogDemux.lastStderrLine(logs, MAX_LINE))
        .otherwise("");
  }
}
