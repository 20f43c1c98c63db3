package dev.ctrlplane.tenant;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.config.CtrlplaneConfig.TenancyConfig;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** Tenants, their status and quotas (SPEC §10). Callers are operators; the verticle checks that. */
public final class TenantService {

  public static final String RESOURCE = "tenant";

  private final TenantStore store;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final TenancyConfig config;
  private final TenantInstances instances;

  public TenantService(TenantStore store, Transactions transactions, Tenancy tenancy, TenancyConfig config,
      TenantInstances instances) {
    this.store = store;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.config = config;
    this.instances = instances;
  }

  public Future<JsonObject> create(Call call) {
    JsonObject body = Envelope.body(call);
    String name = TenantInput.name(body).orElseThrow(() -> ApiException.invalidField("name", "is required"));
    String slug = TenantInput.slug(body).orElseGet(() -> TenantInput.slugOf(name));
    String plan = TenantInput.plan(body, config.plans().keySet()).orElse(config.defaultPlan());
    JsonObject metadata = TenantInput.metadata(body).orElse(new JsonObject());
    Instant now = Times.now();
    Tenant tenant = new Tenant(TypeId.generate("ten"), name, slug, plan, Tenant.ACTIVE, null, null, null, metadata,
        1, now, now);
    return transactions.run(call, tx -> store.insert(tx.sql(), tenant).recover(TenantService::slugTaken).map(v -> {
      JsonObject json = render(tenant);
      tx.emit(EventType.TENANT_CREATED, tenant.id(), null, tenant.id(), json);
      tx.audit(tenant.id(), RESOURCE, tenant.id(), "create", new JsonObject().put("slug", slug).put("plan", plan));
      return json;
    }));
  }

  public Future<JsonObject> get(Call call) {
    return existing(call).map(this::render);
  }

  public Future<JsonObject> list(Call call) {
    JsonObject query = Envelope.query(call);
    String status = query.getString("status");
    if (status != null && !status.equals(Tenant.ACTIVE) && !status.equals(Tenant.SUSPENDED)) {
      throw ApiException.invalidField("status", "must be active or suspended");
    }
    return store.list(status, PageRequest.from(query)).map(page -> page.toJson(this::render));
  }

  public Future<JsonObject> update(Call call) {
    JsonObject body = Envelope.body(call);
    var name = TenantInput.name(body);
    var slug = TenantInput.slug(body);
    var plan = TenantInput.plan(body, config.plans().keySet());
    var metadata = TenantInput.metadata(body);
    var ifMatch = Envelope.ifMatch(call);
    return locked(call, (tx, current) -> {
      ifMatch.ifPresent(accepted -> accepted.require("tenant", current.id(), current.version()));
      Tenant changed = current.with(name.orElse(current.name()), slug.orElse(current.slug()),
          plan.orElse(current.plan()), metadata.orElse(current.metadata()));
      return save(tx, changed, "update", new JsonObject().put("fields", new io.vertx.core.json.JsonArray(
          body.fieldNames().stream().filter(f -> java.util.List.of("name", "slug", "plan", "metadata").contains(f))
              .sorted().toList())));
    });
  }

  public Future<Void> delete(Call call) {
    return locked(call, (tx, current) -> store.instanceCount(tx.sql(), current.id()).compose(count -> {
      if (count > 0) {
        throw ApiException.invalidState("tenant " + current.id() + " still owns " + count
            + " instance(s); delete them first");
      }
      return store.delete(tx.sql(), current.id()).map(deleted -> {
        tx.emit(EventType.TENANT_DELETED, current.id(), null, current.id(), render(current));
        tx.audit(current.id(), RESOURCE, current.id(), "delete", new JsonObject().put("slug", current.slug()));
        return (JsonObject) null;
      });
    })).mapEmpty();
  }

  public Future<JsonObject> suspend(Call call) {
    String reason = dev.ctrlplane.validation.Fields.optionalString(Envelope.body(call), "reason", "reason", 0, 500)
        .orElse(null);
    AtomicReference<Runnable> afterCommit = new AtomicReference<>();
    return locked(call, (tx, current) -> {
      if (Tenant.SUSPENDED.equals(current.status())) {
        throw ApiException.invalidState("tenant " + current.id() + " is already suspended");
      }
      return instances.suspendAll(tx, current.id(), reason).compose(work -> {
        afterCommit.set(work);
        return save(tx, current.withStatus(Tenant.SUSPENDED, Times.now(), reason), "suspend",
            new JsonObject().put("reason", reason));
      });
    }).onSuccess(done -> afterCommit.get().run());
  }

  public Future<JsonObject> unsuspend(Call call) {
    AtomicReference<Runnable> afterCommit = new AtomicReference<>();
    return locked(call, (tx, current) -> {
      if (!Tenant.SUSPENDED.equals(current.status())) {
        throw ApiException.invalidState("tenant " + current.id() + " is not suspended");
      }
      return save(tx, current.withStatus(Tenant.ACTIVE, null, null), "unsuspend", new JsonObject())
          .compose(saved -> instances.resumeAll(tx, current.id()).map(work -> {
            afterCommit.set(work);
            return saved;
          }));
    }).onSuccess(done -> afterCommit.get().run());
  }

  public Future<JsonObject> quota(Call call) {
    return existing(call).compose(tenant -> tenancy.usage(transactions.pool(), tenant.id()).map(used ->
        new JsonObject().put("tenant_id", tenant.id()).put("quota", effective(tenant).toJson()).put("used", used.toJson())));
  }

  /** Replaces the quota; lowering it below use is allowed and only blocks growth. */
  public Future<JsonObject> putQuota(Call call) {
    Quota quota = TenantInput.quota(Envelope.body(call));
    return locked(call, (tx, current) -> save(tx, current.withQuota(quota.toJson()), "update_quota",
        new JsonObject().put("quota", quota.toJson())))
        .compose(saved -> quota(call));
  }

  private Future<JsonObject> save(Tx tx, Tenant changed, String action, JsonObject details) {
    return store.update(tx.sql(), changed).recover(TenantService::slugTaken).map(saved -> {
      Tenant tenant = saved.orElseThrow(() -> ApiException.conflict("tenant " + changed.id() + " changed concurrently; retry"));
      JsonObject json = render(tenant);
      tx.emit(eventOf(action), tenant.id(), null, tenant.id(), json);
      tx.audit(tenant.id(), RESOURCE, tenant.id(), action, details);
      return json;
    });
  }

  private static EventType eventOf(String action) {
    return switch (action) {
      case "suspend" -> EventType.TENANT_SUSPENDED;
      case "unsuspend" -> EventType.TENANT_UNSUSPENDED;
      default -> EventType.TENANT_UPDATED;
    };
  }

  private interface LockedWork<T> {
    Future<T> apply(Tx tx, Tenant current);
  }

  private <T> Future<T> locked(Call call, LockedWork<T> work) {
    String id = validId(call);
    return transactions.run(call, tx -> store.findForUpdate(tx.sql(), id).compose(found ->
        work.apply(tx, found.orElseThrow(() -> ApiException.notFound(RESOURCE, id)))));
  }

  private Future<Tenant> existing(Call call) {
    String id = validId(call);
    return store.find(id).map(found -> found.orElseThrow(() -> ApiException.notFound(RESOURCE, id)));
  }

  private static String validId(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("ten", id)) {
      throw ApiException.notFound(RESOURCE, String.valueOf(id));
    }
    return id;
  }

  private Quota effective(Tenant tenant) {
    return tenancy.effectiveQuota(tenant.plan(), tenant.ownQuota());
  }

  private JsonObject render(Tenant tenant) {
    return tenant.toJson(effective(tenant));
  }

  private static <T> Future<T> slugTaken(Throwable failure) {
    if (failure instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(ApiException.alreadyExists("a tenant with that slug already exists"));
    }
    return Future.failedFuture(failure);
  }
}
