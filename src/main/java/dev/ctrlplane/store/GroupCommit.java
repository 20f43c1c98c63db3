package dev.ctrlplane.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Group commit: requests that arrive while a group is being written wait, and are written together as the next
 * group, in one transaction. Nothing waits for a timer: a lone request is written at once, on its own, and under
 * load the groups grow by themselves to what arrived during one commit (at most {@code maxGroup}). A group that
 * fails as a whole is written again one request per transaction, so that each gets the answer it would have had
 * alone (a name clash with another member, say). A request made outside any Vert.x context is written alone.
 *
 * <p>Requests wait in one lane (a node has one group commit per kind of write), on the Vert.x context that used it
 * first (only that context's thread touches it), with up to {@code inFlight} groups in flight whose keys never
 * overlap: a key is what a write locks (a tenant's row, an instance's), so groups in flight never wait on each
 * other's locks, and the requests of one key are written in the order they arrived. Callers on other contexts are
 * answered back on theirs.
 *
 * <p>On {@code /metrics}: {@code ctrlplane_group_commit_size{writes}} (requests per transaction),
 * {@code ctrlplane_group_commit_fallbacks_total{writes}} (groups written again one by one) and
 * {@code ctrlplane_group_commit_waiting{writes}} (requests waiting in the lane for a group to take them; like the
 * other two, one figure per JVM, which is one node in production).
 *
 * @param <T> what a request carries
 * @param <R> what it is answered with
 */
public final class GroupCommit<T, R> {

  /** Requests waiting in a lane, per kind of write: meters are per JVM (the registry is), so the count is too. */
  private static final Map<String, AtomicInteger> WAITING = new ConcurrentHashMap<>();

  /** One request of a group, and the promise of its answer. */
  public record Member<T, R>(T request, Promise<R> answer) {}

  /**
   * How one kind of request is written. The futures it returns must complete on the context that called it (as the
   * SQL client's do), since the lane goes on from their completion.
   */
  public interface Writer<T, R> {

    /**
     * Writes two or more requests in one transaction and answers every member; a failed future means nothing was
     * written and no member was answered.
     */
    Future<?> writeGroup(List<Member<T, R>> group);

    /** Writes one request in a transaction of its own. */
    Future<R> writeAlone(T request);
  }

  private final int maxGroup;
  private final int inFlight;
  private final Function<T, ?> keyOf;
  private final Writer<T, R> writer;
  private final DistributionSummary sizes;
  private final Counter fallbacks;
  private final AtomicInteger waitingCount;
  private final AtomicReference<Lane> lane = new AtomicReference<>();

  /**
   * @param name what is written, e.g. {@code instance.create}: the {@code writes} tag of the metrics
   * @param inFlight how many groups may be written at once, no two with the same key
   * @param keyOf the key of a request: what its write locks
   */
  public GroupCommit(String name, int maxGroup, int inFlight, Function<T, ?> keyOf, Writer<T, R> writer) {
    this.maxGroup = maxGroup;
    this.inFlight = inFlight;
    this.keyOf = keyOf;
    this.writer = writer;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    this.sizes = registry == null ? null : DistributionSummary.builder("ctrlplane.group.commit.size")
        .description("requests written per transaction").tag("writes", name).register(registry);
    this.fallbacks = registry == null ? null : Counter.builder("ctrlplane.group.commit.fallbacks")
        .description("groups that failed as a whole and were written again one by one").tag("writes", name)
        .register(registry);
    this.waitingCount = WAITING.computeIfAbsent(name, n -> new AtomicInteger());
    if (registry != null) {
      Gauge.builder("ctrlplane.group.commit.waiting", waitingCount, AtomicInteger::get).strongReference(true)
          .description("requests waiting in the lane for a group").tag("writes", name).register(registry);
    }
  }

  public Future<R> submit(T request) {
    Member<T, R> member = new Member<>(request, Promise.promise());
    Context caller = Vertx.currentContext();
    if (caller == null) {
      write(List.of(member));
      return member.answer().future();
    }
    Lane lane = laneFor(caller);
    if (lane.context == caller) {
      lane.add(member);
      return member.answer().future();
    }
    // written on the lane's context, answered on the caller's: whatever the caller goes on with stays on its thread
    Promise<R> answered = Promise.promise();
    lane.context.runOnContext(go -> lane.add(member));
    member.answer().future().onComplete(outcome -> caller.runOnContext(back -> answered.handle(outcome)));
    return answered.future();
  }

  /** The lane, on the context of its first caller. */
  private Lane laneFor(Context caller) {
    Lane placed = lane.get();
    if (placed == null) {
      lane.compareAndSet(null, new Lane(caller));
      placed = lane.get();
    }
    return placed;
  }

  /** Writes the group; the future completes when every member is answered. */
  private Future<?> write(List<Member<T, R>> group) {
    if (group.size() == 1) {
      return alone(group.get(0));
    }
    return attempt(group).transform(written -> {
      if (written.succeeded()) {
        record(group.size());
        return Future.succeededFuture();
      }
      return oneByOne(group);
    });
  }

  /**
   * The members of a failed group, each in a transaction of its own, one after the other in arrival order: the
   * order they would have been decided in within the group, and one connection at a time.
   */
  private Future<?> oneByOne(List<Member<T, R>> group) {
    if (fallbacks != null) {
      fallbacks.increment();
    }
    Future<?> chain = Future.succeededFuture();
    for (Member<T, R> member : group) {
      chain = chain.transform(previous -> alone(member));
    }
    return chain;
  }

  private void record(int size) {
    if (sizes != null) {
      sizes.record(size);
    }
  }

  private Future<?> attempt(List<Member<T, R>> group) {
    try {
      return writer.writeGroup(group);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<R> alone(Member<T, R> member) {
    record(1);
    Future<R> written;
    try {
      written = writer.writeAlone(member.request());
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    return written.onComplete(member.answer());
  }

  /** Requests waiting on one context, and the groups it has in flight; only that context's thread touches it. */
  private final class Lane {
    private final Context context;
    private final ArrayDeque<Member<T, R>> waiting = new ArrayDeque<>();
    /** The keys of the groups in flight. */
    private final Set<Object> held = new HashSet<>();
    private int writing;

    Lane(Context context) {
      this.context = context;
    }

    void add(Member<T, R> member) {
      waiting.add(member);
      waitingCount.incrementAndGet();
      writeWhatCan();
    }

    private void writeWhatCan() {
      while (writing < inFlight && !waiting.isEmpty()) {
        List<Member<T, R>> group = nextGroup();
        if (group.isEmpty()) {
          return; // every waiting request's key is held by a group in flight
        }
        Set<Object> keys = keysOf(group);
        held.addAll(keys);
        writing++;
        write(group).onComplete(done -> {
          held.removeAll(keys);
          writing--;
          writeWhatCan();
        });
      }
    }

    /** The oldest waiting requests whose keys no group in flight holds, in arrival order. */
    private List<Member<T, R>> nextGroup() {
      List<Member<T, R>> group = new ArrayList<>(Math.min(waiting.size(), maxGroup));
      Iterator<Member<T, R>> oldestFirst = waiting.iterator();
      while (oldestFirst.hasNext() && group.size() < maxGroup) {
        Member<T, R> member = oldestFirst.next();
        if (held.isEmpty() || !held.contains(keyOf.apply(member.request()))) {
          group.add(member);
          oldestFirst.remove();
          waitingCount.decrementAndGet();
        }
      }
      return group;
    }

    private Set<Object> keysOf(List<Member<T, R>> group) {
      if (inFlight == 1) {
        return Set.of(); // nothing else in flight to keep apart from
      }
      Set<Object> keys = new HashSet<>();
      for (Member<T, R> member : group) {
        keys.add(keyOf.apply(member.request()));
      }
      return keys;
    }
  }
}
