package dev.ctrlplane.http;

import dev.ctrlplane.events.EventPublisher;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.instance.InstanceState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Holds {@code ?wait=} requests until their instance settles, by listening to the state events every node publishes.
 * A waiter is registered before its command is sent, so an instance that settles before the reply arrives is not
 * missed. Confined to the verticle's event loop: no locking.
 */
final class InstanceWaiters {

  /** What a wait saw: the settled instance, or that it was deleted. */
  record Settled(JsonObject instance, boolean deleted) {}

  private final Vertx vertx;
  private final Map<String, List<Waiter>> byInstance = new HashMap<>();

  InstanceWaiters(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Subscribes to the events on every node; completes when the subscriptions are active. */
  Future<Void> start() {
    MessageConsumer<JsonObject> changed = vertx.eventBus().consumer(EventType.INSTANCE_STATE_CHANGED.address(),
        message -> onEvent(message, false));
    MessageConsumer<JsonObject> deleted = vertx.eventBus().consumer(EventType.INSTANCE_DELETED.address(),
        message -> onEvent(message, true));
    return Future.all(changed.completion(), deleted.completion()).mapEmpty();
  }

  Waiter register(String instanceId) {
    Waiter waiter = new Waiter(instanceId);
    byInstance.computeIfAbsent(instanceId, id -> new ArrayList<>()).add(waiter);
    return waiter;
  }

  /** The header says which instance before the body is read: most events concern no waiter, and cost no copy. */
  private void onEvent(Message<JsonObject> message, boolean deleted) {
    String instanceId = message.headers().get(EventPublisher.INSTANCE_HEADER);
    List<Waiter> waiters = byInstance.get(instanceId != null ? instanceId : message.body().getString("instance_id"));
    if (waiters == null) {
      return;
    }
    JsonObject event = message.body();
    JsonObject data = event.getJsonObject("data", new JsonObject());
    JsonObject instance = deleted ? data : data.getJsonObject("instance", new JsonObject());
    for (Waiter waiter : List.copyOf(waiters)) {
      waiter.offer(new Settled(instance, deleted));
    }
  }

  private void remove(Waiter waiter) {
    List<Waiter> waiters = byInstance.get(waiter.instanceId);
    if (waiters != null) {
      waiters.remove(waiter);
      if (waiters.isEmpty()) {
        byInstance.remove(waiter.instanceId);
      }
    }
  }

  /** One held request. Events before {@link #await} are kept, so none is lost between command and reply. */
  final class Waiter {
    private final String instanceId;
    private final List<Settled> early = new ArrayList<>();
    private final Promise<Optional<Settled>> result = Promise.promise();
    private int afterVersion = Integer.MAX_VALUE;

    private Waiter(String instanceId) {
      this.instanceId = instanceId;
    }

    /** Completes with the first settled state newer than {@code version}, or empty when {@code wait} ends. */
    Future<Optional<Settled>> await(int version, Duration wait) {
      afterVersion = version;
      early.forEach(this::offer);
      early.clear();
      long timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> finish(Optional.empty()));
      return result.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    void cancel() {
      finish(Optional.empty());
    }

    private void offer(Settled settled) {
      if (afterVersion == Integer.MAX_VALUE) {
        early.add(settled);
      } else if (settled.deleted() || isSettledAfter(settled.instance())) {
        finish(Optional.of(settled));
      }
    }

    private boolean isSettledAfter(JsonObject instance) {
      boolean settled = InstanceState.of(instance.getString("state")).map(s -> !s.isTransitional()).orElse(false);
      return settled && instance.getInteger("version", 0) > afterVersion;
    }

    private void finish(Optional<Settled> outcome) {
      remove(this);
      result.tryComplete(outcome);
    }
  }
}
