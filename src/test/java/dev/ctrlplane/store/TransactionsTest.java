package dev.ctrlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.events.EventPublisher;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A mutating call's change cannot commit without its audit entry, on a real PostgreSQL: a unit of work that recorded
 * none (or two) fails as a bug and rolls back; one with exactly one commits; the system's own writes need none; in a
 * group commit a call refused inside the group is exempt, and one unaudited member rolls back the whole group.
 */
class TransactionsTest {

  static Vertx vertx;
  static Pool pool;
  static Transactions transactions;

  @BeforeAll
  static void store() {
    vertx = Vertx.vertx();
    pool = StorePool.create(vertx, TestDatabase.freshDatabase(), 4);
    Futures.await(new Migrations(pool).migrate());
    Futures.await(pool.query("CREATE TABLE probe (v TEXT)").execute());
    transactions = new Transactions(pool, new EventPublisher(vertx.eventBus()), "test-node");
  }

  @AfterAll
  static void close() {
    Futures.await(pool.close());
    Futures.await(vertx.close());
  }

  @Test
  void aMutatingCallThatRecordsNoAuditEntryRollsBackAsABug() {
    Call call = mutation();
    IllegalStateException bug = assertThrows(IllegalStateException.class,
        () -> Futures.await(transactions.run(call, tx -> insert(tx, call))));
    assertTrue(bug.getMessage().contains("recorded 0 audit entries instead of one"), bug::getMessage);
    assertEquals(0, rows(call), "the change was rolled back");
  }

  @Test
  void aMutatingCallThatRecordsTwoAuditEntriesRollsBackToo() {
    Call call = mutation();
    assertThrows(IllegalStateException.class, () -> Futures.await(transactions.run(call, tx -> insert(tx, call)
        .onSuccess(v -> {
          audit(tx);
          audit(tx);
        }))));
    assertEquals(0, rows(call));
    assertEquals(0, entries(call));
  }

  @Test
  void aMutatingCallWithItsAuditEntryCommitsBoth() {
    Call call = mutation();
    Futures.await(transactions.run(call, tx -> insert(tx, call).onSuccess(v -> audit(tx))));
    assertEquals(1, rows(call));
    assertEquals(1, entries(call));
  }

  @Test
  void theSystemsOwnWritesNeedNoAuditEntry() {
    Call system = new Call("converge", Principal.system(), "sys-" + UUID.randomUUID(), null, new JsonObject());
    Futures.await(transactions.run(system, tx -> insert(tx, system)));
    assertEquals(1, rows(system));
  }

  @Test
  void inAGroupARefusedCallIsExemptButOneUnauditedMemberRollsBackAll() {
    Call refused = mutation();
    Call audited = mutation();
    Futures.await(transactions.runGroup(List.of(refused, audited), units -> {
      units.get(0).markRefused();
      return insert(units.get(1), audited).onSuccess(v -> audit(units.get(1)));
    }));
    assertEquals(1, rows(audited));

    Call forgotten = mutation();
    Call fine = mutation();
    assertThrows(IllegalStateException.class, () -> Futures.await(transactions.runGroup(List.of(forgotten, fine),
        units -> insert(units.get(0), forgotten).compose(v -> insert(units.get(1), fine))
            .onSuccess(v -> audit(units.get(1))))));
    assertEquals(0, rows(forgotten));
    assertEquals(0, rows(fine), "the whole group rolled back");
    assertEquals(0, entries(fine));
  }

  private static Call mutation() {
    return new Call("probe", new Principal("tester", null, Set.of()), "req-" + UUID.randomUUID(), null,
        new JsonObject()).asMutation();
  }

  private static Future<Void> insert(Tx tx, Call call) {
    return tx.sql().preparedQuery("INSERT INTO probe (v) VALUES ($1)").execute(Tuple.of(call.requestId())).mapEmpty();
  }

  private static void audit(Tx tx) {
    tx.audit(null, "probe", null, "probe", new JsonObject());
  }

  private static long rows(Call call) {
    return count("SELECT count(*) FROM probe WHERE v = $1", call.requestId());
  }

  private static long entries(Call call) {
    return count("SELECT count(*) FROM audit_log WHERE request_id = $1", call.requestId());
  }

  private static long count(String sql, String value) {
    return Futures.await(pool.preparedQuery(sql).execute(Tuple.of(value))).iterator().next().getLong(0);
  }
}
