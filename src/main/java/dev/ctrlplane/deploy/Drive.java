package dev.ctrlplane.deploy;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.instance.DesiredSet;
import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.instance.InstanceEvents;
import dev.ctrlplane.instance.InstanceRuntime;
import dev.ctrlplane.instance.InstanceState;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.ReplicaSet;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.release.Release;
import dev.ctrlplane.release.ReleaseStore;
import dev.ctrlplane.store.Times;
import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deployment being driven on this node, one step at a time, each decided from what is stored: the deployment's
 * phase and step, and the instance's replica sets. Every write is compare-and-set on both, so a cancel, a tenant
 * suspension or a delete that lands between two steps is seen at the next one; a driver that restarts (here or on
 * another node) repeats the step it finds stored, which is idempotent.
 */
final class Drive {

  private static final Logger LOG = LoggerFactory.getLogger(Drive.class);
  private static final Call SYSTEM = new Call("deploy.drive", Principal.system(), null, null, new JsonObject());

  /** The step was overtaken by another writer, or cancelled: look at what is stored again. */
  private static final class Overtaken extends RuntimeException {
    Overtaken() {
      super("overtaken", null, false, false);
    }
  }

  private final Rollouts.Parts parts;
  private final String id;
  private final Set<Integer> gated = new HashSet<>();
  private Release previous;
  private Release next;
  /**
   * The deployment and its instance as this drive last stored them, so the next step starts from them without reading
   * them back; null after anything this drive did not write itself (then both are read again). Safe because every
   * write is compare-and-set: a copy gone stale fails its write and is read again.
   */
  private Deployment knownDeployment;
  private Instance knownInstance;

  Drive(Rollouts.Parts parts, String id) {
    this.parts = parts;
    this.id = id;
  }

  /** Drives the deployment until nothing is left to do here. */
  Future<Void> run() {
    return iteration().compose(more -> more ? run() : Future.<Void>succeededFuture());
  }

  /** One decision and its work; true when there is more to do on this node. */
  private Future<Boolean> iteration() {
    if (knownDeployment != null && knownInstance != null) {
      Deployment d = knownDeployment;
      Instance i = knownInstance;
      forget();
      return decide(d, i).recover(this::pauseAfter);
    }
    return parts.store().find(id).compose(found -> {
      if (found.isEmpty() || found.get().phase() == Deployment.Phase.DONE) {
        return Future.succeededFuture(false);
      }
      Deployment d = found.get();
      return parts.instances().find(d.instanceId()).compose(instance -> {
        if (instance.isEmpty()) {
          return Future.succeededFuture(false); // deleted: its deployments went with it
        }
        return decide(d, instance.get());
      });
    }).recover(this::pauseAfter);
  }

  private Future<Boolean> decide(Deployment d, Instance i) {
    if (d.phase() == Deployment.Phase.DONE) {
      return Future.succeededFuture(false);
    }
    if (!parts.node().equals(i.node())) {
      parts.rollouts().kick(d);
      return Future.succeededFuture(false);
    }
    return releases(d).compose(loaded -> d.phase() == Deployment.Phase.FORWARD ? forward(d, i) : undo(d, i));
  }

  private Future<Boolean> pauseAfter(Throwable failure) {
    forget();
    LOG.warn("deployment {}: {}", id, failure.getMessage());
    return parts.pause().map(true); // the store blinked: try again shortly
  }

  private void forget() {
    knownDeployment = null;
    knownInstance = null;
  }

  private Future<Void> releases(Deployment d) {
    if (previous != null && next != null) {
      return Future.succeededFuture();
    }
    return ReleaseStore.find(parts.transactions().pool(), d.previousReleaseId())
        .compose(p -> ReleaseStore.find(parts.transactions().pool(), d.releaseId()).map(n -> {
          previous = p.orElseThrow();
          next = n.orElseThrow();
          return null;
        }));
  }

  // ---- forward -----------------------------------------------------------------------------------------------

  private Future<Boolean> forward(Deployment d, Instance i) {
    if (!d.id().equals(i.deploymentId()) || !deployable(i.state())) {
      return abandon(d, i);
    }
    List<Rollout.Step> steps = steps(d, i);
    if (d.state() == DeploymentState.PENDING) {
      return begin(d, i, steps.get(0));
    }
    if (Times.now().isAfter(d.deadlineAt())) {
      return fail(d, "the deployment did not finish within its deadline (" + d.deadlineAt() + ")");
    }
    if (d.step() >= steps.size()) {
      return succeed(d, i, d.progress());
    }
    Rollout.Step step = steps.get(d.step());
    if (!step.sets().equals(i.replicaSets())) {
      return commit(d, null, i, Deployments.stepped(i, step.sets()), tx -> progressed(tx, d, step));
    }
    return applyWithin(d, i, step).compose(applied -> {
      Instance now = applied.stored() == null ? i : applied.stored();
      return gate(d, i, step, applied.running())
          .compose(progress -> step.watch() ? watch(d, i).map(progress) : Future.succeededFuture(progress))
          .compose(progress -> advance(d, now, steps, progress));
    })
        .recover(failure -> failure instanceof Overtaken
            ? Future.succeededFuture(true)
            : failOrAbandon(d, failure.getMessage()));
  }

  /** A step failed: the deployment fails, unless the instance was taken from it meanwhile (then it was abandoned). */
  private Future<Boolean> failOrAbandon(Deployment d, String error) {
    return parts.instances().find(d.instanceId()).compose(now -> now.isEmpty() ? Future.succeededFuture(false)
        : d.id().equals(now.get().deploymentId()) && deployable(now.get().state())
            ? fail(d, error)
            : abandon(d, now.get()));
  }

  /**
   * Runs the step; one that starts new replicas has until the health deadline (or the deployment's, if sooner) for
   * them to come up, after which the provider stops waiting and the step fails.
   */
  private Future<InstanceRuntime.Applied> applyWithin(Deployment d, Instance i, Rollout.Step step) {
    if (!step.gate()) {
      return parts.runtime().applyDesired(i);
    }
    Instant until = earliest(Times.now().plus(parts.config().healthDeadline()), d.deadlineAt());
    long delay = Math.max(1, until.toEpochMilli() - Times.now().toEpochMilli());
    long timer = parts.vertx().setTimer(delay, fired -> parts.runtime().interrupt(i));
    return parts.runtime().applyDesired(i)
        .andThen(done -> parts.vertx().cancelTimer(timer))
        .recover(failure -> Future.failedFuture(Times.now().isBefore(until) ? failure : new IllegalStateException(
            "the new replicas of release v" + next.version() + " did not come up within "
                + parts.config().healthDeadlineText() + ": " + failure.getMessage())));
  }

  private List<Rollout.Step> steps(Deployment d, Instance i) {
    int replicas = i.resources().replicas();
    return Rollout.plan(d.strategy(), set(previous, replicas), d.restoreRunning() ? replicas : 0, set(next, replicas));
  }

  private Future<Boolean> begin(Deployment d, Instance i, Rollout.Step first) {
    Deployment.Edit edit = d.edit();
    edit.state = DeploymentState.RUNNING;
    edit.startedAt = Times.now();
    Deployment running = edit.done();
    return commit(d, running, i, Deployments.stepped(i, first.sets()), tx -> {
      tx.emit(EventType.DEPLOY_STARTED, d.tenantId(), d.instanceId(), d.id(), running.toJson());
      progressed(tx, running, first);
    });
  }

  /** Waits until every new replica not gated yet is healthy, within the health deadline and the deployment's. */
  private Future<Progress> gate(Deployment d, Instance i, Rollout.Step step, RunningInstance running) {
    List<Replica> fresh = running.of(next.id());
    Future<Void> all = Future.succeededFuture();
    if (step.gate()) {
      Instant until = earliest(Times.now().plus(parts.config().healthDeadline()), d.deadlineAt());
      for (Replica replica : fresh) {
        if (!gated.contains(replica.index())) {
          all = all.compose(v -> awaitHealthy(d, i, replica.index(), until)).map(v -> {
            gated.add(replica.index());
            return null;
          });
        }
      }
    }
    return all.map(v -> new Progress(i.resources().replicas(), fresh.size(),
        (int) fresh.stream().filter(r -> gated.contains(r.index())).count()));
  }

  private Future<Void> awaitHealthy(Deployment d, Instance i, int index, Instant until) {
    return probe(i, index).compose(verdict -> {
      if (verdict.healthy()) {
        return Future.succeededFuture();
      }
      if (Times.now().isAfter(until)) {
        return Future.failedFuture(new IllegalStateException("replica " + index + " of release v" + next.version()
            + " did not become healthy within " + parts.config().healthDeadlineText() + ": " + verdict.reason()));
      }
      return stillForward(d).compose(v -> parts.pause()).compose(v -> awaitHealthy(d, i, index, until));
    });
  }

  /** Watches the canary for the canary window: two failed probes in a row abort the deployment. */
  private Future<Void> watch(Deployment d, Instance i) {
    Instant end = Times.now().plus(parts.config().canaryWindow());
    int canary = gated.iterator().next(); // the canary step gates exactly one new replica
    return watchFrom(d, i, canary, end, 0);
  }

  private Future<Void> watchFrom(Deployment d, Instance i, int index, Instant end, int failures) {
    if (!Times.now().isBefore(end)) {
      return Future.succeededFuture();
    }
    return stillForward(d)
        .compose(v -> parts.timer(parts.config().watchInterval()))
        .compose(v -> probe(i, index))
        .compose(verdict -> {
          int failed = verdict.healthy() ? 0 : failures + 1;
          if (failed >= 2) {
            return Future.failedFuture(new IllegalStateException("the canary (replica " + index + " of release v"
                + next.version() + ") became unhealthy during the canary window: " + verdict.reason()));
          }
          return watchFrom(d, i, index, end, failed);
        });
  }

  /** One probe of replica {@code index} as its provider reports it now. */
  private Future<ReplicaGate.Verdict> probe(Instance i, int index) {
    return parts.providers().get(i.providerName()).status(i.id()).compose(now -> {
      Optional<Replica> replica = now.replicas().stream().filter(r -> r.index() == index).findFirst();
      return replica.isEmpty()
          ? Future.succeededFuture(ReplicaGate.Verdict.failing("replica " + index + " is gone"))
          : parts.gate().probe(i, replica.get());
    });
  }

  /** Fails with {@link Overtaken} once the deployment is no longer going forward (a cancel). */
  private Future<Void> stillForward(Deployment d) {
    return parts.store().find(d.id()).compose(now -> now.isPresent() && now.get().phase() == Deployment.Phase.FORWARD
        ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(new Overtaken()));
  }

  private Future<Boolean> advance(Deployment d, Instance i, List<Rollout.Step> steps, Progress progress) {
    int following = d.step() + 1;
    if (following >= steps.size()) {
      return succeed(d, i, progress);
    }
    Deployment.Edit edit = d.edit();
    edit.step = following;
    edit.progress = progress;
    Deployment moved = edit.done();
    Rollout.Step step = steps.get(following);
    return commit(d, moved, i, Deployments.stepped(i, step.sets()), tx -> progressed(tx, moved, step));
  }

  private Future<Boolean> succeed(Deployment d, Instance i, Progress progress) {
    Deployment.Edit edit = d.edit();
    edit.state = DeploymentState.SUCCEEDED;
    edit.phase = Deployment.Phase.DONE;
    edit.progress = progress;
    edit.finishedAt = Times.now();
    Deployment done = edit.done();
    Instance released = Deployments.released(Deployments.onRelease(i, next), true);
    return commit(d, done, i, released, tx -> {
      tx.emit(EventType.DEPLOY_SUCCEEDED, d.tenantId(), d.instanceId(), d.id(), done.toJson());
      InstanceEvents.stateChanged(tx, i, released);
    }).onSuccess(written -> parts.runtime().converge(released));
  }

  private Future<Boolean> fail(Deployment d, String error) {
    LOG.info("deployment {} of instance {} failed: {}", d.id(), d.instanceId(), error);
    Deployment.Edit edit = d.edit();
    edit.state = DeploymentState.FAILED;
    edit.phase = Deployment.Phase.UNDO;
    edit.error = error;
    edit.finishedAt = Times.now();
    Deployment failed = edit.done();
    return commit(d, failed, null, null,
        tx -> tx.emit(EventType.DEPLOY_FAILED, d.tenantId(), d.instanceId(), d.id(), failed.toJson()));
  }

  /** The instance is not the deployment's any more (suspended, being deleted): end it, undoing nothing. */
  private Future<Boolean> abandon(Deployment d, Instance i) {
    Deployment.Edit edit = d.edit();
    if (d.state().isActive()) {
      edit.state = DeploymentState.FAILED;
      edit.error = "instance " + i.id() + " is " + i.state().wire()
          + (d.id().equals(i.deploymentId()) ? "" : " and no longer runs this deployment") + ": abandoned";
      edit.finishedAt = Times.now();
    }
    edit.phase = Deployment.Phase.DONE;
    Deployment ended = edit.done();
    boolean owns = d.id().equals(i.deploymentId());
    return commit(d, ended, owns ? i : null, owns ? Deployments.released(i, false) : null, tx -> {
      if (d.state().isActive()) {
        tx.emit(EventType.DEPLOY_FAILED, d.tenantId(), d.instanceId(), d.id(), ended.toJson());
      }
    }).map(false);
  }

  // ---- undo --------------------------------------------------------------------------------------------------

  /** Restores the previous release as it was (running, or not), then lets go of the instance. */
  private Future<Boolean> undo(Deployment d, Instance i) {
    if (!d.id().equals(i.deploymentId())) {
      return abandon(d, i);
    }
    int replicas = i.resources().replicas();
    List<DesiredSet> restored = Rollout.restored(set(previous, replicas), d.restoreRunning() ? replicas : 0);
    if (!restored.equals(i.replicaSets())) {
      return commit(d, null, i, Deployments.stepped(i, restored), tx -> progressed(tx, d,
          new Rollout.Step("undo", restored, false, false)));
    }
    return parts.runtime().applyDesired(i)
        .compose(whole -> restoredWhole(d, whole.stored() == null ? i : whole.stored()))
        .recover(failure -> restoreFailed(d, i, failure.getMessage()));
  }

  private Future<Boolean> restoredWhole(Deployment d, Instance i) {
    Deployment.Edit edit = d.edit();
    edit.phase = Deployment.Phase.DONE;
    if (d.state() == DeploymentState.FAILED) {
      edit.state = DeploymentState.ROLLED_BACK;
    }
    Deployment done = edit.done();
    Instance released = Deployments.released(i, d.restoreRunning());
    return commit(d, done, i, released, tx -> {
      tx.emit(EventType.DEPLOY_ROLLED_BACK, d.tenantId(), d.instanceId(), d.id(), done.toJson());
      InstanceEvents.stateChanged(tx, i, released);
    }).onSuccess(written -> parts.runtime().converge(released));
  }

  private Future<Boolean> restoreFailed(Deployment d, Instance i, String why) {
    Deployment.Edit edit = d.edit();
    edit.phase = Deployment.Phase.DONE;
    edit.error = (d.error() == null ? "" : d.error() + "; ") + "restoring release v" + previous.version()
        + " failed: " + why;
    Deployment done = edit.done();
    Instance lost = Deployments.lost(i, "deployment " + d.id() + " could not restore release v" + previous.version()
        + ": " + why);
    return commit(d, done, i, lost, tx -> InstanceEvents.settled(tx, i, lost))
        .onSuccess(written -> parts.runtime().converge(lost));
  }

  // ---- writes ------------------------------------------------------------------------------------------------

  /**
   * Writes the deployment and the instance, each compare-and-set ({@code dNext} / {@code iNext} null: unchanged), with
   * their events, in one transaction. True either way: when another writer came first, the next iteration reads what it did.
   */
  private Future<Boolean> commit(Deployment d, Deployment dNext, Instance i, Instance iNext, Consumer<Tx> events) {
    Deployment[] stored = new Deployment[1];
    return parts.transactions().run(SYSTEM, tx -> (dNext == null
            ? Future.succeededFuture(Optional.of(d))
            : parts.store().update(tx.sql(), dNext))
        .compose(savedD -> {
          stored[0] = savedD.orElseThrow(Overtaken::new);
          return iNext == null ? Future.succeededFuture(Optional.ofNullable(i)) : parts.instances().update(tx.sql(), iNext);
        })
        .map(savedI -> {
          if (iNext != null && savedI.isEmpty()) {
            throw new Overtaken();
          }
          events.accept(tx);
          return savedI.orElse(null);
        }))
        .map(savedI -> {
          knownDeployment = stored[0];
          knownInstance = savedI;
          return true;
        })
        .recover(failure -> {
          forget();
          return failure instanceof Overtaken ? Future.succeededFuture(true) : Future.failedFuture(failure);
        });
  }

  private static void progressed(Tx tx, Deployment d, Rollout.Step step) {
    JsonArray sets = new JsonArray();
    step.sets().forEach(s -> sets.add(new JsonObject().put("release_id", s.set().releaseId())
        .put("count", s.set().count()).put("serving", s.serving())));
    tx.emit(EventType.DEPLOY_PROGRESSED, d.tenantId(), d.instanceId(), d.id(), d.toJson()
        .put("step", new JsonObject().put("index", d.step()).put("kind", step.kind()).put("sets", sets)));
  }

  private static ReplicaSet set(Release release, int count) {
    Map<String, String> env = new LinkedHashMap<>();
    release.env().forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    return new ReplicaSet(release.id(), release.image(), env, count);
  }

  private static boolean deployable(InstanceState state) {
    return state == InstanceState.RUNNING || state == InstanceState.FAILED;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
