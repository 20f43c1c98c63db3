package dev.ctrlplane.deploy;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Envelope;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.instance.InstanceAction;
import dev.ctrlplane.instance.InstanceState;
import dev.ctrlplane.instance.InstanceStore;
import dev.ctrlplane.release.Release;
import dev.ctrlplane.scheduler.ScheduleStore;
import dev.ctrlplane.release.ReleaseStore;
import dev.ctrlplane.store.IdempotencyKeys;
import dev.ctrlplane.store.PageRequest;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.store.TypeId;
import dev.ctrlplane.tenant.Scope;
import dev.ctrlplane.tenant.Tenancy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Deployments and releases (SPEC §5): deploy and rollback record a release and a pending deployment in one
 * transaction with the instance, which the deployment then owns until it ends ({@link Rollouts} drives it on the
 * instance's node); cancel, and the reads.
 */
final class DeploymentService {

  static final String INSTANCE = "instance";
  static final String DEPLOYMENT = "deployment";

  /** What a deploy makes its release from: the new image and env, where they came from, and the notes. */
  private record Recipe(String image, JsonObject env, String source, String rolledBackFrom) {}

  private final DeploymentStore store;
  private final InstanceStore instances;
  private final Transactions transactions;
  private final Tenancy tenancy;
  private final Rollouts rollouts;
  private final Duration deadline;

  DeploymentService(DeploymentStore store, InstanceStore instances, Transactions transactions, Tenancy tenancy,
      Rollouts rollouts, Duration deadline) {
    this.store = store;
    this.instances = instances;
    this.transactions = transactions;
    this.tenancy = tenancy;
    this.rollouts = rollouts;
    this.deadline = deadline;
  }

  Future<JsonObject> deploy(Call call) {
    JsonObject body = Envelope.body(call);
    DeploymentInput input = DeploymentInput.deploy(body);
    return visibleInstance(call).compose(seen -> begin(call, seen, input, "deploy", current -> Future.succeededFuture(
        new Recipe(input.image() == null ? current.image() : input.image(),
            DeploymentInput.merged(current.env(), input.env()), Release.DEPLOY, null))));
  }

  Future<JsonObject> rollback(Call call) {
    JsonObject body = Envelope.body(call);
    DeploymentInput input = DeploymentInput.rollback(body);
    return visibleInstance(call).compose(seen -> begin(call, seen, input, "rollback", current ->
        targetRelease(current, input.releaseId()).map(target ->
            new Recipe(target.image(), target.env(), Release.ROLLBACK, target.id()))));
  }

  Future<JsonObject> get(Call call) {
    return visibleDeployment(call).map(Deployment::toJson);
  }

  Future<JsonObject> list(Call call) {
    PageRequest page = PageRequest.from(Envelope.query(call));
    return visibleInstance(call).compose(instance -> store.page(instance.id(), page))
        .map(found -> found.toJson(Deployment::toJson));
  }

  /** Pending or running → cancelled: the driver stops after its step in flight and restores the previous release. */
  Future<JsonObject> cancel(Call call) {
    return visibleDeployment(call).compose(seen -> transactions.run(call, tx -> tenancy.requireActive(tx.sql(),
            seen.tenantId())
        .compose(active -> store.findForUpdate(tx.sql(), seen.id()))
        .map(found -> found.orElseThrow(() -> ApiException.notFound(DEPLOYMENT, seen.id())))
        .compose(current -> {
          if (!current.state().isActive()) {
            throw ApiException.invalidState("deployment " + current.id() + " is " + current.state().wire()
                + ": only a pending or running deployment can be cancelled");
          }
          Deployment.Edit edit = current.edit();
          edit.state = DeploymentState.CANCELLED;
          edit.phase = Deployment.Phase.UNDO;
          edit.finishedAt = Times.now();
          return store.update(tx.sql(), edit.done()).map(saved -> saved.orElseThrow(() ->
              ApiException.conflict("deployment " + current.id() + " changed meanwhile; retry")));
        })
        .map(cancelled -> {
          tx.emit(EventType.DEPLOY_CANCELLED, cancelled.tenantId(), cancelled.instanceId(), cancelled.id(),
              cancelled.toJson());
          tx.audit(cancelled.tenantId(), DEPLOYMENT, cancelled.id(), "cancel",
              new JsonObject().put("instance_id", cancelled.instanceId()));
          return cancelled;
        })))
        .onSuccess(rollouts::kick)
        .map(Deployment::toJson);
  }

  Future<JsonObject> releases(Call call) {
    PageRequest page = PageRequest.from(Envelope.query(call));
    return visibleInstance(call).compose(instance -> ReleaseStore.page(transactions.pool(), instance.id(), page))
        .map(found -> found.toJson(Release::toJson));
  }

  Future<JsonObject> release(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("rel", id)) {
      return Future.failedFuture(ApiException.notFound("release", String.valueOf(id)));
    }
    return ReleaseStore.find(transactions.pool(), id).map(found -> found
        .filter(r -> Scope.canSee(call.principal(), r.tenantId()))
        .orElseThrow(() -> ApiException.notFound("release", id)).toJson());
  }

  /**
   * The one transaction of a deploy or rollback: an Idempotency-Key replay finds the deployment it made; otherwise the
   * instance, locked, must be deployable and free, and gets release vN+1 and a pending deployment that owns it.
   */
  private Future<JsonObject> begin(Call call, Instance seen, DeploymentInput input, String action,
      java.util.function.Function<Instance, Future<Recipe>> recipe) {
    String deploymentId = TypeId.generate("dep");
    return transactions.run(call, tx -> tenancy.requireActive(tx.sql(), seen.tenantId())
        .compose(active -> claimKey(tx, call, seen, action, deploymentId))
        .compose(replay -> replay.isPresent()
            ? replayed(tx, seen, action, replay.get())
            : locked(tx, seen.id()).compose(current -> recipe.apply(current)
                .compose(made -> start(tx, current, input, action, made, deploymentId)))))
        .onSuccess(rollouts::kick)
        .map(Deployment::toJson);
  }

  private Future<Optional<String>> claimKey(Tx tx, Call call, Instance seen, String action, String deploymentId) {
    Optional<String> key = Envelope.idempotencyKey(call);
    if (key.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    String hash = DeploymentInput.requestHash(action, seen.id(), Envelope.body(call));
    return IdempotencyKeys.claim(tx.sql(), seen.tenantId(), key.get(), hash, deploymentId);
  }

  private Future<Deployment> replayed(Tx tx, Instance seen, String action, String deploymentId) {
    return store.find(tx.sql(), deploymentId).map(found -> {
      Deployment first = found.orElseThrow(() -> ApiException.notFound(DEPLOYMENT, deploymentId));
      tx.audit(seen.tenantId(), INSTANCE, seen.id(), action, new JsonObject()
          .put("deployment_id", first.id()).put("idempotent_replay", true));
      return first;
    });
  }

  private Future<Deployment> start(Tx tx, Instance current, DeploymentInput input, String action, Recipe made,
      String deploymentId) {
    requireDeployable(current);
    return ReleaseStore.nextVersion(tx.sql(), current.id()).compose(version -> {
      Instant now = Times.now();
      Release release = new Release(ReleaseStore.newId(), current.tenantId(), current.id(), version, made.image(),
          made.env(), input.notes(), input.commitSha(), made.source(), made.rolledBackFrom(), now);
      boolean stopped = current.state() == InstanceState.STOPPED;
      Deployment deployment = newDeployment(deploymentId, current, release, input, tx.actorId(), stopped, now);
      Instance owned = stopped ? Deployments.onRelease(current, release) : Deployments.ownedBy(current, deployment);
      return ReleaseStore.insert(tx.sql(), release)
          .compose(v -> store.insert(tx.sql(), deployment))
          .compose(v -> stopped ? Future.<Void>succeededFuture() : ScheduleStore.put(tx.sql(), DriveJob.watch(deployment)))
          .compose(v -> instances.update(tx.sql(), owned))
          .map(saved -> {
            saved.orElseThrow(() -> ApiException.conflict("instance " + current.id() + " changed meanwhile; retry"));
            if (stopped) {
              tx.emit(EventType.DEPLOY_STARTED, current.tenantId(), current.id(), deployment.id(), deployment.toJson());
              tx.emit(EventType.DEPLOY_SUCCEEDED, current.tenantId(), current.id(), deployment.id(), deployment.toJson());
            }
            tx.audit(current.tenantId(), INSTANCE, current.id(), action, new JsonObject()
                .put("deployment_id", deployment.id()).put("release_id", release.id())
                .put("release_version", release.version()).put("strategy", deployment.strategy().wire()));
            return deployment;
          });
    });
  }

  /**
   * A new deployment: pending, or for a stopped instance succeeded at once (nothing runs; the release takes effect at
   * the next start).
   */
  private Deployment newDeployment(String id, Instance current, Release release, DeploymentInput input,
      String initiator, boolean stopped, Instant now) {
    int replicas = current.resources().replicas();
    return new Deployment(id, current.tenantId(), current.id(), release.id(), current.currentReleaseId(),
        input.strategy(), stopped ? DeploymentState.SUCCEEDED : DeploymentState.PENDING,
        stopped ? Deployment.Phase.DONE : Deployment.Phase.FORWARD, 0,
        current.state() == InstanceState.RUNNING, new Progress(replicas, 0, 0), null, initiator, input.notes(),
        input.commitSha(), now.plus(deadline), 1, now, stopped ? now : null, stopped ? now : null);
  }

  private static void requireDeployable(Instance current) {
    if (!current.state().allows(InstanceAction.DEPLOY)) {
      throw ApiException.invalidState("instance " + current.id() + " is " + current.state().wire() + ": cannot deploy");
    }
    if (current.deploymentId() != null) {
      throw ApiException.invalidState("instance " + current.id() + " has deployment " + current.deploymentId()
          + " in progress: one deployment at a time");
    }
  }

  /** The release to roll back to: it must belong to this instance (another instance's release is a 404). */
  private Future<Release> targetRelease(Instance instance, String releaseId) {
    ApiException missing = ApiException.notFound("release", releaseId);
    if (!TypeId.isValid("rel", releaseId)) {
      return Future.failedFuture(missing);
    }
    return ReleaseStore.find(transactions.pool(), releaseId).map(found -> found
        .filter(r -> r.instanceId().equals(instance.id()))
        .orElseThrow(() -> missing));
  }

  private Future<Instance> locked(Tx tx, String id) {
    return instances.findForUpdate(tx.sql(), id)
        .map(found -> found.orElseThrow(() -> ApiException.notFound(INSTANCE, id)));
  }

  private Future<Instance> visibleInstance(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("inst", id)) {
      return Future.failedFuture(ApiException.notFound(INSTANCE, String.valueOf(id)));
    }
    return instances.find(id).map(found -> found
        .filter(i -> Scope.canSee(call.principal(), i.tenantId()))
        .orElseThrow(() -> ApiException.notFound(INSTANCE, id)));
  }

  private Future<Deployment> visibleDeployment(Call call) {
    String id = Envelope.id(call);
    if (!TypeId.isValid("dep", id)) {
      return Future.failedFuture(ApiException.notFound(DEPLOYMENT, String.valueOf(id)));
    }
    return store.find(id).map(found -> found
        .filter(d -> Scope.canSee(call.principal(), d.tenantId()))
        .orElseThrow(() -> ApiException.notFound(DEPLOYMENT, id)));
  }
}
