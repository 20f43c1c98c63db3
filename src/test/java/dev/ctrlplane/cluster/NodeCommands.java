package dev.ctrlplane.cluster;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.instance.InstanceRuntime;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Instance commands sent, as the HTTP edge builds them (the envelope, the caller's principal as headers), on one
 * node's bus to another node's own address ({@code ctrlplane.node.<name>}): so a test decides which node takes a
 * call (and, for a create, which node owns the instance) instead of hoping the bus's balancing picks it.
 */
final class NodeCommands {

  private static final AtomicInteger REQUESTS = new AtomicInteger();

  private NodeCommands() {}

  /** The reply, or an assertion error naming the failure. */
  static JsonObject send(TestNode from, String to, String tenantId, String action, String id, JsonObject body) {
    JsonObject envelope = new JsonObject().put(Envelope.QUERY, new JsonObject()).put(Envelope.BODY, body);
    if (id != null) {
      envelope.put(Envelope.ID, id);
    }
    Call call = new Call(action, new Principal("alice", tenantId, Set.of()), "cluster-" + REQUESTS.incrementAndGet(),
        "127.0.0.1", envelope);
    try {
      return (JsonObject) Futures.await(from.plane().vertx().eventBus()
          .request(InstanceRuntime.nodeAddress(to), envelope, call.deliveryOptions().setSendTimeout(30_000)), 40)
          .body();
    } catch (RuntimeException failed) {
      throw new AssertionError(action + " sent to " + to + " failed: " + failed.getMessage(), failed);
    }
  }
}
