package dev.ctrlplane.events.webhooks;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Records what attempts found: the attempt row and the delivery's new state, in one transaction per batch.
 */
public final class WebhookDeliveries {

  private WebhookDeliveries() {}

  public static Future<Void> record(io.vertx.sqlclient.SqlClient sql, List<WebhookSender.Result> results) {
    Future<Void> chain = Future.succeededFuture();
    for (WebhookSender.Result result : results) {
      if (result.delivery().isEmpty() || result.attempt().isEmpty()) {
        continue;
      }
      chain = chain.compose(v -> WebhookStore.recordAttempt(sql, result.delivery().get(), result.attempt().get(),
          result.state(), result.next()));
    }
    return chain;
  }

  public static Future<Void> record(Pool pool, WebhookSender.Result result) {
    return pool.withTransaction(conn -> record(conn, List.of(result)));
  }
}
