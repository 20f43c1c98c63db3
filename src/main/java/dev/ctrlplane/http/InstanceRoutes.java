package dev.ctrlplane.http;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.config.Durations;
import dev.ctrlplane.instance.InstanceAction;
import dev.ctrlplane.instance.InstanceDecorator;
import dev.ctrlplane.instance.InstanceState;
import dev.ctrlplane.instance.InstanceVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** {@code /v1/instances} (SPEC §4). Lifecycle actions answer 202, or 200 once settled when {@code ?wait=} is given. */
public final class InstanceRoutes {

  private static final Duration MAX_WAIT = Duration.ofSeconds(60);
  private static final String ADDRESS = InstanceVerticle.ADDRESS;

  private final Gateway gateway;
  private final InstanceWaiters waiters;
  private final InstanceDecorator decorator;

  public InstanceRoutes(Gateway gateway, InstanceWaiters waiters, InstanceDecorator decorator) {
    this.gateway = gateway;
    this.waiters = waiters;
    this.decorator = decorator;
  }

  public void mount(Router router) {
    router.post("/v1/instances").handler(ctx -> forward(ctx, "create", 201));
    router.get("/v1/instances").handler(ctx -> forward(ctx, "list", 200));
    router.get("/v1/instances/:id").handler(ctx -> forward(ctx, "get", 200));
    router.patch("/v1/instances/:id").handler(ctx -> forward(ctx, "update", 200));
    router.delete("/v1/instances/:id").handler(ctx -> act(ctx, InstanceAction.DELETE));
    for (InstanceAction action : InstanceAction.values()) {
      if (action != InstanceAction.DELETE && action != InstanceAction.DEPLOY) {
        router.post("/v1/instances/:id/" + action.wire()).handler(ctx -> act(ctx, action));
      }
    }
  }

  private void act(RoutingContext ctx, InstanceAction action) {
    Duration wait;
    try {
      wait = waitOf(ctx.queryParams().get("wait"));
    } catch (ApiException invalid) {
      ctx.fail(invalid);
      return;
    }
    if (wait == null) {
      forward(ctx, action.wire(), 202);
      return;
    }
    InstanceWaiters.Waiter waiter = waiters.register(ctx.pathParam("id"));
    gateway.call(ctx, action.wire())
        .compose(call -> gateway.bus().request(ADDRESS, call, wait.plus(gateway.busTimeout())))
        .onFailure(failure -> {
          waiter.cancel();
          ctx.fail(failure);
        })
        .onSuccess(reply -> {
          JsonObject accepted = (JsonObject) reply;
          if (isSettled(accepted)) {
            waiter.cancel();
            respond(ctx, 200, accepted);
            return;
          }
          waiter.await(accepted.getInteger("version"), wait).onSuccess(seen -> {
            if (seen.isEmpty()) {
              forward(ctx, "get", 202);
            } else if (seen.get().deleted()) {
              Gateway.respond(ctx, 204, null);
            } else {
              respond(ctx, 200, seen.get().instance());
            }
          });
        });
  }

  private void forward(RoutingContext ctx, String action, int status) {
    gateway.call(ctx, action).compose(call -> gateway.bus().request(ADDRESS, call))
        .onSuccess(reply -> respond(ctx, status, reply))
        .onFailure(ctx::fail);
  }

  /** Answers with the instance (or each instance of a page) decorated by the other features. */
  private void respond(RoutingContext ctx, int status, Object reply) {
    Future<Object> shown;
    if (reply instanceof JsonObject json && json.getValue("items") instanceof JsonArray items) {
      java.util.List<Future<JsonObject>> each = new java.util.ArrayList<>();
      items.forEach(item -> each.add(decorator.decorate((JsonObject) item)));
      shown = Future.join(each).map(done -> json);
    } else if (reply instanceof JsonObject json && json.containsKey("state")) {
      shown = decorator.decorate(json).map(decorated -> decorated);
    } else {
      shown = Future.succeededFuture(reply);
    }
    shown.onComplete(done -> Gateway.respond(ctx, status, reply));
  }

  private static boolean isSettled(JsonObject instance) {
    return InstanceState.of(instance.getString("state")).map(s -> !s.isTransitional()).orElse(false);
  }

  private static Duration waitOf(String text) {
    if (text == null) {
      return null;
    }
    Duration wait = Durations.parse(text)
        .orElseThrow(() -> ApiException.invalidField("wait", "must be a duration like 30s"));
    if (wait.compareTo(MAX_WAIT) > 0) {
      throw ApiException.invalidField("wait", "must be at most 60s");
    }
    return wait;
  }
}
