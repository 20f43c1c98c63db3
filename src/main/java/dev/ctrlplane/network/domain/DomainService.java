package dev.ctrlplane.network.domain;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.bus.ErrorCode;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.network.Route;
import dev.ctrlplane.network.RouteStore;
import dev.ctrlplane.scheduler.ScheduleItem;
import dev.ctrlplane.scheduler.ScheduleStore;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Scope;
import dev.ctrlplane.tenant.Tenancy;
import dev.ctrlplane.tenant.Usage;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.stream.Collectors;

/**
 * Domain commands and queries (SPEC §8). A domain is added unverified with a random challenge (256 bits) to publish
 * as a TXT record; a verify looks it up in DNS ({@link DnsLookup}) and the {@link RecheckJob} keeps looking for a
 * while. Each write stores the change, its {@code domain.*} event and its audit entry in one transaction.
 */
public final class DomainService {

  public static final String RESOURCE = "domain";
  private static final int CHALLENGE_BYTES = 32;
  private static final Usage ONE_DOMAIN = new Usage(0, 0, 0, 1, 0);

  private final DomainStore store;
  private final RouteStore routes;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final DnsLookup dns;
  private final String baseDomain;
  private final Duration recheckInterval;
  private final Duration recheckFor;
  private final SecureRandom random = new SecureRandom();

  public DomainService(DomainStore store, RouteStore routes, Transactions transactions, Tenancy tenancy,
      DnsLookup dns, String baseDomain, Duration recheckInterval, Duration recheckFor) {
    this.store = store;
    this.routes = routes;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.dns = dns;
    this.baseDomain = baseDomain;
    this.recheckInterval = recheckInterval;
    this.recheckFor = recheckFor;
  }

  public Future<JsonObject> add(Call call) {
    JsonObject body = Envelope.body(call);
    String hostname = Hostnames.check("hostname", Fields.requiredString(body, "hostname", "hostname", 1, 1024),
        baseDomain);
    boolean tls = Fields.optionalBoolean(body, "tls_enabled", "tls_enabled").orElse(true);
    String instanceId = Envelope.id(call);
    return visibleInstance(call, instanceId).compose(tenantId -> {
      Instant now = Times.now();
      Domain domain = new Domain(TypeId.generate("dom"), tenantId, instanceId, hostname, tls, false, challenge(),
          null, now, null);
      return transactions.run(call, tx -> tenancy.requireRoomFor(tx.sql(), tenantId, ONE_DOMAIN)
          .compose(room -> store.lockInstance(tx.sql(), instanceId))
          .compose(there -> there ? store.insert(tx.sql(), domain)
              : Future.failedFuture(ApiException.notFound("instance", instanceId)))
          .compose(inserted -> ScheduleStore.put(tx.sql(), RecheckJob.item(domain, recheckInterval,
              now.plus(recheckFor))))
          .map(scheduled -> recorded(tx, domain, EventType.DOMAIN_ADDED, "create")));
    });
  }

  /** The instance's domains, oldest first; {@code []} when it has none. */
  public Future<JsonArray> list(Call call) {
    String instanceId = Envelope.id(call);
    return visibleInstance(call, instanceId).compose(tenantId -> store.list(instanceId))
        .map(all -> new JsonArray(all.stream().map(Domain::toJson).toList()));
  }

  /** Deletes the domain, its certificates, its pending re-checks and the tenant's routes that name it. */
  public Future<Void> delete(Call call) {
    return visibleDomain(call).compose(seen -> transactions.run(call, tx ->
        tenancy.requireActive(tx.sql(), seen.tenantId())
            .compose(active -> store.delete(tx.sql(), seen.id()))
            .compose(deleted -> {
              Domain gone = deleted.orElseThrow(() -> ApiException.notFound(RESOURCE, seen.id()));
              return routes.deleteNaming(tx.sql(), gone.tenantId(), gone.hostname()).compose(removed -> {
                removed.forEach(route -> tx.emit(EventType.ROUTE_REMOVED, route.tenantId(), route.instanceId(),
                    route.id(), route.toJson()));
                return ScheduleStore.cancel(tx.sql(), RecheckJob.KIND, gone.id()).map(cancelled -> {
                  JsonObject json = gone.toJson().put("routes_removed",
                      new JsonArray(removed.stream().map(Route::id).toList()));
                  tx.emit(EventType.DOMAIN_REMOVED, gone.tenantId(), gone.instanceId(), gone.id(), json);
                  tx.audit(gone.tenantId(), RESOURCE, gone.id(), "delete", json.copy());
                  return (Void) null;
                });
              });
            })));
  }

  /**
   * Looks the challenge up in DNS: found → the domain is verified (200); not found → 422 saying what was looked up
   * and what was there; no resolver answering → 503. A verified domain is answered as it is.
   */
  public Future<JsonObject> verify(Call call) {
    return visibleDomain(call).compose(domain -> {
      if (domain.verified()) {
        return Future.succeededFuture(domain.toJson());
      }
      return dns.txt(domain.recordName())
          .recover(failure -> Future.failedFuture(failure instanceof DnsLookup.Unreachable
              ? new ApiException(ErrorCode.UNAVAILABLE, failure.getMessage()) : failure))
          .compose(answer -> {
            if (!answer.values().contains(domain.challenge())) {
              return Future.failedFuture(new ApiException(ErrorCode.UNPROCESSABLE, notFound(domain, answer)));
            }
            return transactions.run(call, tx -> tenancy.requireActive(tx.sql(), domain.tenantId())
                .compose(active -> store.markVerified(tx.sql(), domain.id(), Times.now()))
                .compose(marked -> {
                  if (marked.isEmpty()) {
                    // verified meanwhile by the re-check, or deleted
                    return store.lock(tx.sql(), domain.id()).map(now -> {
                      Domain current = now.orElseThrow(() -> ApiException.notFound(RESOURCE, domain.id()));
                      JsonObject json = current.toJson();
                      tx.audit(current.tenantId(), RESOURCE, current.id(), "verify", json.copy());
                      return json;
                    });
                  }
                  return ScheduleStore.cancel(tx.sql(), RecheckJob.KIND, domain.id())
                      .map(cancelled -> recorded(tx, marked.get(), EventType.DOMAIN_VERIFIED, "verify"));
                }));
          });
    });
  }

  static String notFound(Domain domain, DnsLookup.Answer answer) {
    String found = !answer.nameExists() ? "the name does not exist (NXDOMAIN)"
        : answer.values().isEmpty() ? "no TXT record"
        : "TXT " + answer.values().stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
    return "domain " + domain.id() + " is not verified: looked up TXT " + answer.name() + " at " + answer.server()
        + " and found " + found + "; publish TXT " + domain.recordName() + " = \"" + domain.challenge() + "\"";
  }

  private JsonObject recorded(Tx tx, Domain domain, EventType type, String action) {
    JsonObject json = domain.toJson();
    tx.emit(type, domain.tenantId(), domain.instanceId(), domain.id(), json);
    tx.audit(domain.tenantId(), RESOURCE, domain.id(), action, json.copy());
    return json;
  }

  private String challenge() {
    byte[] bytes = new byte[CHALLENGE_BYTES];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The tenant of the instance, when the caller may see it; 404 otherwise. */
  private Future<String> visibleInstance(Call call, String id) {
    if (!TypeId.isValid("inst", id)) {
      return Future.failedFuture(ApiException.notFound("instance", String.valueOf(id)));
    }
    return store.instanceTenant(id).map(found -> found.filter(t -> Scope.canSee(call.principal(), t))
        .orElseThrow(() -> ApiException.notFound("instance", id)));
  }

  /** The domain the call names, when the caller may see it; 404 otherwise. */
  public Future<Domain> visibleDomain(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("dom", id)) {
      return Future.failedFuture(ApiException.notFound(RESOURCE, String.valueOf(id)));
    }
    return store.find(id).map(found -> found.filter(d -> Scope.canSee(call.principal(), d.tenantId()))
        .orElseThrow(() -> ApiException.notFound(RESOURCE, id)));
  }
}
