package dev.ctrlplane.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.store.GroupCommit.Member;
import dev.ctrlplane.support.Futures;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The group-commit lanes on a real Vert.x, under a writer that records what it is asked to write and answers a moment
 * later on the lane's context: a lone request is written alone at once, requests that arrive during a write are
 * written together next (at most {@code maxGroup} at a time), a group that fails as a whole is written again one by
 * one; a lane with room for several groups in flight never has two with the same key in flight, writes on one
 * context and answers callers on theirs.
 */
class GroupCommitTest {

  static final int SECONDS = 5;

  static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    Futures.await(vertx.close(), SECONDS);
  }

  /** One call of the writer: a lone request ({@code alone}) or a group ({@code group}), with its requests. */
  record Write(String kind, List<String> requests) {

    static Write alone(String request) {
      return new Write("alone", List.of(request));
    }

    static Write group(String... requests) {
      return new Write("group", List.of(requests));
    }
  }

  /**
   * The writer under the queue. Every write is recorded when asked for and answered on a timer of the caller's
   * context, so the queue really has a write in flight; a request can be held until the test releases it.
   */
  static final class RecordingWriter implements GroupCommit.Writer<String, String> {

    final List<Write> writes = new CopyOnWriteArrayList<>();
    /** The contexts the writes were asked for on. */
    final List<Context> writtenOn = new CopyOnWriteArrayList<>();
    /** Keys (a request's first letter) written while a write with the same key was in flight. */
    final List<String> overlapping = new CopyOnWriteArrayList<>();
    private final List<String> keysInFlight = new CopyOnWriteArrayList<>();
    private final Set<String> failingAlone = ConcurrentHashMap.newKeySet();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private volatile boolean groupsFail;
    private volatile boolean groupsThrow;

    /** A write that is held: it has started once {@code started} completes, and ends once {@code release} does. */
    record Hold(CompletableFuture<Void> started, Promise<Void> release) {}

    /** Groups are refused: their future fails, after a moment, with nothing answered. */
    RecordingWriter failingGroups() {
      groupsFail = true;
      return this;
    }

    /** Groups are refused by an exception thrown out of writeGroup itself. */
    RecordingWriter throwingGroups() {
      groupsThrow = true;
      return this;
    }

    /** Writing {@code request} alone fails. */
    RecordingWriter failingAlone(String request) {
      failingAlone.add(request);
      return this;
    }

    /** The write that includes {@code request} is held until the hold's release completes. */
    Hold hold(String request) {
      return holds.computeIfAbsent(request, r -> new Hold(new CompletableFuture<>(), Promise.promise()));
    }

    @Override
    public Future<?> writeGroup(List<Member<String, String>> group) {
      List<String> requests = group.stream().map(Member::request).toList();
      writes.add(new Write("group", requests));
      if (groupsThrow) {
        throw new IllegalStateException("group of " + requests + " refused");
      }
      return inFlight(requests).compose(done -> {
        if (groupsFail) {
          return Future.failedFuture(new IllegalStateException("group of " + requests + " refused"));
        }
        group.forEach(member -> member.answer().complete(answerTo(member.request())));
        return Future.succeededFuture();
      });
    }

    @Override
    public Future<String> writeAlone(String request) {
      writes.add(Write.alone(request));
      return inFlight(List.of(request)).compose(done -> failingAlone.contains(request)
          ? Future.failedFuture(new IllegalStateException(request + " refused"))
          : Future.succeededFuture(answerTo(request)));
    }

    /** Records the write as in flight (its keys, its context) until {@link #later} completes. */
    private Future<Void> inFlight(List<String> requests) {
      writtenOn.add(Vertx.currentContext());
      List<String> keys = requests.stream().map(GroupCommitTest::keyOf).distinct().toList();
      keys.stream().filter(keysInFlight::contains).forEach(overlapping::add);
      keysInFlight.addAll(keys);
      return later(requests).onComplete(done -> keys.forEach(keysInFlight::remove));
    }

    /** Completes on a timer of the current context, or once released when one of the requests is held. */
    private Future<Void> later(List<String> requests) {
      for (String request : requests) {
        Hold hold = holds.get(request);
        if (hold != null) {
          hold.started().complete(null);
          return hold.release().future();
        }
      }
      Promise<Void> done = Promise.promise();
      vertx.setTimer(5, timer -> done.complete());
      return done.future();
    }
  }

  static String answerTo(String request) {
    return "wrote " + request;
  }

  /** A request's key in the keyed tests: its first letter, like a tenant. */
  static String keyOf(String request) {
    return request.substring(0, 1);
  }

  @Test
  void requestsArrivingDuringALoneWriteAreWrittenTogetherNextInOrder() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit<String, String> queue = new GroupCommit<>("test.order", 32, 1, GroupCommitTest::keyOf, writer);

    List<Future<String>> answers = submitInOneTask(vertx.getOrCreateContext(), queue, requests("r", 5));

    assertAnsweredEach(requests("r", 5), answers);
    assertEquals(List.of(Write.alone("r0"), Write.group("r1", "r2", "r3", "r4")), writer.writes);
  }

  @Test
  void aGroupIsNeverLargerThanMaxGroup() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit<String, String> queue = new GroupCommit<>("test.max", 4, 1, GroupCommitTest::keyOf, writer);

    List<Future<String>> answers = submitInOneTask(vertx.getOrCreateContext(), queue, requests("r", 10));

    assertAnsweredEach(requests("r", 10), answers);
    assertEquals(List.of(1, 4, 4, 1), writer.writes.stream().map(w -> w.requests().size()).toList());
    assertEquals(List.of(Write.alone("r0"), Write.group("r1", "r2", "r3", "r4"), Write.group("r5", "r6", "r7", "r8"),
        Write.alone("r9")), writer.writes);
  }

  @Test
  void aGroupThatFailsIsWrittenAgainOneByOneAndOnlyTheFailingMemberFails() {
    RecordingWriter writer = new RecordingWriter().failingGroups().failingAlone("r2");
    GroupCommit<String, String> queue = new GroupCommit<>("test.failing", 32, 1, GroupCommitTest::keyOf, writer);
    Context context = vertx.getOrCreateContext();

    List<Future<String>> answers = submitInOneTask(context, queue, requests("r", 4));

    assertEquals(answerTo("r0"), await(answers.get(0)));
    assertEquals(answerTo("r1"), await(answers.get(1)));
    assertFailedWith("r2 refused", answers.get(2));
    assertEquals(answerTo("r3"), await(answers.get(3)));
    assertEquals(List.of(Write.alone("r0"), Write.group("r1", "r2", "r3"), Write.alone("r1"), Write.alone("r2"),
        Write.alone("r3")), writer.writes);
    assertQueueGoesOn(context, queue, writer);
  }

  @Test
  void aGroupWhoseWriterThrowsIsWrittenAgainOneByOne() {
    RecordingWriter writer = new RecordingWriter().throwingGroups().failingAlone("r1");
    GroupCommit<String, String> queue = new GroupCommit<>("test.throwing", 32, 1, GroupCommitTest::keyOf, writer);
    Context context = vertx.getOrCreateContext();

    List<Future<String>> answers = submitInOneTask(context, queue, requests("r", 4));

    assertEquals(answerTo("r0"), await(answers.get(0)));
    assertFailedWith("r1 refused", answers.get(1));
    assertEquals(answerTo("r2"), await(answers.get(2)));
    assertEquals(answerTo("r3"), await(answers.get(3)));
    assertEquals(List.of(Write.alone("r0"), Write.group("r1", "r2", "r3"), Write.alone("r1"), Write.alone("r2"),
        Write.alone("r3")), writer.writes);
    assertQueueGoesOn(context, queue, writer);
  }

  @Test
  void outsideAnyContextEveryRequestIsWrittenAloneAtOnce() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit<String, String> queue = new GroupCommit<>("test.plain", 32, 1, GroupCommitTest::keyOf, writer);

    List<Future<String>> answers = requests("p", 3).stream().map(queue::submit).toList();

    // written within submit, none waiting for another: all three are in flight together
    assertEquals(List.of(Write.alone("p0"), Write.alone("p1"), Write.alone("p2")), writer.writes);
    assertAnsweredEach(requests("p", 3), answers);
  }

  @Test
  void groupsOfOtherKeysGoInFlightTogetherButNeverTwoOfOneKey() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit<String, String> lane = new GroupCommit<>("test.keyed", 32, 2, GroupCommitTest::keyOf, writer);
    Context context = vertx.getOrCreateContext();
    RecordingWriter.Hold a0 = writer.hold("a0");
    RecordingWriter.Hold b0 = writer.hold("b0");

    List<Future<String>> answers = submitInOneTask(context, lane, List.of("a0", "a1", "b0", "a2", "b1", "c0"));
    Futures.await(Future.fromCompletionStage(b0.started()), SECONDS);
    // a0 and b0 are in flight together: a1 did not start a write while a0 held its key, and both slots are taken
    assertEquals(List.of(Write.alone("a0"), Write.alone("b0")), writer.writes);
    context.runOnContext(release -> a0.release().complete());
    await(answers.get(0));
    context.runOnContext(release -> b0.release().complete());

    assertAnsweredEach(List.of("a0", "a1", "b0", "a2", "b1", "c0"), answers);
    // when a0 ends, a's waiting requests go with c0 in arrival order, b1 stays behind b0, which is still in flight
    assertEquals(List.of(Write.alone("a0"), Write.alone("b0"), Write.group("a1", "a2", "c0"), Write.alone("b1")),
        writer.writes);
    assertEquals(List.of(), writer.overlapping);
  }

  /**
   * Three callers on three contexts, twenty requests each (keys a, b, c). The first write of each key is held until
   * the test lets it go, so what is waiting when each slot frees up is known, and so is every group written.
   */
  @Test
  void theLaneWritesOnOneContextAndAnswersEachCallerOnItsOwn() {
    RecordingWriter writer = new RecordingWriter();
    GroupCommit<String, String> lane = new GroupCommit<>("test.keyed.contexts", 32, 2, GroupCommitTest::keyOf, writer);
    List<Context> callers = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext(), vertx.getOrCreateContext());
    Context laneContext = callers.get(0); // the first to use the lane
    List<String> keys = List.of("a", "b", "c");
    RecordingWriter.Hold a0 = writer.hold("a0");
    RecordingWriter.Hold b0 = writer.hold("b0");
    RecordingWriter.Hold c0 = writer.hold("c0");
    List<Future<Boolean>> onCallersContext = new ArrayList<>();

    // each caller sends the twenty requests of its key in one task: they reach the lane in that order
    for (int c = 0; c < callers.size(); c++) {
      Context caller = callers.get(c);
      List<String> requests = requests(keys.get(c), 20);
      onCallersContext.addAll(onContext(caller, () -> requests.stream().map(request -> lane.submit(request)
          .map(answer -> Vertx.currentContext() == caller && answer.equals(answerTo(request)))).toList()));
    }
    // the other callers' requests hop to the lane's context; a task queued there after them runs after them
    onContext(laneContext, () -> null);
    // a0 and b0 fill both slots; every other request waits
    assertEquals(List.of(Write.alone("a0"), Write.alone("b0")), writer.writes);

    laneContext.runOnContext(release -> a0.release().complete());
    await(c0.started());
    // a's nineteen, then the oldest of c up to 32; b stays behind b0, which still holds its key
    List<String> firstGroup = new ArrayList<>(requests("a", 20).subList(1, 20));
    firstGroup.addAll(requests("c", 13));
    assertEquals(List.of(Write.alone("a0"), Write.alone("b0"), new Write("group", firstGroup)), writer.writes);

    laneContext.runOnContext(release -> b0.release().complete());
    assertTrue(Futures.await(onCallersContext.get(39), SECONDS), "b19 answered on its caller's context");
    assertEquals(new Write("group", requests("b", 20).subList(1, 20)), writer.writes.get(3));
    assertEquals(4, writer.writes.size(), "c13..c19 wait for the group holding c: " + writer.writes);

    laneContext.runOnContext(release -> c0.release().complete());
    for (Future<Boolean> answered : onCallersContext) {
      assertTrue(Futures.await(answered, SECONDS), "answered on another context, or with another answer");
    }
    assertEquals(new Write("group", requests("c", 20).subList(13, 20)), writer.writes.get(4));
    assertEquals(5, writer.writes.size(), writer.writes::toString);
    assertEquals(Set.of(laneContext), Set.copyOf(writer.writtenOn), "every write on the first caller's context");
    assertEquals(List.of(), writer.overlapping);
  }

  /** After a fallback the queue is idle again: the next request is written alone and answered. */
  private static void assertQueueGoesOn(Context context, GroupCommit<String, String> queue, RecordingWriter writer) {
    int before = writer.writes.size();
    List<Future<String>> next = submitInOneTask(context, queue, List.of("next"));
    assertEquals(answerTo("next"), await(next.get(0)));
    assertEquals(List.of(Write.alone("next")), writer.writes.subList(before, writer.writes.size()));
  }

  /** Submits every request within one task of {@code context}, so none of their writes can end in between. */
  private static List<Future<String>> submitInOneTask(Context context, GroupCommit<String, String> queue,
      List<String> requests) {
    return onContext(context, () -> requests.stream().map(queue::submit).toList());
  }

  private static <T> T onContext(Context context, Supplier<T> task) {
    Promise<T> result = Promise.promise();
    context.runOnContext(run -> result.complete(task.get()));
    return Futures.await(result.future(), SECONDS);
  }

  private static List<String> requests(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }

  private static void assertAnsweredEach(List<String> requests, List<Future<String>> answers) {
    List<String> answered = new ArrayList<>();
    for (Future<String> answer : answers) {
      answered.add(await(answer));
    }
    assertEquals(requests.stream().map(GroupCommitTest::answerTo).toList(), answered);
  }

  private static void assertFailedWith(String message, Future<String> answer) {
    IllegalStateException failed = assertThrows(IllegalStateException.class, () -> await(answer));
    assertTrue(failed.getMessage().contains(message), failed::getMessage);
  }

  private static String await(Future<String> answer) {
    return Futures.await(answer, SECONDS);
  }

  private static void await(CompletableFuture<Void> started) {
    Futures.await(Future.fromCompletionStage(started), SECONDS);
  }
}
