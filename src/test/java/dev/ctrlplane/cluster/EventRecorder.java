package dev.ctrlplane.cluster;

import dev.ctrlplane.events.EventPublisher;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * What one subscriber on one node's bus receives. The constructor returns once the subscription is registered
 * cluster-wide, so an event published afterwards on any node reaches it. Each event keeps the origin-node header the
 * publisher set, under {@link #ORIGIN_HEADER}.
 */
final class EventRecorder implements AutoCloseable {

  static final String ORIGIN_HEADER = "header:" + EventPublisher.NODE_HEADER;

  private final String node;
  private final List<JsonObject> seen = new CopyOnWriteArrayList<>();
  private final MessageConsumer<JsonObject> consumer;

  EventRecorder(TestNode on, String address) {
    node = on.plane().nodeName();
    consumer = on.plane().vertx().eventBus().consumer(address, message -> seen.add(
        message.body().copy().put(ORIGIN_HEADER, message.headers().get(EventPublisher.NODE_HEADER))));
    Futures.await(consumer.completion(), 10);
  }

  /** The node this subscriber runs on. */
  String node() {
    return node;
  }

  /** The first event received that matches, waiting up to 10 s for it. */
  JsonObject await(Predicate<JsonObject> wanted) {
    return Poll.value(() -> seen.stream().filter(wanted).findFirst(), 10,
        () -> "no such event on " + node + "; seen: " + seen);
  }

  List<JsonObject> matching(Predicate<JsonObject> wanted) {
    return seen.stream().filter(wanted).toList();
  }

  @Override
  public String toString() {
    return seen.toString();
  }

  @Override
  public void close() {
    Futures.await(consumer.unregister(), 10);
  }
}
