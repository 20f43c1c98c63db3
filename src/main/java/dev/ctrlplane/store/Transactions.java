package dev.ctrlplane.store;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.events.EventPublisher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Transaction;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs units of work: the change, its events (outbox) and its audit entry commit together; the events are published
 * on the bus after the commit, never before, so a subscriber never sees a change that was rolled back. A mutating
 * call's unit of work ({@link Call#mutating}) that did not record exactly one audit entry does not commit: it fails
 * as a bug (500 {@code internal}) and rolls back. The system's own writes (the runtime settling states) are not API
 * calls and are exempt.
 */
public final class Transactions {

  private final Pool pool;
  private final EventPublisher publisher;
  private final String node;

  public Transactions(Pool pool, EventPublisher publisher, String node) {
    this.pool = pool;
    this.publisher = publisher;
    this.node = node;
  }

  public Pool pool() {
    return pool;
  }

  public String node() {
    return node;
  }

  /** Where committed events go. */
  public EventPublisher publisher() {
    return publisher;
  }

  /**
   * Runs {@code work} and its flush in one transaction, committed when both succeed and rolled back otherwise.
   * BEGIN is not awaited: the work's first statements follow it on the connection (the pool pipelines), which saves
   * a round trip per unit of work; PostgreSQL still runs them in order, inside the transaction.
   */
  public <T> Future<T> run(Call call, Function<Tx, Future<T>> work) {
    return runGroup(List.of(call), units -> work.apply(units.get(0)));
  }

  /**
   * Runs the work of several calls as one transaction (a group commit): one {@link Tx} per call, all on the same
   * connection, so each call's events and audit entry are its own; they are written together, with multi-row
   * statements, and all commit or none do.
   */
  public <T> Future<T> runGroup(List<Call> calls, Function<List<Tx>, Future<T>> work) {
    AtomicReference<List<Tx>> group = new AtomicReference<>();
    return pool.withConnection(conn -> {
      Future<Transaction> begun = conn.begin();
      List<Tx> units = calls.stream().map(call -> new Tx(conn, call, node)).toList();
      group.set(units);
      Future<T> done = attempt(work, units)
          .compose(result -> audited(units).compose(checked -> Tx.flush(conn, units)).map(result));
      return begun.compose(transaction -> done.transform(outcome -> outcome.succeeded()
          ? transaction.commit().map(outcome.result())
          : transaction.rollback().transform(rolledBack -> Future.<T>failedFuture(outcome.cause()))));
    }).onSuccess(committed -> group.get().forEach(unit -> {
      publisher.publish(unit.events());
      unit.afterCommit().forEach(Runnable::run);
    }));
  }

  /** A mutating call commits only with its audit entry; a unit of work that forgot it fails here, rolled back. */
  private static Future<Void> audited(List<Tx> units) {
    try {
      units.forEach(Tx::requireAudited);
      return Future.succeededFuture();
    } catch (IllegalStateException unaudited) {
      return Future.failedFuture(unaudited);
    }
  }

  private static <T> Future<T> attempt(Function<List<Tx>, Future<T>> work, List<Tx> units) {
    try {
      return work.apply(units);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
