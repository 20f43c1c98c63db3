package dev.ctrlplane.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit: requests that arrive while a group is being written wait, and are written together as the next
 * group, in one transaction. Nothing waits for a timer: a lone request is written at once, as a group of one, and
 * under load the groups grow by themselves to what arrived during one commit (at most {@code maxGroup}). There is
 * one queue per Vert.x context, so a queue is only ever touched by its context's thread; a request made outside any
 * context is written alone.
 *
 * @param <T> what a request carries
 * @param <R> what it is answered with
 */
public final class GroupCommit<T, R> {

  /** One request of a group; the writer completes or fails {@link #answer}. */
  public record Member<T, R>(T request, Promise<R> answer) {}

  private final int maxGroup;
  private final Function<List<Member<T, R>>, Future<?>> writer;

  /**
   * @param writer writes a group and answers every member; the future it returns says when the next group of the
   *     same queue may start
   */
  public GroupCommit(int maxGroup, Function<List<Member<T, R>>, Future<?>> writer) {
    this.maxGroup = maxGroup;
    this.writer = writer;
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

  /** Runs the writer; whatever it leaves unanswered when it ends is failed with its failure. */
  private Future<?> write(List<Member<T, R>> group) {
    Future<?> written;
    try {
      written = writer.apply(group);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    return written.onFailure(failure -> group.forEach(member -> member.answer().tryFail(failure)));
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
