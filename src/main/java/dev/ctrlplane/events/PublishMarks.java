package dev.ctrlplane.events;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the events this node published, in batches (one UPDATE per interval, not one per transaction): what stays
 * unmarked after {@code events.relay_grace} (the node died between COMMIT and this mark) the relay publishes.
 * A mark lost in a failure only means the relay publishes that event once more.
 */
public final class PublishMarks {

  private static final Logger LOG = LoggerFactory.getLogger(PublishMarks.class);
  private static final String MARK = "UPDATE events SET published_at = now() WHERE id = ANY ($1)";
  private static final int MAX_BATCH = 5000;

  private final Pool pool;
  private final Object lock = new Object();
  private List<String> pending = new ArrayList<>();
  private boolean flushing;

  public PublishMarks(Pool pool) {
    this.pool = pool;
  }

  /** Called on any thread once events are on the bus. */
  public void published(List<Event> events) {
    synchronized (lock) {
      events.forEach(event -> pending.add(event.id()));
    }
  }

  /** Writes the marks gathered so far (one statement at a time). */
  void flush() {
    List<String> batch;
    synchronized (lock) {
      if (flushing || pending.isEmpty()) {
        return;
      }
      if (pending.size() <= MAX_BATCH) {
        batch = pending;
        pending = new ArrayList<>();
      } else {
        batch = new ArrayList<>(pending.subList(0, MAX_BATCH));
        pending = new ArrayList<>(pending.subList(MAX_BATCH, pending.size()));
      }
      flushing = true;
    }
    pool.preparedQuery(MARK).execute(Tuple.of(batch.toArray(String[]::new))).onComplete(done -> {
      synchronized (lock) {
        flushing = false;
      }
      if (done.failed()) {
        LOG.warn("could not mark {} events published (the relay will publish them again): {}", batch.size(),
            done.cause().getMessage());
      }
    });
  }
}
