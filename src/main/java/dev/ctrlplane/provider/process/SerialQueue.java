package dev.ctrlplane.provider.process;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one after another per key (an instance id), so that a start, a stop and a
 * supervision restart of the same instance never interleave. Operations of different keys run concurrently.
 */
public final class SerialQueue {

  private final Map<String, Future<?>> tails = new HashMap<>();

  /** Runs {@code operation} once every operation submitted before for {@code key} has completed. */
  public <T> Future<T> submit(String key, Supplier<Future<T>> operation) {
    Promise<T> done = Promise.promise();
    Future<?> previous;
    synchronized (this) {
      previous = tails.getOrDefault(key, Future.succeededFuture());
      tails.put(key, done.future());
    }
    previous.onComplete(ignored -> run(operation).onComplete(done));
    done.future().onComplete(ignored -> forget(key, done.future()));
    return done.future();
  }

  /** Completes once every operation submitted so far has completed, whatever their outcome. */
  public synchronized Future<Void> idle() {
    return Future.join(List.copyOf(tails.values())).transform(ignored -> Future.succeededFuture());
  }

  private synchronized void forget(String key, Future<?> done) {
    tails.remove(key, done);
  }

  private static <T> Future<T> run(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
