package dev.ctrlplane.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.events.EventPublisher;
import dev.ctrlplane.store.Migrations;
import dev.ctrlplane.store.StorePool;
import dev.ctrlplane.store.Transactions;
import dev.ctrlplane.store.Tx;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler as a general mechanism, on a real PostgreSQL with several scheduler verticles standing for several
 * nodes: each due item runs once per interval across all of them, a frozen node's claim lapses to another node and
 * its late completion is not counted, an item bound to an instance runs only on the instance's node, and bounded
 * concurrency spreads the work. Each test uses a kind of its own, so their items never mix.
 */
class SchedulerTest {

  private static final SchedulerConfig FAST = new SchedulerConfig(Duration.ofMillis(50), 1000,
      Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30));

  static Vertx vertx;
  static Pool pool;
  final List<Vertx> nodes = new ArrayList<>();

  @BeforeAll
  static void store() {
    vertx = Vertx.vertx();
    pool = StorePool.create(vertx, TestDatabase.freshDatabase(), 8);
    Futures.await(new Migrations(pool).migrate());
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(node -> Futures.await(node.close())); // closing a closed Vert.x is a no-op
    nodes.clear();
  }

  @AfterAll
  static void close() {
    Futures.await(pool.close());
    Futures.await(vertx.close());
  }

  /** One run as a job saw it: which node, which item, the due time it ran for. */
  record Run(String node, String key, Instant dueAt) {}

  /** A job of one kind that notes every run and every recorded result; {@code work} decides each run's outcome. */
  static final class NotingJob implements Job {
    final String kind;
    final String node;
    final Duration lease;
    final Function<ScheduledItem, Future<Outcome>> work;
    final Queue<Run> runs;
    final Queue<Run> recorded;

    NotingJob(String kind, String node, Duration lease, Function<ScheduledItem, Future<Outcome>> work,
        Queue<Run> runs, Queue<Run> recorded) {
      this.kind = kind;
      this.node = node;
      this.lease = lease;
      this.work = work;
      this.runs = runs;
      this.recorded = recorded;
    }

    @Override
    public String kind() {
      return kind;
    }

    @Override
    public Duration lease() {
      return lease;
    }

    @Override
    public Future<Outcome> run(ScheduledItem item) {
      runs.add(new Run(node, item.key(), item.dueAt()));
      return work.apply(item);
    }

    @Override
    public Future<Void> record(Tx tx, List<Ran> ran) {
      ran.forEach(r -> recorded.add(new Run(node, r.item().key(), r.item().dueAt())));
      return Future.succeededFuture();
    }
  }

  @Test
  void everyDueItemRunsExactlyOncePerIntervalAcrossThreeNodes() {
    String kind = kind();
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    Queue<Run> recorded = new ConcurrentLinkedQueue<>();
    Duration interval = Duration.ofMillis(500);
    Instant first = Instant.now().plusMillis(300);
    for (int i = 0; i < 30; i++) {
      put(new ScheduleItem(kind, "item-" + i, null, null, interval, first));
    }
    for (String node : List.of("n1", "n2", "n3")) {
      startNode(node, new NotingJob(kind, node, Duration.ofSeconds(5), item -> Future.succeededFuture(Outcome.again()),
          runs, recorded));
    }
    Poll.until(() -> perKey(recorded).values().stream().allMatch(n -> n.size() >= 6) && perKey(recorded).size() == 30,
        30, () -> "6 recorded runs of each of 30 items, have " + recorded.size());
    stopNodes();

    perKey(runs).forEach((key, dueTimes) -> {
      assertEquals(dueTimes.size(), dueTimes.stream().distinct().count(), key + " ran twice for a due time: " + dueTimes);
      List<Instant> sorted = dueTimes.stream().sorted().toList();
      for (int i = 1; i < sorted.size(); i++) {
        long gap = Duration.between(sorted.get(i - 1), sorted.get(i)).toMillis();
        assertTrue(gap > 0 && gap % interval.toMillis() == 0, key + " left its grid: " + sorted);
      }
    });
    assertEquals(runs.size(), recorded.size(), "every completed run recorded once");
  }

  @Test
  void aFrozenNodeLosesItsClaimWhenTheLeaseRunsOutAndItsLateCompletionDoesNotCount() {
    String kind = kind();
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    Queue<Run> recorded = new ConcurrentLinkedQueue<>();
    Duration lease = Duration.ofMillis(500);
    put(new ScheduleItem(kind, "job", null, null, Duration.ofMillis(300), Instant.now()));
    java.util.concurrent.atomic.AtomicBoolean frozenOnce = new java.util.concurrent.atomic.AtomicBoolean();
    startNode("frozen", new NotingJob(kind, "frozen", lease, item -> {
      if (frozenOnce.compareAndSet(false, true)) {
        freezeThisEventLoop(Duration.ofSeconds(2)); // the whole node stands still: no timer, no completion
      }
      return Future.succeededFuture(Outcome.again());
    }, runs, recorded));
    Run frozenRun = Poll.value(() -> runs.stream().findFirst(), 10, () -> "the frozen node claimed the item");
    Vertx healthy = startNode("healthy", new NotingJob(kind, "healthy", lease,
        item -> Future.succeededFuture(Outcome.again()), runs, recorded));

    Poll.until(() -> recorded.contains(new Run("healthy", "job", frozenRun.dueAt())), 10,
        () -> "the healthy node ran the frozen node's due time once its lease lapsed; runs " + runs);
    Futures.await(healthy.close());
    Poll.until(() -> recorded.stream().anyMatch(r -> r.node().equals("frozen")), 15,
        () -> "the frozen node, awake again and alone, completed later runs (so it tried its late one first)");
    List<Run> ofFrozenDueTime = recorded.stream().filter(r -> r.dueAt().equals(frozenRun.dueAt())).toList();
    assertEquals(List.of(new Run("healthy", "job", frozenRun.dueAt())), ofFrozenDueTime,
        "only the claim that held was recorded; runs " + runs + " recorded " + recorded);
    assertEquals(recorded.size(), recorded.stream().map(Run::dueAt).distinct().count(), "no due time twice");
  }

  @Test
  void anItemBoundToAnInstanceRunsOnlyOnTheNodeThatRunsTheInstance() {
    String kind = kind();
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    String instanceId = instanceOnNode("owner");
    put(new ScheduleItem(kind, "probe", instanceId, null, Duration.ofMillis(200), Instant.now()));
    for (String node : List.of("other-1", "owner", "other-2")) {
      startNode(node, new NotingJob(kind, node, Duration.ofSeconds(5), item -> Future.succeededFuture(Outcome.again()),
          runs, new ConcurrentLinkedQueue<>()));
    }
    Poll.until(() -> runs.size() >= 5, 20, () -> "five runs, have " + runs);
    stopNodes();
    assertEquals(List.of("owner"), runs.stream().map(Run::node).distinct().toList());

    Futures.await(pool.preparedQuery("DELETE FROM instances WHERE id = $1").execute(Tuple.of(instanceId)));
    assertEquals(0, itemCount(kind), "an instance's items go with it");
  }

  @Test
  void withBoundedConcurrencyTheWorkSpreadsOverTheNodes() {
    String kind = kind();
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < 16; i++) {
      put(ScheduleItem.once(kind, "item-" + i, null, null, Instant.now()));
    }
    SchedulerConfig four = new SchedulerConfig(FAST.pollInterval(), 4, FAST.heartbeatInterval(), FAST.nodeTimeout(),
        FAST.reconcileInterval());
    for (String node : List.of("a", "b")) {
      Vertx nodeVertx = Vertx.vertx();
      nodes.add(nodeVertx);
      NotingJob slow = new NotingJob(kind, node, Duration.ofSeconds(5),
          item -> nodeVertx.timer(300).map(Outcome.done()), runs, new ConcurrentLinkedQueue<>());
      Futures.await(nodeVertx.deployVerticle(new SchedulerVerticle(List.of(slow), transactions(node), four)));
    }
    Poll.until(() -> itemCount(kind) == 0, 20, () -> "all 16 items done, " + runs.size() + " ran");
    Map<String, Long> byNode = runs.stream().collect(Collectors.groupingBy(Run::node, Collectors.counting()));
    assertEquals(16, runs.size(), "each item ran once: " + runs);
    assertEquals(2, byNode.size(), "both nodes took a share: " + byNode);
  }

  @Test
  void aFailedRunOfAPeriodicItemRunsAgainOnItsGrid() {
    String kind = kind();
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    put(new ScheduleItem(kind, "flaky", null, null, Duration.ofMillis(200), Instant.now()));
    startNode("n", new NotingJob(kind, "n", Duration.ofSeconds(5),
        item -> Future.failedFuture(new IllegalStateException("probe target down")), runs, new ConcurrentLinkedQueue<>()));
    Poll.until(() -> runs.size() >= 3, 20, () -> "three runs despite failures, have " + runs);
  }

  @Test
  void heartbeatsTellWhichNodesAreAlive() {
    startNode("beating", new NotingJob(kind(), "beating", Duration.ofSeconds(1),
        item -> Future.succeededFuture(Outcome.again()), new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>()));
    NodeStore store = new NodeStore(pool);
    Poll.until(() -> Futures.await(store.alive(FAST.nodeTimeout())).contains("beating"), 10, () -> "node alive");
    stopNodes();
    Poll.until(() -> !Futures.await(store.alive(FAST.nodeTimeout())).contains("beating"), 10,
        () -> "node dead once its heartbeat is older than the timeout");
  }

  private Vertx startNode(String name, Job job) {
    Vertx nodeVertx = Vertx.vertx();
    nodes.add(nodeVertx);
    Futures.await(nodeVertx.deployVerticle(new SchedulerVerticle(List.of(job), transactions(name), FAST)));
    return nodeVertx;
  }

  private static Transactions transactions(String node) {
    return new Transactions(pool, new EventPublisher(vertx.eventBus()), node);
  }

  private static void put(ScheduleItem item) {
    Futures.await(ScheduleStore.put(pool, item));
  }

  private static long itemCount(String kind) {
    return Futures.await(pool.preparedQuery("SELECT count(*) FROM schedule_items WHERE kind = $1")
        .execute(Tuple.of(kind))).iterator().next().getLong(0);
  }

  private static Map<String, List<Instant>> perKey(Queue<Run> runs) {
    return runs.stream().collect(Collectors.groupingBy(Run::key,
        Collectors.mapping(Run::dueAt, Collectors.toList())));
  }

  private static String kind() {
    return "test." + UUID.randomUUID();
  }

  /** A tenant and an instance whose replicas run on {@code node}, written straight to the store. */
  private static String instanceOnNode(String node) {
    String tenant = "ten_" + UUID.randomUUID().toString().replace("-", "");
    String instance = "ins_" + UUID.randomUUID().toString().replace("-", "");
    Futures.await(pool.preparedQuery("""
        INSERT INTO tenants (id, name, slug, plan, status, created_at, updated_at)
        VALUES ($1, $1, $1, 'free', 'active', now(), now())""").execute(Tuple.of(tenant)));
    Futures.await(pool.preparedQuery("""
        INSERT INTO instances (id, tenant_id, name, slug, image, provider_name, node, state, cpu_millis, memory_mb,
          disk_mb, replicas, created_at, updated_at)
        VALUES ($1, $2, 'probe', 'probe', 'hello', 'process', $3, 'running', 100, 64, 64, 1, now(), now())""")
        .execute(Tuple.of(instance, tenant, node)));
    return instance;
  }

  @SuppressWarnings("java:S2925") // the point: a node that stands still, as under a long GC pause
  private static void freezeThisEventLoop(Duration how) {
    try {
      Thread.sleep(how.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
