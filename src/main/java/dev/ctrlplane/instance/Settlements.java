package dev.ctrlplane.instance;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.store.GroupCommit;
import dev.ctrlplane.store.GroupCommit.Member;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Writes the states the runtime settles instances in (running, stopped, failed...), with their events. Settlements
 * that arrive while others are being written share the next transaction: one UPDATE, one commit, and their events in
 * one multi-row statement. Each is still compare-and-set on its instance's version.
 */
final class Settlements implements GroupCommit.Writer<Settlements.Change, Optional<Instance>> {

  private static final int MAX_GROUP = 32;

  /**
   * The node's settles wait in one lane, two groups in flight: larger groups than a lane per event loop, so fewer
   * statements per settle (PostgreSQL CPU per create down about a fifth, docs/BENCHMARKS.md). Keyed by instance,
   * so two groups in flight never hold the same instance's row.
   */
  private static final int IN_FLIGHT = 2;

  record Change(Instance before, Instance after) {}

  private final InstanceStore store;
  private final Transactions transactions;
  private final GroupCommit<Change, Optional<Instance>> groups =
      new GroupCommit<>("instance.settle", MAX_GROUP, IN_FLIGHT, change -> change.after().id(), this);

  Settlements(InstanceStore store, Transactions transactions) {
    this.store = store;
    this.transactions = transactions;
  }

  /** The stored instance after the change, or empty when another writer changed it first. */
  Future<Optional<Instance>> write(Instance before, Instance after) {
    return groups.submit(new Change(before, after));
  }

  /**
   * One UPDATE for the whole group, its rows in id order, the order a tenant suspension locks instances in, so that
   * a group and a suspension never hold one instance each while waiting for the other's.
   */
  @Override
  public Future<?> writeGroup(List<Member<Change, Optional<Instance>>> arrived) {
    List<Member<Change, Optional<Instance>>> group = arrived.stream()
        .sorted(Comparator.comparing(member -> member.request().after().id()))
        .toList();
    List<Instance> settled = group.stream().map(member -> onlySettled(member.request())).toList();
    if (settled.stream().map(Instance::id).distinct().count() < settled.size()) {
      // the runtime settles an instance once at a time; twice in one statement would be one update for two
      throw new IllegalArgumentException("an instance settled twice in one group");
    }
    List<Call> calls = Collections.nCopies(group.size(), InstanceRuntime.systemCall());
    return transactions.runGroup(calls, units -> store.settleAll(units.get(0).sql(), settled).map(stored -> {
      List<Optional<Instance>> saved = new ArrayList<>(group.size());
      for (int i = 0; i < group.size(); i++) {
        Instance written = stored.get(settled.get(i).id());
        if (written != null) {
          InstanceEvents.settled(units.get(i), group.get(i).request().before(), written);
        }
        saved.add(Optional.ofNullable(written));
      }
      return saved;
    })).onSuccess(saved -> {
      for (int i = 0; i < group.size(); i++) {
        group.get(i).answer().complete(saved.get(i));
      }
    });
  }

  /**
   * The change's new instance, if it changes only what a settle writes (state, status message, provider ref,
   * endpoints) of one instance; anything else fails the group, which is then written one change at a time.
   */
  private static Instance onlySettled(Change change) {
    Instance.Edit expected = change.before().edit();
    expected.state = change.after().state();
    expected.statusMessage = change.after().statusMessage();
    expected.providerRef = change.after().providerRef();
    expected.endpoints = change.after().endpoints();
    if (!expected.done().equals(change.after())) {
      throw new IllegalArgumentException("not a settle: " + change.after().id());
    }
    return change.after();
  }

  @Override
  public Future<Optional<Instance>> writeAlone(Change change) {
    return transactions.run(InstanceRuntime.systemCall(), tx -> save(tx, change));
  }

  private Future<Optional<Instance>> save(Tx tx, Change change) {
    return store.update(tx.sql(), change.after()).map(saved -> {
      saved.ifPresent(s -> InstanceEvents.settled(tx, change.before(), s));
      return saved;
    });
  }
}
