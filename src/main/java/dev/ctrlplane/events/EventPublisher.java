package dev.ctrlplane.events;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * Publishes committed events to every subscriber on every node: the firehose and the per-type address. Headers carry
 * the type, the origin node and the instance, so consumers can filter without decoding (or, on the same node,
 * copying) the body. Once a unit's events are handed to the bus, the listener is told (the outbox marks them
 * published, {@link PublishMarks}); the relay republishes, with {@link #RELAYED_HEADER}, what was never marked.
 */
public final class EventPublisher {

  public static final String TYPE_HEADER = "event-type";
  public static final String NODE_HEADER = "origin-node";
  /** The instance an event is about, when it is about one. */
  public static final String INSTANCE_HEADER = "instance-id";
  /** Present on events the outbox relay published because their node did not confirm it had. */
  public static final String RELAYED_HEADER = "relayed";

  private final EventBus bus;
  private volatile Consumer<List<Event>> published = events -> {};

  public EventPublisher(EventBus bus) {
    this.bus = bus;
  }

  /** Told about every list of events once they are published (on the publishing thread). */
  public void onPublished(Consumer<List<Event>> listener) {
    this.published = listener;
  }

  /** Call only after the transaction that stored the events committed. */
  public void publish(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    for (Event event : events) {
      send(event.toJson(), event.type().address(), event.node(), event.instanceId(), false);
    }
    published.accept(events);
  }

  /** Publishes an event read back from the outbox (by the relay). */
  public void republish(StoredEvent event) {
    send(event.json(), EventType.FIREHOSE + "." + event.type(), event.json().getString("node"), event.instanceId(),
        true);
  }

  private void send(JsonObject json, String typeAddress, String node, String instanceId, boolean relayed) {
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(TYPE_HEADER, json.getString("type"))
        .addHeader(NODE_HEADER, node);
    if (instanceId != null) {
      options.addHeader(INSTANCE_HEADER, instanceId);
    }
    if (relayed) {
      options.addHeader(RELAYED_HEADER, "true");
    }
    bus.publish(EventType.FIREHOSE, json, options);
    bus.publish(typeAddress, json, options);
  }
}
