package dev.ctrlplane.instance;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Provider;
import dev.ctrlplane.provider.ProviderListener;
import dev.ctrlplane.provider.Providers;
import dev.ctrlplane.provider.RunningInstance;
import dev.ctrlplane.store.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives instances from the state the store says they should be in to the facts on the provider, on the node that
 * runs their replicas. Work for one instance is serialised on this node; work for an instance owned by another node
 * is sent to that node's address, and taken over when that node is gone. One per node, shared by the verticles.
 */
public final class InstanceRuntime implements ProviderListener {

  private static final Logger LOG = LoggerFactory.getLogger(InstanceRuntime.class);
  private static final String NODE_ADDRESS_PREFIX = "ctrlplane.node.";
  private static final long ASK_OWNER_TIMEOUT_MS = 10_000;
  private static final Set<InstanceState> STOPS =
      Set.of(InstanceState.STOPPING, InstanceState.SUSPENDING, InstanceState.DESTROYING);

  private final Vertx vertx;
  private final InstanceStore store;
  private final Transactions transactions;
  private final Providers providers;
  private final String node;
  private final Settlements settlements;
  private final Map<String, Future<Void>> tails = new ConcurrentHashMap<>();

  public InstanceRuntime(Vertx vertx, InstanceStore store, Transactions transactions, Providers providers, String node) {
    this.vertx = vertx;
    this.store = store;
    this.transactions = transactions;
    this.providers = providers;
    this.node = node;
    this.settlements = new Settlements(store, transactions);
    providers.all().forEach(p -> p.setListener(this));
  }

  public String node() {
    return node;
  }

  /** The bus address of a node's runtime. */
  public static String nodeAddress(String node) {
    return NODE_ADDRESS_PREFIX + node;
  }

  /** What the provider should run for the instance: its desired replica sets (one at rest, more during a deploy). */
  static InstanceSpec specOf(Instance i) {
    return new InstanceSpec(i.id(), i.tenantId(), i.resources(), i.ports(),
        i.desiredSets().stream().map(DesiredSet::set).toList());
  }

  /**
   * Starts converging the instance where its replicas live; returns at once. {@code instance} is as a commit just
   * stored it: when no other work on it is queued here, the work starts from it instead of reading it back. Were it
   * stale all the same, the settle's compare-and-set would miss and the work would go again from the stored state.
   */
  public void converge(Instance instance) {
    if (instance.node() == null || node.equals(instance.node())) {
      if (STOPS.contains(instance.state()) && tails.containsKey(instance.id())) {
        interrupt(instance); // a start in flight gives up now: the instance is to stop, not to wait for it
      }
      if (tails.containsKey(instance.id())) {
        convergeHere(instance.id());
      } else {
        serialized(instance.id(), () -> step(instance));
      }
      return;
    }
    DeliveryOptions options = new DeliveryOptions().addHeader(Call.ACTION, "converge").setSendTimeout(ASK_OWNER_TIMEOUT_MS);
    vertx.eventBus().request(nodeAddress(instance.node()), new JsonObject().put("id", instance.id()), options)
        .onFailure(failure -> {
          if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
            takeOver(instance);
          } else {
            LOG.warn("node {} did not accept work for {}: {}", instance.node(), instance.id(), failure.getMessage());
          }
        });
  }

  /**
   * Work for an instance of this node, sent by another node after a commit there: as {@link #converge}, a start in
   * flight gives up at once when the instance is now to stop.
   */
  public Future<Void> convergeSent(String instanceId) {
    if (!tails.containsKey(instanceId)) {
      return convergeHere(instanceId);
    }
    return store.find(instanceId).compose(found -> {
      found.filter(i -> STOPS.contains(i.state())).ifPresent(this::interrupt);
      return convergeHere(instanceId);
    });
  }

  /** Converges an instance owned by this node; serialised with any other work on the same instance. */
  public Future<Void> convergeHere(String instanceId) {
    return serialized(instanceId, () -> store.find(instanceId).compose(found -> found.isEmpty()
        ? Future.succeededFuture()
        : step(found.get())));
  }

  /**
   * At start-up: remove replicas the store no longer assigns to this node, then converge every instance this node
   * owns (replicas left by a killed control plane are adopted by the provider).
   */
  public Future<Void> reconcileNode() {
    return removeOrphans().compose(removed -> store.idsOnNode(node)).compose(owned -> {
      Future<Void> chain = Future.succeededFuture();
      for (String id : owned) {
        chain = chain.compose(v -> convergeHere(id).recover(f -> Future.succeededFuture()));
      }
      return chain;
    });
  }

  /**
   * Removes the replicas of instances this node no longer runs: deleted meanwhile, or moved to another node while
   * this one was presumed dead (a pause longer than the node timeout). The providers are asked first and the store
   * second: replicas of an instance only start after the commit that assigns it here, so one that is in the
   * providers' list is in the store by the time the store is read, and no instance being created is taken for an
   * orphan.
   */
  public Future<Void> removeOrphans() {
    Map<Provider, Set<String>> running = new HashMap<>();
    providers.all().forEach(provider -> running.put(provider, Set.copyOf(provider.instanceIds())));
    return store.idsOnNode(node).compose(owned -> {
      Set<String> mine = new HashSet<>(owned);
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<Provider, Set<String>> entry : running.entrySet()) {
        for (String orphan : entry.getValue()) {
          if (!mine.contains(orphan)) {
            LOG.info("removing replicas of {} that this node no longer owns", orphan);
            chain = chain.compose(v -> entry.getKey().destroy(orphan).recover(f -> Future.succeededFuture()));
          }
        }
      }
      return chain;
    });
  }

  @Override
  public void instanceFailed(String instanceId, String message) {
    serialized(instanceId, () -> store.find(instanceId).compose(found -> found
        .filter(i -> i.state() == InstanceState.RUNNING)
        .map(i -> settle(i, InstanceState.FAILED, null, message))
        .orElse(Future.succeededFuture())));
  }

  @Override
  public void instanceChanged(String instanceId, RunningInstance now) {
    serialized(instanceId, () -> store.find(instanceId).compose(found -> found
        .filter(i -> i.state() == InstanceState.RUNNING && !i.endpoints().equals(InstanceChanges.servingEndpoints(i, now)))
        .map(i -> settle(i, InstanceState.RUNNING, now, null))
        .orElse(Future.succeededFuture())));
  }

  private Future<Void> step(Instance instance) {
    Provider provider;
    try {
      provider = providers.get(instance.providerName());
    } catch (RuntimeException unknown) {
      return settle(instance, InstanceState.FAILED, null, "provider " + instance.providerName() + " is not enabled on node " + node);
    }
    InstanceSpec spec = specOf(instance);
    if (instance.replicaSets() != null && isDeployable(instance.state())) {
      return deploymentStep(instance, provider, spec).mapEmpty();
    }
    return switch (instance.state()) {
      case PROVISIONING, STARTING, RUNNING -> running(instance, provider.apply(spec));
      case SCALING -> drained(instance, provider, spec).compose(current -> running(current, provider.apply(spec)));
      case RESTARTING -> running(instance, provider.restart(spec));
      case STOPPING -> stopped(instance, InstanceState.STOPPED, provider.stop(instance.id()));
      case SUSPENDING -> stopped(instance, InstanceState.SUSPENDED, provider.stop(instance.id()));
      case STOPPED, SUSPENDED, FAILED -> stopped(instance, instance.state(), provider.stop(instance.id()));
      case DESTROYING -> provider.destroy(instance.id()).transform(done -> done.succeeded()
          ? destroyed(instance)
          : settle(instance, InstanceState.FAILED, null, "destroy failed: " + done.cause().getMessage()));
    };
  }

  /** What a deployment's step left: what runs, and the instance as stored after it (null when not known). */
  public record Applied(RunningInstance running, Instance stored) {}

  /**
   * Converges the instance to its stored replica sets now, in its turn with any other work on it, and hands back what
   * runs: a deployment's step. {@code known} is the instance as the deployment just stored it: when no other work on
   * it is queued, the step starts from it instead of reading it back (as {@link #converge} does). Call on the
   * instance's owner node.
   */
  public Future<Applied> applyDesired(Instance known) {
    boolean queued = tails.containsKey(known.id());
    Promise<Applied> result = Promise.promise();
    serialized(known.id(), () -> (queued ? current(known.id()) : Future.succeededFuture(known))
        .compose(instance -> deploymentStep(instance, providers.get(instance.providerName()), specOf(instance)))
        .onComplete(result)
        .mapEmpty());
    return result.future();
  }

  private Future<Instance> current(String instanceId) {
    return store.find(instanceId)
        .map(found -> found.orElseThrow(() -> new IllegalStateException("instance " + instanceId + " is gone")));
  }

  /** Makes the provider stop waiting for the instance's starting replicas ({@code Provider.interrupt}). */
  public void interrupt(Instance instance) {
    providers.get(instance.providerName()).interrupt(instance.id());
  }

  private static boolean isDeployable(InstanceState state) {
    return state == InstanceState.RUNNING || state == InstanceState.FAILED;
  }

  /**
   * A step of a deployment, which owns the replicas while it runs: the provider runs the stored sets; a running
   * instance's endpoints follow its serving sets. A failure is the deployment's to handle (it undoes the step), so it
   * does not fail the instance, whose previous release is still serving.
   */
  private Future<Applied> deploymentStep(Instance instance, Provider provider, InstanceSpec spec) {
    return drained(instance, provider, spec).compose(current -> provider.apply(spec).compose(running -> {
      Instance after = InstanceChanges.settled(current, InstanceState.RUNNING, running, null);
      if (current.state() != InstanceState.RUNNING || after.equals(current)) {
        return Future.succeededFuture(new Applied(running, current));
      }
      return settlements.write(current, after).compose(saved -> saved.isPresent()
          ? Future.succeededFuture(new Applied(running, saved.get()))
          : again(current.id()).map(new Applied(running, null)));
    }));
  }

  /**
   * Takes the replicas that {@code spec} will stop out of a running instance's endpoints before they are stopped, so
   * that traffic leaves a replica first (as an endpoints controller drops a pod before it is sent SIGTERM). The
   * instance as it is stored after that (unchanged when nothing drains, or when another writer came first: its
   * settle then finds out).
   */
  private Future<Instance> drained(Instance instance, Provider provider, InstanceSpec spec) {
    if (instance.state() != InstanceState.RUNNING && instance.state() != InstanceState.SCALING) {
      return Future.succeededFuture(instance);
    }
    return provider.status(instance.id()).compose(now -> {
      List<Endpoint> kept = InstanceChanges.withoutStopping(instance, now, spec);
      if (kept.equals(instance.endpoints())) {
        return Future.succeededFuture(instance);
      }
      Instance.Edit edit = instance.edit();
      edit.endpoints = kept;
      return settlements.write(instance, edit.done()).map(saved -> saved.orElse(instance));
    });
  }

  private Future<Void> running(Instance instance, Future<RunningInstance> work) {
    return work.transform(done -> done.succeeded()
        ? settle(instance, InstanceState.RUNNING, done.result(), null)
        : settle(instance, InstanceState.FAILED, null, done.cause().getMessage()));
  }

  private Future<Void> stopped(Instance instance, InstanceState state, Future<Void> work) {
    return work.transform(done -> done.succeeded()
        ? settle(instance, state, null, instance.state() == state ? instance.statusMessage() : null)
        : settle(instance, InstanceState.FAILED, null, done.cause().getMessage()));
  }

  /** Writes the settled state if nobody changed the instance meanwhile; otherwise converges again from the new one. */
  private Future<Void> settle(Instance before, InstanceState state, RunningInstance running, String message) {
    Instance after = InstanceChanges.settled(before, state, running, message);
    if (after.equals(before)) {
      return Future.succeededFuture();
    }
    return settlements.write(before, after)
        .compose(saved -> saved.isPresent() ? Future.<Void>succeededFuture() : again(before.id()));
  }

  private Future<Void> again(String instanceId) {
    return store.find(instanceId).compose(found -> found.map(this::step).orElse(Future.succeededFuture()));
  }

  private Future<Void> destroyed(Instance instance) {
    return transactions.run(systemCall(), tx -> store.delete(tx.sql(), instance).map(deleted -> {
      tx.emit(EventType.INSTANCE_DELETED, instance.tenantId(), instance.id(), instance.id(), instance.toJson());
      return deleted;
    }));
  }

  private void takeOver(Instance instance) {
    moveTo(instance, node);
  }

  /**
   * Moves an instance of a node that is gone to {@code newNode}, which starts its replicas afresh (the old ones, if
   * their node comes back, are removed there as no longer its own). A compare-and-set: when the instance changed
   * meanwhile, nothing moves and the next take-over round looks again.
   */
  public Future<Boolean> moveTo(Instance instance, String newNode) {
    LOG.warn("node {} is gone; instance {} moves to node {}", instance.node(), instance.id(), newNode);
    Instance.Edit edit = instance.edit();
    edit.node = newNode;
    edit.endpoints = List.of();
    return transactions.run(systemCall(), tx -> store.update(tx.sql(), edit.done())).map(saved -> {
      saved.ifPresent(this::converge);
      return saved.isPresent();
    });
  }

  /** Runs work for one instance after the work queued before it, whatever that work's outcome. */
  private Future<Void> serialized(String instanceId, Supplier<Future<Void>> work) {
    Promise<Void> mine = Promise.promise();
    Future<Void> previous = tails.put(instanceId, mine.future());
    Future<Void> start = previous == null ? Future.succeededFuture() : previous;
    start.transform(ignored -> runSafely(work)).onComplete(done -> {
      if (done.failed()) {
        LOG.warn("converging {} failed: {}", instanceId, done.cause().getMessage());
      }
      tails.remove(instanceId, mine.future());
      mine.complete();
    });
    return mine.future();
  }

  private static Future<Void> runSafely(Supplier<Future<Void>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The caller the runtime's own writes are made as. */
  static Call systemCall() {
    return new Call("converge", Principal.system(), null, null, new JsonObject());
  }

  Optional<Future<Void>> pending(String instanceId) {
    return Optional.ofNullable(tails.get(instanceId));
  }
}
