package dev.ctrlplane.support;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Listens on one event-bus address of a node, from before the test acts, and hands the events to the test thread. */
public final class EventTap implements AutoCloseable {

  private final MessageConsumer<JsonObject> consumer;
  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  private final Map<JsonObject, MultiMap> headers = Collections.synchronizedMap(new IdentityHashMap<>());

  private EventTap(TestNode node, String address) {
    consumer = node.plane().vertx().eventBus().consumer(address, message -> {
      headers.put(message.body(), message.headers());
      received.add(message.body());
    });
    Futures.await(consumer.completion(), 10);
  }

  /** Subscribes and returns once the subscription is active. */
  public static EventTap on(TestNode node, String address) {
    return new EventTap(node, address);
  }

  /** The next event that matches, skipping others; fails after {@code seconds}. */
  public JsonObject next(Predicate<JsonObject> matching, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<JsonObject> skipped = new ArrayList<>();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonObject event = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
        if (event == null) {
          throw new AssertionError("no matching event in " + seconds + "s; skipped " + skipped);
        }
        if (matching.test(event)) {
          return event;
        }
        skipped.add(event);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next event about {@code instanceId}, whatever its type. */
  public JsonObject nextFor(String instanceId, int seconds) {
    return next(e -> instanceId.equals(e.getString("instance_id")), seconds);
  }

  /** The bus headers an event taken from this tap arrived with. */
  public MultiMap headersOf(JsonObject event) {
    return headers.get(event);
  }

  @Override
  public void close() {
    Futures.await(consumer.unregister(), 10);
  }
}
