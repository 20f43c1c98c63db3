package dev.ctrlplane.http;

import dev.ctrlplane.events.EventPublisher;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.instance.InstanceState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Holds {@code ?wait=} requests until their instance settles, by listening to the state events every node publishes.
 * A waiter is registered before its command is sent, so an instance that settles before the reply arrives is not
 * missed. One per node, shared by the edge verticles: the bus copies an event's body for every local consumer, and
 * most events concern no waiter, so one consumer beats one per event loop (docs/BENCHMARKS.md). Events arrive on the
 * consumer's event loop and waiters are registered on their request's, so the registry is concurrent and a waiter
 * answers on the context that registered it.
 */
public final class InstanceWaiters {

  /** What a wait saw: the settled instance, or that it was deleted. */
  record Settled(JsonObject instance, boolean deleted) {}

  private final Vertx vertx;
  private final ConcurrentHashMap<String, List<Waiter>> byInstance = new ConcurrentHashMap<>();

  public InstanceWaiters(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Subscribes to the events on every node, once per node; completes when the subscriptions are active. */
  public Future<Void> start() {
    MessageConsumer<JsonObject> changed = vertx.eventBus().consumer(EventType.INSTANCE_STATE_CHANGED.address(),
        message -> onEvent(message, false));
    MessageConsumer<JsonObject> deleted = vertx.eventBus().consumer(EventType.INSTANCE_DELETED.address(),
        message -> onEvent(message, true));
    return Future.all(changed.completion(), deleted.completion()).mapEmpty();
  }

  /** Call on the request's context: the waiter answers there. */
  Waiter register(String instanceId) {
    Waiter waiter = new Waiter(instanceId, Vertx.currentContext());
    byInstance.computeIfAbsent(instanceId, id -> new CopyOnWriteArrayList<>()).add(waiter);
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
    for (Waiter waiter : waiters) {
      waiter.offer(new Settled(instance, deleted));
    }
  }

  private void remove(Waiter waiter) {
    byInstance.computeIfPresent(waiter.instanceId, (id, waiters) -> {
      waiters.remove(waiter);
      return waiters.isEmpty() ? null : waiters;
    });
  }

  /**
   * One held request. Events before {@link #await} are kept, so none is lost between command and reply. Offered
   * events come from the consumer's thread, the rest from the request's: the version and the early events are
   * guarded by the waiter, and the answer is completed on the request's context.
   */
  final class Waiter {
    private final String instanceId;
    private final Context requests;
    private final List<Settled> early = new ArrayList<>();
    private final Promise<Optional<Settled>> result = Promise.promise();
    private int afterVersion = Integer.MAX_VALUE;

    private Waiter(String instanceId, Context requests) {
      this.instanceId = instanceId;
      this.requests = requests;
    }

    /** Completes with the first settled state newer than {@code version}, or empty when {@code wait} ends. */
    Future<Optional<Settled>> await(int version, Duration wait) {
      List<Settled> seen;
      synchronized (this) {
        afterVersion = version;
        seen = List.copyOf(early);
        early.clear();
      }
      seen.forEach(this::offer);
      long timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> finish(Optional.empty()));
      return result.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    void cancel() {
      finish(Optional.empty());
    }

    private void offer(Settled settled) {
      synchronized (this) {
        if (afterVersion == Integer.MAX_VALUE) {
          early.add(settled);
          return;
        }
      }
      if (settled.deleted() || isSettledAfter(settled.instance())) {
        finish(Optional.of(settled));
      }
    }

    private synchronized boolean isSettledAfter(JsonObject instance) {
      boolean settled = InstanceState.of(instance.getString("state")).map(s -> !s.isTransitional()).orElse(false);
      return settled && instance.getInteger("version", 0) > afterVersion;
    }

    private void finish(Optional<Settled> outcome) {
      remove(this);
      if (requests == null || Vertx.currentContext() == requests) {
        result.tryComplete(outcome);
      } else {
        // the event's body is shared by every waiter of the instance: each request renders its own copy
        Optional<Settled> own = outcome.map(s -> new Settled(s.instance().copy(), s.deleted()));
        requests.runOnContext(answer -> result.tryComplete(own));
      }
    }
  }
}
