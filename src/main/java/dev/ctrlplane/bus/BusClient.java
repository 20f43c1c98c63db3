package dev.ctrlplane.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** Sends one command to a feature address and hands back the reply body; failures arrive as ReplyExceptions. */
public final class BusClient {

  private final Vertx vertx;
  private final Duration timeout;

  public BusClient(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  public Future<Object> request(String address, Call call) {
    return request(address, call, timeout);
  }

  public Future<Object> request(String address, Call call, Duration wait) {
    DeliveryOptions options = call.deliveryOptions().setSendTimeout(wait.toMillis());
    JsonObject body = call.body() == null ? new JsonObject() : call.body();
    return vertx.eventBus().request(address, body, options).map(reply -> reply.body());
  }
}
