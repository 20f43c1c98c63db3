package dev.ctrlplane.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One probe in flight, bounded by its timeout: the first of the probe's own answer and the timer wins, and when the
 * timer wins the probe's clean-up runs (reset the request, close the socket, kill the process tree), so a target that
 * accepts and never answers holds nothing past the timeout.
 */
final class Attempt {

  private final long started = System.nanoTime();
  private final Promise<ProbeResult> promise = Promise.promise();
  private final Duration timeout;
  private volatile Runnable cleanup = () -> {};

  private Attempt(Duration timeout) {
    this.timeout = timeout;
  }

  /** Starts an attempt; {@code probe} reports through the attempt it is given. */
  static Future<ProbeResult> run(Vertx vertx, Duration timeout, java.util.function.Consumer<Attempt> probe) {
    Attempt attempt = new Attempt(timeout);
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> attempt.timedOut());
    try {
      probe.accept(attempt);
    } catch (RuntimeException e) {
      attempt.failed(null, e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return attempt.promise.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** What to undo if the timeout fires first. */
  void onTimeout(Runnable undo) {
    this.cleanup = undo;
  }

  long elapsedMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  void passed(Integer statusCode, String message) {
    promise.tryComplete(new ProbeResult(true, elapsedMs(), statusCode, message));
  }

  void failed(Integer statusCode, String message) {
    promise.tryComplete(new ProbeResult(false, elapsedMs(), statusCode, message));
  }

  /** A failure of the probe's own future, as an unhealthy answer. */
  void failed(Throwable failure) {
    failed(null, failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
  }

  boolean done() {
    return promise.future().isComplete();
  }

  private void timedOut() {
    if (promise.tryComplete(new ProbeResult(false, elapsedMs(), null,
        "timed out after " + dev.ctrlplane.config.Durations.format(timeout)))) {
      try {
        cleanup.run();
      } catch (RuntimeException ignored) {
        // the probe is abandoned either way
      }
    }
  }
}
