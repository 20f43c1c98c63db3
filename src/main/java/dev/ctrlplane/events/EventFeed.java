package dev.ctrlplane.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per node: tails the outbox in stream order and keeps the latest events in a {@link Window} that every SSE
 * stream of the node reads from, so a thousand idle streams cost no queries at all. It reads when an event is
 * published on the bus (from any node) and every {@code pollInterval} (an event becomes readable only once every
 * older transaction has ended, which publishes nothing). Streams that fall behind the window catch up from the store
 * on their own ({@link EventStream}).
 */
public final class EventFeed extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
  private static final String ALL_TENANTS = "*";

  /**
   * The latest events, in stream order: all of them between {@code floor} (exclusive) and {@code scanned}
   * (inclusive). Immutable; replaced as a whole after each read.
   */
  public record Window(EventPosition floor, EventPosition scanned, List<StoredEvent> events) {

    /** The index of the first event after {@code position}. */
    int firstAfter(EventPosition position) {
      int low = 0;
      int high = events.size();
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (events.get(mid).position().isAfter(position)) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      return low;
    }
  }

  /** Told when the window has new events for it; called on any thread. */
  public interface Subscriber {
    void wake();
  }

  private final EventLog log;
  private final Duration pollInterval;
  private final int capacity;
  private final int batchSize;
  private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private volatile Window window;
  private boolean reading;
  private boolean again;
  private MessageConsumer<Object> wakeUps;

  public EventFeed(EventLog log, Duration pollInterval, int capacity) {
    this.log = log;
    this.pollInterval = pollInterval;
    this.capacity = capacity;
    this.batchSize = Math.min(capacity, 1000);
  }

  @Override
  public Future<?> start() {
    Context here = context;
    return log.horizon().compose(horizon -> {
      EventPosition now = EventPosition.before(horizon);
      window = new Window(now, now, List.of());
      vertx.setPeriodic(pollInterval.toMillis(), id -> read());
      wakeUps = vertx.eventBus().consumer(EventType.FIREHOSE, message -> here.runOnContext(v -> read()));
      var registry = io.vertx.micrometer.backends.BackendRegistries.getDefaultNow();
      if (registry != null) {
        io.micrometer.core.instrument.Gauge.builder("ctrlplane.sse.streams", this, EventFeed::streams)
            .description("open GET /v1/events streams").register(registry);
      }
      return wakeUps.completion();
    });
  }

  /** How many streams are subscribed. */
  public double streams() {
    return subscribers.values().stream().mapToInt(Set::size).sum();
  }

  public Window window() {
    return window;
  }

  public void subscribe(String tenantId, Subscriber subscriber) {
    subscribers.computeIfAbsent(tenantId == null ? ALL_TENANTS : tenantId, t -> ConcurrentHashMap.newKeySet())
        .add(subscriber);
  }

  public void unsubscribe(String tenantId, Subscriber subscriber) {
    Set<Subscriber> set = subscribers.get(tenantId == null ? ALL_TENANTS : tenantId);
    if (set != null) {
      set.remove(subscriber);
    }
  }

  /** One read at a time; a wake-up during a read reads again right after it. */
  private void read() {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    Window from = window;
    log.read(from.scanned(), new EventFilter(null, List.of(), null), batchSize).onComplete(done -> {
      reading = false;
      if (done.succeeded()) {
        apply(from, done.result());
        again |= done.result().full();
      } else {
        LOG.warn("event feed read failed: {}", done.cause().getMessage());
      }
      if (again) {
        read();
      }
    });
  }

  private void apply(Window from, EventLog.Batch batch) {
    EventPosition scanned = batch.next(from.scanned());
    if (batch.events().isEmpty()) {
      if (scanned.isAfter(from.scanned())) {
        window = new Window(from.floor(), scanned, from.events());
      }
      return;
    }
    List<StoredEvent> events = new ArrayList<>(from.events().size() + batch.events().size());
    events.addAll(from.events());
    events.addAll(batch.events());
    EventPosition floor = from.floor();
    int drop = events.size() - capacity;
    if (drop > 0) {
      floor = events.get(drop - 1).position();
      events = new ArrayList<>(events.subList(drop, events.size()));
    }
    window = new Window(floor, scanned, List.copyOf(events));
    wake(batch.events());
  }

  private void wake(List<StoredEvent> fresh) {
    Set<String> tenants = new HashSet<>();
    fresh.forEach(event -> tenants.add(event.tenantId() == null ? ALL_TENANTS : event.tenantId()));
    tenants.add(ALL_TENANTS);
    for (String tenant : tenants) {
      Set<Subscriber> set = subscribers.get(tenant);
      if (set != null) {
        set.forEach(Subscriber::wake);
      }
    }
  }
}
