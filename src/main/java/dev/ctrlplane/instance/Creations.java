package dev.ctrlplane.instance;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.events.EventType;
import dev.ctrlplane.release.ReleaseStore;
import dev.ctrlplane.store.GroupCommit;
import dev.ctrlplane.store.GroupCommit.Member;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.tenant.Tenancy;
import dev.ctrlplane.tenant.Tenancy.Standing;
import dev.ctrlplane.tenant.Usage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Writes new instances. Creates that arrive while others are being written are written together, as one group
 * commit (the node's creates wait in one lane, two groups of different tenants in flight): the group's tenants
 * locked at once (in id order), each create admitted or refused in arrival order against the counters the ones
 * before it leave, and every row of the admitted ones (instances, releases, events, audit
 * entries) written with one multi-row statement per table. What a create sees is the same as alone: its own 201,
 * 400, 403 or 429, the quota exact. A group that fails as a whole (a name taken, by a stored instance or by another
 * member) is written again by {@link GroupCommit} one create per transaction, so each member gets its own answer.
 */
final class Creations implements GroupCommit.Writer<Creations.Request, Instance> {

  /** Enough to take what arrives during one commit at 64 connections, and few statement texts to cache. */
  private static final int MAX_GROUP = 32;

  /**
   * Groups in flight at once on a node. Their tenants never overlap, so no group waits for another's tenant locks;
   * two keep PostgreSQL busy while one commits, and leave room when a tenant is locked by something else (a
   * suspension). One or three measured no better (docs/BENCHMARKS.md).
   */
  private static final int IN_FLIGHT = 2;

  record Request(Call call, Instance draft) {}

  private final GroupCommit<Request, Instance> groups = new GroupCommit<>("instance.create", MAX_GROUP, IN_FLIGHT,
      request -> request.draft().tenantId(), this);
  private final InstanceStore store;
  private final Transactions transactions;
  private final Tenancy tenancy;

  Creations(InstanceStore store, Transactions transactions, Tenancy tenancy) {
    this.store = store;
    this.transactions = transactions;
    this.tenancy = tenancy;
  }

  /** Stores the new instance with its release, events and audit entry; the future completes after the commit. */
  Future<Instance> create(Call call, Instance draft) {
    return groups.submit(new Request(call, draft));
  }

  @Override
  public Future<?> writeGroup(List<Member<Request, Instance>> group) {
    List<Call> calls = group.stream().map(member -> member.request().call()).toList();
    List<ApiException> refusals = new ArrayList<>(Collections.nCopies(group.size(), null));
    return transactions.runGroup(calls, units -> admitAndInsert(group, units, refusals)).onSuccess(committed -> {
      for (int i = 0; i < group.size(); i++) {
        Member<Request, Instance> member = group.get(i);
        if (refusals.get(i) != null) {
          member.answer().fail(refusals.get(i));
        } else {
          member.answer().complete(member.request().draft());
        }
      }
    });
  }

  private Future<Void> admitAndInsert(List<Member<Request, Instance>> group, List<Tx> units,
      List<ApiException> refusals) {
    // the statement locks them in id order, whatever the order given here
    List<String> tenantIds = group.stream().map(member -> member.request().draft().tenantId()).toList();
    return tenancy.lockAllForGrowth(units.get(0).sql(), tenantIds).compose(standings -> {
      List<Instance> admitted = new ArrayList<>();
      for (int i = 0; i < group.size(); i++) {
        Instance draft = group.get(i).request().draft();
        try {
          admit(standings, draft);
          admitted.add(draft);
          recordCreated(units.get(i), draft);
        } catch (ApiException refused) {
          refusals.set(i, refused);
          units.get(i).markRefused();
        }
      }
      return insert(units.get(0), admitted);
    });
  }

  private static void admit(Map<String, Standing> standings, Instance draft) {
    Standing standing = standings.get(draft.tenantId());
    if (standing == null) {
      throw Tenancy.unknown(draft.tenantId());
    }
    standings.put(draft.tenantId(), standing.admit(growthOf(draft)));
  }

  /** One create in a transaction of its own: the quota check, then the rows right behind it in one round trip. */
  @Override
  public Future<Instance> writeAlone(Request request) {
    Instance draft = request.draft();
    Future<Instance> written = transactions.run(request.call(), tx -> {
      Future<Void> room = tenancy.requireRoomFor(tx.sql(), draft.tenantId(), growthOf(draft));
      Future<Void> inserted = insert(tx, List.of(draft));
      return room.compose(checked -> inserted).map(done -> {
        recordCreated(tx, draft);
        return draft;
      });
    });
    return written.recover(InstanceService::slugTaken);
  }

  /**
   * The rows go out pipelined, behind the tenant lock: when a statement fails (or the quota check refused), the
   * transaction rolls back and none of them happened.
   */
  private Future<Void> insert(Tx tx, List<Instance> drafts) {
    Future<Void> instances = store.insertAll(tx.sql(), drafts);
    Future<Void> releases =
        ReleaseStore.insertInitial(tx.sql(), drafts.stream().map(Creations::initialRelease).toList());
    return instances.compose(stored -> releases);
  }

  private static void recordCreated(Tx tx, Instance draft) {
    tx.emit(EventType.INSTANCE_CREATED, draft.tenantId(), draft.id(), draft.id(), draft.toJson());
    InstanceEvents.stateChanged(tx, null, draft);
    tx.audit(draft.tenantId(), InstanceService.RESOURCE, draft.id(), "create", new JsonObject()
        .put("name", draft.name()).put("image", draft.image()).put("provider_name", draft.providerName()));
  }

  private static Usage growthOf(Instance draft) {
    return Usage.ofInstance(draft.resources().cpuMillis(), draft.resources().memoryMb(), draft.resources().replicas());
  }

  private static ReleaseStore.Initial initialRelease(Instance draft) {
    return new ReleaseStore.Initial(draft.currentReleaseId(), draft.tenantId(), draft.id(), draft.image(),
        draft.env(), draft.createdAt());
  }
}
