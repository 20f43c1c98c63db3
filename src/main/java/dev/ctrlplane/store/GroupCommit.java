package dev.ctrlplane.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit: requests that arrive while a group is being written wait, and are written together as the next
 * group, in one transaction. Nothing waits for a timer: a lone request is written at once, on its own, and under
 * load the groups grow by themselves to what arrived during one commit (at most {@code maxGroup}). A group that
 * fails as a whole is written again one request per transaction, so that each gets the answer it would have had
 * alone (a name clash with another member, say). There is one queue per Vert.x context, so a queue is only ever
 * touched by its context's thread; a request made outside any context is written alone.
 *
 * <p>On {@code /metrics}: {@code ctrlplane_group_commit_size{writes}} (requests per transaction) and {@code ctrlplane_group_commit_fallbacks_total{writes}} (groups written again one by one).
 *
 * @param <T> what a request carries
 * @param <R> what it is answered with
 */
public final class GroupCommit<T, R> {

  /** One request of a group, and the promise of its answer. */
  public record Member<T, R>(T request, Promise<R> answer) {}

  /**
   * How one kind of request is written. The futures it returns must complete on the context that called it (as the
   * SQL client's do), since the queue goes on from their completion.
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
  private final Writer<T, R> writer;
  private final DistributionSummary sizes;
  private final Counter fallbacks;

  /** @param name what is written, e.g. {@code instance.create}: the {@code writes} tag of the metrics */
  public GroupCommit(String name, int maxGroup, Writer<T, R> writer) {
    this.maxGroup = maxGroup;
    this.writer = writer;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    this.sizes = registry == null ? null : DistributionSummary.builder("ctrlplane.group.commit.size")
        .description("requests written per transaction").tag("writes", name).register(registry);
    this.fallbacks = registry == null ? null : Counter.builder("ctrlplane.group.commit.fallbacks")
        .description("groups that failed as a whole and were written again one by one").tag("writes", name)
        .register(registry);
  }

  public Future<R> submit(T request) {
    Member<T, R> member = new Member<>(request, Promise.promise());
    Context context = Vertx.currentContext();
    if (context == null) {
      write(List.of(member));
    } else {
      queueOf(context).add(member);
    }
    return member.answer().future();
  }

  private Queue queueOf(Context context) {
    @SuppressWarnings("unchecked")
    Queue queue = (Queue) context.get(this);
    if (queue == null) {
      queue = new Queue();
      context.put(this, queue);
    }
    return queue;
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

  private final class Queue {
    private final ArrayDeque<Member<T, R>> waiting = new ArrayDeque<>();
    private boolean writing;

    void add(Member<T, R> member) {
      waiting.add(member);
      if (!writing) {
        writeNext();
      }
    }

    private void writeNext() {
      if (waiting.isEmpty()) {
        writing = false;
        return;
      }
      writing = true;
      List<Member<T, R>> group = new ArrayList<>(Math.min(waiting.size(), maxGroup));
      while (!waiting.isEmpty() && group.size() < maxGroup) {
        group.add(waiting.poll());
      }
      write(group).onComplete(done -> writeNext());
    }
  }
}
