package dev.ctrlplane.network.domain;

import dev.ctrlplane.events.EventType;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.Ran;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduledItem;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code dns.recheck}: one item per unverified domain, every {@code dns.recheck_interval} until it is verified or
 * {@code dns.recheck_for} has passed since it was added, so an owner who publishes the TXT record later needs no
 * second verify call. Any node may run it; the lookup happens in {@link #run}, and the verification (row, then
 * {@code domain.verified}) in {@link #record}, once, in the transaction that completes the claim.
 */
public final class RecheckJob implements Job {

  public static final String KIND = "dns.recheck";

  private final DnsLookup dns;
  private final DomainStore store;

  public RecheckJob(DnsLookup dns, DomainStore store) {
    this.dns = dns;
    this.store = store;
  }

  static ScheduleItem item(Domain domain, Duration interval, Instant until) {
    JsonObject payload = new JsonObject().put("record_name", domain.recordName())
        .put("challenge", domain.challenge()).put("until", until.toEpochMilli());
    return ScheduleItem.every(KIND, domain.id(), null, payload, interval);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return Duration.ofMinutes(1);
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    JsonObject payload = item.payload();
    if (Instant.now().toEpochMilli() > payload.getLong("until", 0L)) {
      return Future.succeededFuture(Outcome.done());
    }
    // a domain deleted with its instance (a cascade: no cancel) or verified meanwhile needs no more looking
    return store.find(item.key()).compose(domain -> domain.isEmpty() || domain.get().verified()
        ? Future.succeededFuture(Outcome.done())
        : dns.txt(payload.getString("record_name"))
            .map(answer -> answer.values().contains(payload.getString("challenge"))
                ? Outcome.done().with(new JsonObject().put("verified", true))
                : Outcome.again())
            .otherwise(unanswered -> Outcome.again()));
  }

  @Override
  public Future<Void> record(Tx tx, List<Ran> ran) {
    Future<Void> chain = Future.succeededFuture();
    for (Ran done : ran) {
      JsonObject result = done.outcome().result();
      if (result == null || !result.getBoolean("verified", false)) {
        continue;
      }
      String id = done.item().key();
      chain = chain.compose(v -> store.markVerified(tx.sql(), id, Times.now()).map(marked -> {
        marked.ifPresent(domain -> tx.emit(EventType.DOMAIN_VERIFIED, domain.tenantId(), domain.instanceId(),
            domain.id(), domain.toJson()));
        return null;
      }));
    }
    return chain;
  }
}
