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
    return send(address, call, call.deliveryOptions().setSendTimeout(wait.toMillis()));
  }

  /** A request to this node's consumer only (see {@link BusDispatcher#registerLocal}). */
  public Future<Object> requestLocal(String address, Call call) {
    return send(address, call, call.deliveryOptions().setSendTimeout(timeout.toMillis()).setLocalOnly(true));
  }

  private Future<Object> send(String address, Call call, DeliveryOptions options) {
    JsonObject body = call.body() == null ? new JsonObject() : call.body();
    return vertx.eventBus().request(address, body, options).map(reply -> reply.body());
  }
}
