package dev.ctrlplane.health;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.BusClient;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.bus.Failures;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.instance.InstanceStore;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Scope;
import dev.ctrlplane.tenant.Tenancy;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Health-check commands and queries (SPEC §6). Every change writes its row, its event and its audit entry in one
 * transaction. A manual run happens on the node that owns the instance (its replicas listen on that node's loopback):
 * another node hands the call to the owner's address, and runs it itself only when the owner is gone.
 */
public final class HealthService {

  static final String RESOURCE = "health_check";
  /** A manual run handed to the owner node: only on the node's own address, never reachable over HTTP. */
  static final String RUN_HERE = "run_here";

  private final HealthStore store;
  private final InstanceStore instances;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final HealthConfig config;
  private final HealthRunner runner;
  private final HealthRecorder recorder;
  private final ReplicaHealth replicaHealth;
  private final HealthSchedule schedule;
  private final BusClient bus;
  private final String node;

  public HealthService(HealthStore store, InstanceStore instances, Transactions transactions, Tenancy tenancy,
      HealthConfig config, HealthRunner runner, HealthRecorder recorder, ReplicaHealth replicaHealth,
      HealthSchedule schedule, BusClient bus) {
    this.store = store;
    this.instances = instances;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.config = config;
    this.runner = runner;
    this.recorder = recorder;
    this.replicaHealth = replicaHealth;
    this.schedule = schedule;
    this.bus = bus;
    this.node = transactions.node();
  }

  /** 201 with the check; 400 naming the field, 409 for a name the instance's checks already use. */
  public Future<JsonObject> create(Call call) {
    CheckInput input = CheckInput.from(Envelope.body(call), config);
    return visibleInstance(call).compose(instance -> {
      input.parsedTarget(ProbeSubject.of(instance).containerPorts(), config);
      Instant now = Times.now();
      HealthCheck check = new HealthCheck(TypeId.generate("chk"), instance.tenantId(), instance.id(), input.name(),
          input.type(), input.target(), input.interval(), input.timeout(), input.retries(), input.enabled(), now, now);
      return transactions.run(call, tx -> tenancy.requireActive(tx.sql(), instance.tenantId())
          .compose(active -> store.lockInstance(tx.sql(), instance.id()))
          .compose(there -> there
              ? store.insert(tx.sql(), check)
              : Future.failedFuture(ApiException.notFound("instance", instance.id())))
          .compose(inserted -> schedule.put(tx.sql(), check, ProbeSubject.of(instance)))
          .map(scheduled -> {
            tx.emit(EventType.HEALTH_CHECK_CREATED, check.tenantId(), check.instanceId(), check.id(), check.toJson());
            tx.audit(check.tenantId(), RESOURCE, check.id(), "create", check.summary());
            return check.toJson();
          }));
    });
  }

  /** The instance's checks, oldest first; {@code []} when none. */
  public Future<JsonArray> list(Call call) {
    return visibleInstance(call).compose(instance -> store.checksOf(instance.id()))
        .map(checks -> new JsonArray(checks.stream().map(HealthCheck::toJson).toList()));
  }

  /** 204; the check's results and standings go with it. */
  public Future<Void> delete(Call call) {
    return visibleCheck(call).compose(found -> transactions.run(call, tx ->
        tenancy.requireActive(tx.sql(), found.tenantId())
            .compose(active -> store.delete(tx.sql(), found.id()))
            .compose(deleted -> deleted.isPresent()
                ? schedule.cancel(tx.sql(), found).map(deleted.get())
                : Future.failedFuture(ApiException.notFound(RESOURCE, found.id())))
            .map(gone -> {
              tx.emit(EventType.HEALTH_CHECK_DELETED, gone.tenantId(), gone.instanceId(), gone.id(), gone.toJson());
              tx.audit(gone.tenantId(), RESOURCE, gone.id(), "delete", gone.summary());
              return null;
            })));
  }

  /**
   * Runs the check now on every running replica, stores the results and answers them: the top level is the worst
   * replica's result (an unhealthy probe is still a 200), {@code results} has each replica's.
   */
  public Future<JsonObject> run(Call call) {
    return visibleCheck(call).compose(check -> instances.find(check.instanceId()).compose(found -> {
      Instance instance = found.orElseThrow(() -> ApiException.notFound(RESOURCE, check.id()));
      if (instance.node() == null || node.equals(instance.node())) {
        return runHere(call, check, instance);
      }
      return forward(call, check, instance);
    }));
  }

  /** A manual run another node handed over: run here, whoever owns the instance by now. */
  public Future<JsonObject> runHere(Call call) {
    return visibleCheck(call).compose(check -> instances.find(check.instanceId()).compose(found ->
        runHere(call, check, found.orElseThrow(() -> ApiException.notFound(RESOURCE, check.id())))));
  }

  private Future<JsonObject> forward(Call call, HealthCheck check, Instance instance) {
    return bus.request(HealthVerticle.nodeAddress(instance.node()), call.withAction(RUN_HERE, call.body()))
        .map(reply -> (JsonObject) reply)
        .recover(failure -> failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
            ? runHere(call, check, instance)
            : Future.failedFuture(Failures.toApi(failure)));
  }

  private Future<JsonObject> runHere(Call call, HealthCheck check, Instance instance) {
    return runner.run(check, instance).compose(run -> {
      if (run.probed().isEmpty()) {
        return Future.failedFuture(ApiException.invalidState("instance " + instance.id()
            + " has no running replica to probe (state " + instance.state().wire() + ")"));
      }
      return transactions.run(call, tx -> tenancy.requireActive(tx.sql(), check.tenantId())
          .compose(active -> recorder.record(tx.sql(), List.of(run)))
          .map(recorded -> {
            if (!recorded.resultsByCheck().containsKey(check.id())) {
              throw ApiException.notFound(RESOURCE, check.id()); // deleted while it ran
            }
            emitTransitions(tx, recorded);
            tx.audit(check.tenantId(), RESOURCE, check.id(), "run",
                check.summary().put("status", worst(recorded, check).status()));
            tx.afterCommit(() -> replicaHealth.publish(recorded.replicaChanges()));
            return recorded;
          }))
          .map(recorded -> {
            List<HealthResult> results = recorded.resultsByCheck().get(check.id());
            return worst(recorded, check).toJson()
                .put("results", new JsonArray(results.stream().map(HealthResult::toJson).toList()));
          });
    });
  }

  private static HealthResult worst(HealthRecorder.Recorded recorded, HealthCheck check) {
    return recorded.resultsByCheck().get(check.id()).stream()
        .min(Comparator.comparing(HealthResult::healthy)).orElseThrow();
  }

  /** The instance's health (SPEC §6). */
  public Future<JsonObject> aggregate(Call call) {
    return visibleInstance(call).compose(instance -> new HealthAggregate(store).of(instance.id()));
  }

  static void emitTransitions(Tx tx, HealthRecorder.Recorded recorded) {
    for (HealthRecorder.Transition t : recorded.transitions()) {
      tx.emit(t.eventType(), t.check().tenantId(), t.check().instanceId(), t.check().id(), t.data());
    }
  }

  /** The instance named by the path, if the caller may see it; 404 otherwise (also for a malformed id). */
  private Future<Instance> visibleInstance(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("inst", id)) {
      return Future.failedFuture(ApiException.notFound("instance", String.valueOf(id)));
    }
    return instances.find(id).map(found -> found
        .filter(i -> Scope.canSee(call.principal(), i.tenantId()))
        .orElseThrow(() -> ApiException.notFound("instance", id)));
  }

  private Future<HealthCheck> visibleCheck(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("chk", id)) {
      return Future.failedFuture(ApiException.notFound(RESOURCE, String.valueOf(id)));
    }
    return store.find(id).map(found -> found
        .filter(c -> Scope.canSee(call.principal(), c.tenantId()))
        .orElseThrow(() -> ApiException.notFound(RESOURCE, id)));
  }
}
