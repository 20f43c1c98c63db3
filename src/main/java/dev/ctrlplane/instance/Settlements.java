package dev.ctrlplane.instance;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.store.GroupCommit;
import dev.ctrlplane.store.GroupCommit.Member;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Writes the states the runtime settles instances in (running, stopped, failed...), with their events. Settlements
 * that arrive while others are being written share the next transaction: one commit, and their events in one
 * multi-row statement. Each is still compare-and-set on its instance's version, and a group that fails as a whole is
 * written again one settlement per transaction.
 */
final class Settlements {

  private static final int MAX_GROUP = 32;

  private record Change(Instance before, Instance after) {}

  private final InstanceStore store;
  private final Transactions transactions;
  private final GroupCommit<Change, Optional<Instance>> groups = new GroupCommit<>(MAX_GROUP, this::writeGroup);

  Settlements(InstanceStore store, Transactions transactions) {
    this.store = store;
    this.transactions = transactions;
  }

  /** The stored instance after the change, or empty when another writer changed it first. */
  Future<Optional<Instance>> write(Instance before, Instance after) {
    return groups.submit(new Change(before, after));
  }

  private Future<?> writeGroup(List<Member<Change, Optional<Instance>>> group) {
    if (group.size() == 1) {
      return writeAlone(group.get(0));
    }
    List<Call> calls = Collections.nCopies(group.size(), InstanceRuntime.systemCall());
    return transactions.runGroup(calls, units -> {
      List<Future<Optional<Instance>>> saved = new ArrayList<>(group.size());
      for (int i = 0; i < group.size(); i++) {
        saved.add(save(units.get(i), group.get(i).request()));
      }
      return Future.all(saved).map(all -> saved);
    }).transform(written -> {
      if (written.failed()) {
        return Future.join(group.stream().map(this::writeAlone).toList());
      }
      for (int i = 0; i < group.size(); i++) {
        group.get(i).answer().complete(written.result().get(i).result());
      }
      return Future.succeededFuture();
    });
  }

  private Future<Optional<Instance>> writeAlone(Member<Change, Optional<Instance>> member) {
    return transactions.run(InstanceRuntime.systemCall(), tx -> save(tx, member.request())).onComplete(member.answer());
  }

  private Future<Optional<Instance>> save(Tx tx, Change change) {
    return store.update(tx.sql(), change.after()).map(saved -> {
      saved.ifPresent(s -> InstanceEvents.settled(tx, change.before(), s));
      return saved;
    });
  }
}
