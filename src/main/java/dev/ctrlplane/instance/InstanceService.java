package dev.ctrlplane.instance;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Providers;
import dev.ctrlplane.provider.Resources;
import dev.ctrlplane.release.ReleaseStore;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Scope;
import dev.ctrlplane.tenant.Tenancy;
import dev.ctrlplane.tenant.TenantInstances;
import dev.ctrlplane.tenant.Usage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Instance commands and queries (SPEC §4). Every write runs in one transaction with its events and audit entry; the
 * provider work then runs in the background through {@link InstanceRuntime}, which settles the state.
 */
public final class InstanceService implements TenantInstances {

  static final String RESOURCE = "instance";

  private final InstanceStore store;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final Providers providers;
  private final InstanceRuntime runtime;
  private final Creations creations;

  public InstanceService(InstanceStore store, Transactions transactions, Tenancy tenancy, Providers providers,
      InstanceRuntime runtime) {
    this.store = store;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.providers = providers;
    this.runtime = runtime;
    this.creations = new Creations(store, transactions, tenancy);
  }

  public Future<JsonObject> create(Call call) {
    JsonObject body = Envelope.body(call);
    String tenantId = Scope.tenantForWrite(call.principal(), Envelope.tenantIdOf(body));
    Instance draft = newInstance(tenantId, body);
    InstanceSpec spec = InstanceRuntime.specOf(draft);
    return providers.get(draft.providerName()).validate(spec)
        .compose(valid -> creations.create(call, draft))
        .onSuccess(runtime::converge)
        .map(Instance::toJson);
  }

  public Future<JsonObject> get(Call call) {
    return visible(call).map(Instance::toJson);
  }

  public Future<JsonObject> list(Call call) {
    JsonObject query = Envelope.query(call);
    PageRequest page = PageRequest.from(query);
    InstanceQuery filter = new InstanceQuery(
        Scope.tenantForList(call.principal(), query.getString("tenant_id")),
        stateFilter(query.getString("state")),
        query.getString("provider"),
        Envelope.labelFilter(query));
    return store.list(filter, page).map(p -> p.toJson(json -> json));
  }

  /** PATCH: name, labels and env replace the stored ones when present; If-Match guards against lost updates. */
  public Future<JsonObject> update(Call call) {
    JsonObject body = Envelope.body(call);
    String name = InstanceInput.name(body, false);
    var labels = InstanceInput.labels(body);
    var env = InstanceInput.env(body);
    var ifMatch = Envelope.ifMatch(call);
    return visible(call).compose(seen -> transactions.run(call, tx -> tenancy.requireActive(tx.sql(), seen.tenantId())
        .compose(active -> lockedInstance(tx, seen.id()))
        .compose(current -> {
          ifMatch.ifPresent(accepted -> accepted.require(RESOURCE, current.id(), current.version()));
          Instance changed = InstanceChanges.patch(current, name, labels.orElse(null), env.orElse(null));
          return save(tx, changed).map(saved -> {
            tx.emit(EventType.INSTANCE_UPDATED, saved.tenantId(), saved.id(), saved.id(), saved.toJson());
            tx.audit(saved.tenantId(), RESOURCE, saved.id(), "update", new JsonObject()
                .put("fields", body.fieldNames().stream().filter(f -> List.of("name", "labels", "env").contains(f)).sorted().toList()));
            return saved.toJson();
          });
        })));
  }

  /** A lifecycle action: moves the instance to its transitional state, then lets the runtime do the work. */
  public Future<JsonObject> act(Call call, InstanceAction action) {
    JsonObject body = Envelope.body(call);
    String reason = InstanceInput.reason(body).orElse(null);
    return visible(call).compose(seen -> {
      if (action == InstanceAction.SCALE) {
        scaleTarget(body, seen.resources()); // a bad body is a 400 before anything is locked
      }
      return providerAvailable(seen, action).compose(available -> transactions.run(call, tx -> lockForAction(tx, call, seen, action)
          .compose(active -> lockedInstance(tx, seen.id()))
          .compose(current -> {
            // merged over the locked instance, not the one seen before: a scale that raced another counts from
            // what is stored now, so it can neither undo the other's change nor slip past the quota
            Resources resources = action == InstanceAction.SCALE ? scaleTarget(body, current.resources()) : null;
            return (resources == null ? Future.succeededFuture() : roomToScale(tx, current, resources))
                .compose(room -> transition(tx, current, action, resources, reason));
          })));
    }).onSuccess(runtime::converge).map(Instance::toJson);
  }

  /** Actions that start replicas are refused (503) while the instance's provider cannot start any. */
  private Future<Void> providerAvailable(Instance instance, InstanceAction action) {
    boolean starts = action == InstanceAction.START || action == InstanceAction.RESTART
        || action == InstanceAction.SCALE || action == InstanceAction.UNSUSPEND;
    return starts && providers.has(instance.providerName())
        ? providers.get(instance.providerName()).available()
        : Future.succeededFuture();
  }

  /** States whose instances run (or are about to): a tenant suspension suspends these. */
  private static final List<InstanceState> RUNNING_OR_STARTING = List.of(InstanceState.RUNNING,
      InstanceState.PROVISIONING, InstanceState.STARTING, InstanceState.RESTARTING, InstanceState.SCALING);

  @Override
  public Future<Runnable> suspendAll(Tx tx, String tenantId, String reason) {
    return store.lockTenantInstances(tx.sql(), tenantId, RUNNING_OR_STARTING)
        .compose(running -> changeAll(tx, running, i -> InstanceChanges.suspendedWithTenant(i, reason)));
  }

  @Override
  public Future<Runnable> resumeAll(Tx tx, String tenantId) {
    return store.lockSuspendedWithTenant(tx.sql(), tenantId)
        .compose(suspended -> changeAll(tx, suspended, InstanceChanges::resumedWithTenant));
  }

  private Future<Runnable> changeAll(Tx tx, List<Instance> instances,
      java.util.function.UnaryOperator<Instance> change) {
    Future<List<Instance>> saved = Future.succeededFuture(new java.util.ArrayList<>());
    for (Instance current : instances) {
      saved = saved.compose(list -> save(tx, change.apply(current)).map(after -> {
        InstanceEvents.stateChanged(tx, current, after);
        list.add(after);
        return list;
      }));
    }
    return saved.map(list -> () -> list.forEach(runtime::converge));
  }

  private Future<Instance> transition(Tx tx, Instance current, InstanceAction action, Resources resources,
      String reason) {
    if (!current.state().allows(action)) {
      throw ApiException.invalidState("instance " + current.id() + " is " + current.state().wire()
          + ": cannot " + action.wire());
    }
    if (current.deploymentId() != null && action != InstanceAction.DELETE) {
      throw ApiException.invalidState("instance " + current.id() + " has deployment " + current.deploymentId()
          + " in progress: cannot " + action.wire() + " until it ends (or cancel it)");
    }
    if (action == InstanceAction.DELETE && current.state() == InstanceState.DESTROYING) {
      tx.audit(current.tenantId(), RESOURCE, current.id(), action.wire(), new JsonObject().put("repeated", true));
      return Future.succeededFuture(current); // deleting twice is accepted again
    }
    Instance changed = InstanceChanges.apply(current, action, resources, reason);
    return save(tx, changed).map(saved -> {
      InstanceEvents.transitioned(tx, current, saved, action);
      tx.audit(saved.tenantId(), RESOURCE, saved.id(), action.wire(), InstanceChanges.auditDetails(action, saved, reason));
      return saved;
    });
  }

  /** Locks the tenant before the instance (the order a tenant suspension takes them in), for growth on scale. */
  private Future<?> lockForAction(Tx tx, Call call, Instance seen, InstanceAction action) {
    if (action == InstanceAction.SCALE) {
      return tenancy.lockForGrowth(tx.sql(), seen.tenantId());
    }
    if (action == InstanceAction.DELETE && call.principal().isAdmin()) {
      return Future.succeededFuture(); // operators may clean up a suspended tenant's instances
    }
    return tenancy.requireActive(tx.sql(), seen.tenantId());
  }

  private Future<Void> roomToScale(Tx tx, Instance current, Resources target) {
    Resources now = current.resources();
    Usage delta = new Usage(0,
        (long) target.cpuMillis() * target.replicas() - (long) now.cpuMillis() * now.replicas(),
        (long) target.memoryMb() * target.replicas() - (long) now.memoryMb() * now.replicas(),
        0, 0);
    return tenancy.requireRoomFor(tx.sql(), current.tenantId(), delta);
  }

  private Instance newInstance(String tenantId, JsonObject body) {
    String name = InstanceInput.name(body, true);
    String slug = InstanceInput.slugOf(name);
    if (slug.isEmpty()) {
      throw ApiException.invalidField("name", "must contain a letter or digit");
    }
    String providerName = body.getValue("provider_name") == null ? providers.defaultName()
        : InstanceInput.providerName(body);
    providers.get(providerName);
    Instant now = Times.now();
    return new Instance(TypeId.generate("inst"), tenantId, name, slug, InstanceInput.image(body, true), providerName,
        null, InstanceInput.region(body), runtime.node(), InstanceState.PROVISIONING, null,
        InstanceInput.resources(body, Resources.DEFAULT), InstanceInput.ports(body),
        new JsonObject(new java.util.LinkedHashMap<>(InstanceInput.env(body).orElse(java.util.Map.of()))),
        new JsonObject(new java.util.LinkedHashMap<>(InstanceInput.labels(body).orElse(java.util.Map.of()))),
        List.of(), ReleaseStore.newId(), null, null, null, null, false, 1, now, now);
  }

  private Resources scaleTarget(JsonObject body, Resources current) {
    if (body.getValue("resources") == null) {
      throw ApiException.invalidField("resources", "is required");
    }
    return InstanceInput.resources(body, current);
  }

  /** The instance named by the path, if the caller may see it; 404 otherwise (also for malformed ids). */
  private Future<Instance> visible(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("inst", id)) {
      return Future.failedFuture(ApiException.notFound(RESOURCE, String.valueOf(id)));
    }
    return store.find(id).map(found -> found
        .filter(i -> Scope.canSee(call.principal(), i.tenantId()))
        .orElseThrow(() -> ApiException.notFound(RESOURCE, id)));
  }

  private Future<Instance> lockedInstance(Tx tx, String id) {
    return store.findForUpdate(tx.sql(), id).map(found -> found.orElseThrow(() -> ApiException.notFound(RESOURCE, id)));
  }

  private Future<Instance> save(Tx tx, Instance changed) {
    return store.update(tx.sql(), changed).recover(InstanceService::slugTaken).map(saved -> saved.orElseThrow(() ->
        ApiException.conflict("instance " + changed.id() + " was changed concurrently; retry")));
  }

  static <T> Future<T> slugTaken(Throwable failure) {
    if (failure instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(ApiException.alreadyExists("an instance with that name (slug) already exists in this tenant"));
    }
    return Future.failedFuture(failure);
  }

  private static InstanceState stateFilter(String state) {
    if (state == null || state.isEmpty()) {
      return null;
    }
    return InstanceState.of(state).orElseThrow(() -> ApiException.invalidField("state", "unknown state '" + state + "'"));
  }
}
