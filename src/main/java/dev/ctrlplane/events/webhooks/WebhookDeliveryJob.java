package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.Ran;
import dev.ctrlplane.scheduler.ScheduledItem;
import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One attempt of one delivery per run, on the one node that claimed the item: a 2xx or running out of retries ends
 * it ({@link Outcome#done}), a failure puts it back at its backoff time ({@link Outcome#at}). Each attempt is
 * recorded in the transaction that completes its claim, so it is recorded once; an attempt whose claim lapsed (its
 * node died or froze past the lease) is made again by another node: at least once.
 */
public final class WebhookDeliveryJob implements Job {

  static final String KIND = "webhook.deliver";

  private final WebhookSender sender;
  private final Duration lease;

  public WebhookDeliveryJob(WebhookSender sender, Duration timeout) {
    this.sender = sender;
    this.lease = timeout.plusSeconds(30);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return lease;
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    return sender.attempt(item.key()).map(result -> {
      if (result.isBusy()) {
        return Outcome.at(result.next()); // its receiver's slots were taken: no attempt made, none recorded
      }
      if (result.attempt().isEmpty()) {
        return Outcome.done(); // the delivery or its webhook is gone
      }
      JsonObject found = new JsonObject().put("attempt", result.attempt().get().toJson())
          .put("state", result.state())
          .put("next", result.next() == null ? null : result.next().toString());
      return (result.isFinal() ? Outcome.done() : Outcome.at(result.next())).with(found);
    });
  }

  @Override
  public Future<Void> record(Tx tx, List<Ran> ran) {
    Future<Void> chain = Future.succeededFuture();
    for (Ran one : ran) {
      JsonObject found = one.outcome().result();
      if (found == null) {
        continue;
      }
      Attempt attempt = Attempt.fromJson(found.getJsonObject("attempt"));
      String next = found.getString("next");
      chain = chain.compose(v -> WebhookStore.recordAttempt(tx.sql(), one.item().key(), attempt,
          found.getString("state"), next == null ? null : Instant.parse(next)));
    }
    return chain;
  }
}
