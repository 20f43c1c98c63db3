package dev.ctrlplane.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer behind every feature address. It always replies: the handler's result as the reply body, or
 * {@code fail(httpStatus, {"code","message"})} for any failure, so a requester never waits out its timeout.
 * Mutating actions name the resource they touch, so that refused attempts can be audited in one place, and their
 * calls are marked as mutations ({@link Call#asMutation}), so that their changes cannot commit unaudited.
 */
public final class BusDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(BusDispatcher.class);

  /** A feature operation: the call in, the reply body (JsonObject, JsonArray or null) out. */
  public interface Operation extends Function<Call, Future<?>> {}

  /**
   * Told about mutating calls that were refused (403, 409, 429), for the audit log. The refusal is answered once the
   * returned future completes, so it is on record before the caller hears of it; a failure there does not change
   * the answer.
   */
  public interface RefusalListener {
    Future<?> refused(Call call, String resource, ApiException error);
  }

  private record Route(Operation operation, String resource) {}

  private final Map<String, Route> routes = new HashMap<>();
  private RefusalListener refusals = (call, resource, error) -> Future.succeededFuture();

  /** A read-only action. */
  public BusDispatcher query(String action, Operation operation) {
    routes.put(action, new Route(operation, null));
    return this;
  }

  /** An action that changes {@code resource} (e.g. "instance"); its refusals are reported. */
  public BusDispatcher mutation(String action, String resource, Operation operation) {
    routes.put(action, new Route(operation, resource));
    return this;
  }

  public BusDispatcher onRefusal(RefusalListener listener) {
    this.refusals = listener;
    return this;
  }

  /** Registers the dispatcher on each address; completes when every consumer is registered cluster-wide. */
  public Future<List<MessageConsumer<JsonObject>>> register(Vertx vertx, String... addresses) {
    return register(vertx, false, addresses);
  }

  /**
   * Registers the dispatcher on each address for this node only: requests sent with {@code localOnly} from this
   * node reach it, and no other node's do. For commands whose body must not travel between nodes (a secret's value).
   */
  public Future<List<MessageConsumer<JsonObject>>> registerLocal(Vertx vertx, String... addresses) {
    return register(vertx, true, addresses);
  }

  private Future<List<MessageConsumer<JsonObject>>> register(Vertx vertx, boolean local, String... addresses) {
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    List<Future<Void>> ready = new ArrayList<>();
    for (String address : addresses) {
      MessageConsumer<JsonObject> consumer = local
          ? vertx.eventBus().localConsumer(address, this::handle)
          : vertx.eventBus().consumer(address, this::handle);
      consumers.add(consumer);
      ready.add(consumer.completion());
    }
    return Future.all(ready).map(consumers);
  }

  void handle(Message<JsonObject> message) {
    Call call = Call.from(message);
    Route route = routes.get(call.action());
    if (route == null) {
      fail(message, call, null, ApiException.invalid("unknown action '" + call.action() + "'"));
      return;
    }
    Call run = route.resource() == null ? call : call.asMutation();
    Future<?> result;
    try {
      result = route.operation().apply(run);
    } catch (RuntimeException thrown) {
      result = Future.failedFuture(thrown);
    }
    result.onComplete(
        message::reply,
        failure -> fail(message, run, route.resource(), failure));
  }

  private void fail(Message<JsonObject> message, Call call, String resource, Throwable failure) {
    ApiException error = Failures.toApi(failure);
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("request {} action {} failed", call.requestId(), call.action(), failure);
    }
    Future<?> recorded = resource != null && isRefusal(error)
        ? refusals.refused(call.withAction(auditAction(call.action()), call.body()), resource, error)
        : Future.succeededFuture();
    recorded.onComplete(done -> message.fail(error.status(), error.toWire()));
  }

  /** The action as the audit log names it: "tenant.suspend" is recorded as "suspend" on resource "tenant". */
  static String auditAction(String action) {
    return action.substring(action.lastIndexOf('.') + 1);
  }

  private static boolean isRefusal(ApiException error) {
    return error.status() == 403 || error.status() == 409 || error.status() == 429;
  }
}
