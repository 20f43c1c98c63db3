package dev.ctrlplane.events;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the events this node published, in batches (one UPDATE per interval, not one per transaction): what stays
 * unmarked after {@code events.relay_grace} (the node died between COMMIT and this mark) the relay publishes.
 * A publish on the clustered bus is not acknowledged, so an event is marked only {@link #SETTLE_NANOS} after it was
 * handed to the bus, time for its messages to leave the node: a node killed in that time leaves it unmarked, and the
 * relay publishes it. A mark lost in a failure only means the relay publishes that event once more.
 */
public final class PublishMarks {

  private static final Logger LOG = LoggerFactory.getLogger(PublishMarks.class);
  private static final String MARK = "UPDATE events SET published_at = now() WHERE id = ANY ($1)";
  private static final int MAX_BATCH = 5000;
  static final long SETTLE_NANOS = 250_000_000L;

  private record Published(long atNanos, List<String> ids) {}

  private final Pool pool;
  private final ArrayDeque<Published> pending = new ArrayDeque<>();
  private boolean flushing;

  public PublishMarks(Pool pool) {
    this.pool = pool;
  }

  /** Called on any thread once events are on the bus. */
  public void published(List<Event> events) {
    List<String> ids = new ArrayList<>(events.size());
    events.forEach(event -> ids.add(event.id()));
    synchronized (pending) {
      pending.add(new Published(System.nanoTime(), ids));
    }
  }

  /** Writes the marks of what was published long enough ago (one statement at a time). */
  void flush() {
    List<String> batch = new ArrayList<>();
    long settled = System.nanoTime() - SETTLE_NANOS;
    synchronized (pending) {
      if (flushing) {
        return;
      }
      while (!pending.isEmpty() && pending.peek().atNanos() - settled <= 0 && batch.size() < MAX_BATCH) {
        batch.addAll(pending.poll().ids());
      }
      if (batch.isEmpty()) {
        return;
      }
      flushing = true;
    }
    pool.preparedQuery(MARK).execute(Tuple.of(batch.toArray(String[]::new))).onComplete(done -> {
      synchronized (pending) {
        flushing = false;
      }
      if (done.failed()) {
        LOG.warn("could not mark {} events published (the relay will publish them again): {}", batch.size(),
            done.cause().getMessage());
      }
    });
  }
}
