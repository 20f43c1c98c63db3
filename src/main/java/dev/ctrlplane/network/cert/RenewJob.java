package dev.ctrlplane.network.cert;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.network.domain.DomainStore;
import dev.ctrlplane.scheduler.Job;
import dev.ctrlplane.scheduler.Outcome;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduledItem;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code certs.renew}: one cluster-wide item, every {@code certs.renew_check_interval}, that renews the certificates
 * with {@code auto_renew} expiring within {@code certs.renew_before} (at most {@value #BATCH} per run, soonest first).
 * Each renewal stores the new certificate in its own transaction, only if the one it replaces is still the domain's
 * current one (so two runs racing after a lapsed lease renew it once), and emits {@code cert.renewed}; every node's
 * edge then serves the new one. A renewal that fails is counted on the certificate; after
 * {@value #EXPIRING_AFTER} failures in a row, {@code cert.expiring} says so, at most once a day per certificate.
 */
public final class RenewJob implements Job {

  public static final String KIND = "certs.renew";
  static final int BATCH = 50;
  static final int EXPIRING_AFTER = 3;
  private static final Duration NOTICE_EVERY = Duration.ofDays(1);
  private static final Logger LOG = LoggerFactory.getLogger(RenewJob.class);
  private static final Call SYSTEM = new Call("cert.renew", Principal.system(), null, null, new JsonObject());

  private final CertStore store;
  private final DomainStore domains;
  private final CertService certs;
  private final Transactions transactions;
  private final Duration renewBefore;
  private final Duration every;

  public RenewJob(CertStore store, DomainStore domains, CertService certs, Transactions transactions,
      Duration renewBefore, Duration every) {
    this.store = store;
    this.domains = domains;
    this.certs = certs;
    this.transactions = transactions;
    this.renewBefore = renewBefore;
    this.every = every;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Duration lease() {
    return Duration.ofMinutes(5);
  }

  @Override
  public List<ScheduleItem> standing() {
    return List.of(new ScheduleItem(KIND, "cluster", null, null, every, Instant.now()));
  }

  @Override
  public Future<Outcome> run(ScheduledItem item) {
    return store.due(Instant.now().plus(renewBefore), BATCH).compose(due -> {
      Future<Void> chain = Future.succeededFuture();
      for (CertStore.Due one : due) {
        chain = chain.compose(v -> renew(one).recover(failed -> failed(one, failed)));
      }
      return chain;
    }).map(Outcome.again());
  }

  private Future<Void> renew(CertStore.Due due) {
    Certificate old = due.cert();
    return certs.certificate(old.tenantId(), old.domainId(), old.hostname(), true).compose(next ->
        transactions.run(SYSTEM, tx -> domains.lock(tx.sql(), old.domainId())
            .compose(domain -> domain.isPresent() && domain.get().verified()
                ? store.current(tx.sql(), old.domainId()).compose(current -> {
                  if (current.isEmpty() || !current.get().id().equals(old.id())) {
                    return Future.succeededFuture(); // renewed or replaced meanwhile
                  }
                  return store.replace(tx.sql(), next).map(stored -> {
                    tx.emit(EventType.CERT_RENEWED, next.tenantId(), domain.get().instanceId(), next.id(),
                        next.toJson().put("replaces", old.id()));
                    return null;
                  });
                })
                : Future.succeededFuture()))).mapEmpty();
  }

  private Future<Void> failed(CertStore.Due due, Throwable failure) {
    Certificate cert = due.cert();
    LOG.warn("renewing certificate {} of {} failed: {}", cert.id(), cert.hostname(), failure.getMessage());
    boolean notice = due.failures() + 1 >= EXPIRING_AFTER && (due.expiringNoticed() == null
        || due.expiringNoticed().isBefore(Instant.now().minus(NOTICE_EVERY)));
    return transactions.run(SYSTEM, tx -> store.renewalFailed(tx.sql(), cert.id(), notice).map(failures -> {
      if (notice) {
        tx.emit(EventType.CERT_EXPIRING, cert.tenantId(), null, cert.id(), cert.toJson()
            .put("renew_failures", failures).put("error", String.valueOf(failure.getMessage()))
            .put("noticed_at", Times.format(Times.now())));
      }
      return (Void) null;
    })).otherwise(v -> null);
  }
}
