package dev.ctrlplane.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.support.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dispatcher runs a mutation's call marked as one (so it cannot commit unaudited), and a query's unmarked. */
class BusDispatcherTest {

  static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    Futures.await(new BusDispatcher()
        .mutation("change", "thing", call -> Future.succeededFuture(new JsonObject().put("mutating", call.mutating())))
        .query("read", call -> Future.succeededFuture(new JsonObject().put("mutating", call.mutating())))
        .register(vertx, "test.dispatcher"));
  }

  @AfterAll
  static void closeVertx() {
    Futures.await(vertx.close());
  }

  @Test
  void aMutationIsMarkedAQueryIsNot() {
    assertEquals(true, send("change").getBoolean("mutating"));
    assertEquals(false, send("read").getBoolean("mutating"));
  }

  private static JsonObject send(String action) {
    Call call = new Call(action, new Principal("tester", "ten_x", Set.of()), "req", null, new JsonObject());
    return (JsonObject) Futures.await(vertx.eventBus().request("test.dispatcher", call.body(), call.deliveryOptions()))
        .body();
  }
}
