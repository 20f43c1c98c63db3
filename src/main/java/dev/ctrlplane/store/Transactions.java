package dev.ctrlplane.store;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.events.EventPublisher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs units of work: the change, its events (outbox) and its audit entry commit together; the events are published
 * on the bus after the commit, never before, so a subscriber never sees a change that was rolled back.
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

  public <T> Future<T> run(Call call, Function<Tx, Future<T>> work) {
    AtomicReference<Tx> unit = new AtomicReference<>();
    return pool.withTransaction(conn -> {
      Tx tx = new Tx(conn, call, node);
      unit.set(tx);
      return work.apply(tx).compose(result -> tx.flush().map(result));
    }).onSuccess(committed -> publisher.publish(unit.get().events()));
  }
}
