package dev.ctrlplane.events;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Publishes committed events to every subscriber on every node: the firehose and the per-type address. Headers carry
 * the type, the origin node and the instance, so consumers can filter without decoding (or, on the same node,
 * copying) the body.
 */
public final class EventPublisher {

  public static final String TYPE_HEADER = "event-type";
  public static final String NODE_HEADER = "origin-node";
  /** The instance an event is about, when it is about one. */
  public static final String INSTANCE_HEADER = "instance-id";

  private final EventBus bus;

  public EventPublisher(EventBus bus) {
    this.bus = bus;
  }

  /** Call only after the transaction that stored the events committed. */
  public void publish(List<Event> events) {
    for (Event event : events) {
      JsonObject json = event.toJson();
      DeliveryOptions options = new DeliveryOptions()
          .addHeader(TYPE_HEADER, event.type().type())
          .addHeader(NODE_HEADER, event.node());
      if (event.instanceId() != null) {
        options.addHeader(INSTANCE_HEADER, event.instanceId());
      }
      bus.publish(EventType.FIREHOSE, json, options);
      bus.publish(event.type().address(), json, options);
    }
  }
}
