package dev.ctrlplane.instance;

import static dev.ctrlplane.admin.AdminFixtures.allPages;
import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Creates sent in a burst are written as group commits, and each caller still gets the answer it would have had
 * alone: the quota exact per tenant, a name clash a 409 for the late ones only, a suspended tenant refused beside an
 * active one, one audit entry per call in an unbroken chain, and every instance running afterwards. Where a test
 * needs creates written in one group, it makes them so ({@code heldBurst}: the lane's slots held busy by tenant
 * locks until every create has queued) and reads the groups written off {@code /metrics}.
 */
class InstanceGroupCommitTest {

  static final String CREATE = "instance.create";
  static final String SETTLE = "instance.settle";

  @RegisterExtension
  static final NodeExtension node = new NodeExtension();

  @Test
  void aBurstAgainstAQuotaOfFiveCreatesExactlyFive() throws Exception {
    String tenantId = tenantWithMaxInstances(5);
    Api user = user(tenantId);
    double fallbacksBefore = metric("ctrlplane_group_commit_fallbacks_total", CREATE);

    Map<String, Integer> outcomes = outcomes(burst(creates(user, distinctNames("quota", 20))));

    assertEquals(Map.of("201", 5, "429 quota_exceeded", 15), outcomes);
    // refused inside their group, one after the other: no group had to be written again
    assertEquals(fallbacksBefore, metric("ctrlplane_group_commit_fallbacks_total", CREATE));
    assertEquals(5, node.admin().get("/v1/admin/tenants/" + tenantId + "/quota").expect(200).json()
        .getJsonObject("used").getInteger("instances"));
    assertEquals(5, user.get("/v1/instances").expect(200).json().getLong("total"));
  }

  @Test
  void aBurstOverSeveralTenantsKeepsEachTenantsQuota() throws Exception {
    List<String> tenantIds = IntStream.range(0, 4).mapToObj(i -> tenantWithMaxInstances(3)).toList();
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int round = 0; round < 8; round++) {
      for (String tenantId : tenantIds) {
        calls.add(create(user(tenantId), "round " + round));
      }
    }

    List<Api.Response> responses = burst(calls);

    for (int t = 0; t < tenantIds.size(); t++) {
      String tenantId = tenantIds.get(t);
      assertEquals(Map.of("201", 3, "429 quota_exceeded", 5), outcomes(everyNth(responses, tenantIds.size(), t)),
          tenantId);
      assertEquals(3, user(tenantId).get("/v1/instances").expect(200).json().getLong("total"), tenantId);
    }
  }

  @Test
  void aNameTakenTwiceInOneGroupIsCreatedOnceAndTheGroupFallsBackOneByOne() throws Exception {
    String tenantId = node.tenant();
    Api user = user(tenantId);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      names.add("clash");
      names.add("distinct " + i);
    }
    double fallbacksBefore = metric("ctrlplane_group_commit_fallbacks_total", CREATE);

    HeldBurst held = heldBurst(List.of(tenantId), creates(user, names));

    assertEquals(Map.of("201", 9, "409 already_exists", 7), outcomes(held.responses()));
    assertEquals(Map.of("201", 1, "409 already_exists", 7), outcomes(everyNth(held.responses(), 2, 0)), "the same name");
    assertEquals(Map.of("201", 8), outcomes(everyNth(held.responses(), 2, 1)), "distinct names");
    assertEquals(10, user.get("/v1/instances").expect(200).json().getLong("total"), "the blocker and nine");
    // the sixteen waited together, so one group held them all: it failed as a whole (the name twice in one
    // statement) and was written again one by one, each create alone, after the blocker alone
    assertEquals(fallbacksBefore + 1, metric("ctrlplane_group_commit_fallbacks_total", CREATE),
        "the group fell back once");
    assertEquals(17, held.writes(), "transactions written");
  }

  @Test
  void aSuspendedTenantIsRefusedInTheSameBurstAsAnActiveOne() throws Exception {
    String suspended = node.tenant();
    String active = node.tenant();
    node.admin().post("/v1/admin/tenants/" + suspended + "/suspend", new JsonObject().put("reason", "unpaid"))
        .expect(200);
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(create(user(suspended), "frozen " + i));
      calls.add(create(user(active), "thawed " + i));
    }
    double fallbacksBefore = metric("ctrlplane_group_commit_fallbacks_total", CREATE);

    // two other tenants' creates fill both slots while the twenty queue, so the twenty are written as one group
    HeldBurst held = heldBurst(List.of(node.tenant(), node.tenant()), calls);
    List<Api.Response> responses = held.responses();

    assertEquals(List.of(1, 1, 20), held.groupSizes(), "both tenants' creates in one group");
    assertEquals(Map.of("403 forbidden", 10), outcomes(everyNth(responses, 2, 0)));
    assertEquals(Map.of("201", 10), outcomes(everyNth(responses, 2, 1)));
    assertEquals(fallbacksBefore, metric("ctrlplane_group_commit_fallbacks_total", CREATE), "a refusal is no fallback");
    assertEquals(0, user(suspended).get("/v1/instances").expect(200).json().getLong("total"));
    assertEquals(10, user(active).get("/v1/instances").expect(200).json().getLong("total"));
    // the suspended tenant's chain: its creation, the suspension, then one denied create per refusal
    assertEquals(Map.of("denied", 10L), byOutcome(auditedCreates(suspended)));
    assertChainValid(suspended, 12);
    assertChainValid(active, 11);
  }

  @Test
  void aBurstWritesOneAuditEntryPerCallInAnUnbrokenChain() throws Exception {
    String tenantId = tenantWithMaxInstances(10);
    Api user = user(tenantId);

    List<Api.Response> responses = burst(creates(user, distinctNames("audited", 20)));

    assertEquals(Map.of("201", 10, "429 quota_exceeded", 10), outcomes(responses));
    Set<String> created = createdIds(responses);
    List<JsonObject> entries = auditedCreates(tenantId);
    assertEquals(Map.of("success", 10L, "failed", 10L), byOutcome(entries));
    assertEquals(created, entries.stream().filter(e -> e.getString("outcome").equals("success"))
        .map(e -> e.getString("resource_id")).collect(Collectors.toSet()));
    assertTrue(entries.stream().filter(e -> e.getString("outcome").equals("failed"))
        .allMatch(e -> e.getJsonObject("details").getString("code").equals("quota_exceeded")), entries::toString);
    // the tenant's creation and its quota, then the 20 entries of the burst
    assertChainValid(tenantId, 22);
  }

  @Test
  void everyInstanceCreatedInABurstReachesRunning() throws Exception {
    Api user = user(node.tenant());
    double settledBefore = metric("ctrlplane_group_commit_size_sum", SETTLE);

    List<Api.Response> responses = burst(creates(user, distinctNames("runner", 20)));

    assertEquals(Map.of("201", 20), outcomes(responses));
    for (String id : createdIds(responses)) {
      user.awaitState(id, "running", 30);
    }
    double settled = metric("ctrlplane_group_commit_size_sum", SETTLE) - settledBefore;
    assertTrue(settled >= 20, "settles written: " + settled);
  }

  @Test
  void createsThatArriveWhileATenantsCreateIsWrittenGoTogetherAsOneGroup() throws Exception {
    String tenantId = node.tenant();
    Api user = user(tenantId);

    HeldBurst held = heldBurst(List.of(tenantId), creates(user, distinctNames("grouped", 32)));

    assertEquals(Map.of("201", 32), outcomes(held.responses()));
    assertEquals(List.of(1, 32), held.groupSizes(), "the blocker alone, then the 32 that waited behind it");
    assertEquals(33, user.get("/v1/instances").expect(200).json().getLong("total"));
  }

  /** What a held burst wrote: each call's response, and the sizes of the groups the node wrote meanwhile. */
  record HeldBurst(List<Api.Response> responses, List<Integer> groupSizes, int writes) {}

  /**
   * Drives grouping through the node's create lane, with nothing left to timing. The test holds a row lock on each
   * of {@code blockers} (tenants) in a transaction of its own, and creates one instance of each: those creates are
   * written at once (a lane has two slots) and wait on the locks, in flight, holding their tenants' keys. Then it
   * sends {@code calls} and waits until {@code /metrics} shows every one of them waiting in the lane, and only then
   * lets the locks go. The group sizes are read as the change of the create size summary's count and sum: the
   * blockers were written alone, so what is left was written as one group when it is a single figure.
   */
  private static HeldBurst heldBurst(List<String> blockers, List<Callable<Api.Response>> calls) throws Exception {
    double writesBefore = metric("ctrlplane_group_commit_size_count", CREATE);
    double createsBefore = metric("ctrlplane_group_commit_size_sum", CREATE);
    ExecutorService pool = Executors.newFixedThreadPool(blockers.size() + calls.size());
    String jdbc = TestDatabase.jdbc(node.node().storeUrl());
    // pg_stat_activity is read on a connection of its own: inside a transaction it is one snapshot, never updated
    try (Connection locks = DriverManager.getConnection(jdbc); Connection activity = DriverManager.getConnection(jdbc)) {
      locks.setAutoCommit(false);
      for (String tenantId : blockers) {
        try (PreparedStatement lock = locks.prepareStatement("SELECT id FROM tenants WHERE id = ? FOR UPDATE")) {
          lock.setString(1, tenantId);
          lock.executeQuery().close();
        }
      }
      List<Future<Api.Response>> blocked = new ArrayList<>();
      for (String tenantId : blockers) {
        blocked.add(pool.submit(create(user(tenantId), "blocker")));
      }
      Poll.until(() -> waitingOnLocks(activity) == blockers.size(), 30,
          () -> blockers.size() + " creates to wait on the tenant locks; waiting: " + waitingOnLocks(activity)
              + "; answered already: " + blocked.stream().filter(Future::isDone).map(InstanceGroupCommitTest::answer)
              .toList());
      List<Future<Api.Response>> sent = new ArrayList<>();
      for (Callable<Api.Response> call : calls) {
        sent.add(pool.submit(call));
      }
      Poll.until(() -> metric("ctrlplane_group_commit_waiting", CREATE) == calls.size(), 30,
          () -> calls.size() + " creates to wait in the lane; waiting: " + metric("ctrlplane_group_commit_waiting", CREATE));
      locks.commit();
      for (Future<Api.Response> blocker : blocked) {
        blocker.get(60, TimeUnit.SECONDS).expect(201);
      }
      List<Api.Response> responses = new ArrayList<>();
      for (Future<Api.Response> response : sent) {
        responses.add(response.get(60, TimeUnit.SECONDS));
      }
      double writes = metric("ctrlplane_group_commit_size_count", CREATE) - writesBefore;
      double creates = metric("ctrlplane_group_commit_size_sum", CREATE) - createsBefore;
      List<Integer> sizes = groupSizes(blockers.size(), (int) writes, (int) creates);
      return new HeldBurst(responses, sizes, (int) writes);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String answer(Future<Api.Response> done) {
    try {
      return done.get().status() + " " + done.get().body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  /**
   * The blockers' groups (one each), then the rest when it was one group; when it was not, {@code -1} and the raw
   * figures, so that an assertion on the sizes fails showing them.
   */
  private static List<Integer> groupSizes(int blockers, int writes, int creates) {
    List<Integer> sizes = new ArrayList<>(Collections.nCopies(blockers, 1));
    if (writes == blockers + 1) {
      sizes.add(creates - blockers);
    } else {
      sizes.addAll(List.of(-1, writes, creates));
    }
    return sizes;
  }

  /** Backends of the node's database waiting for a lock: the creates stuck behind the test's tenant locks. */
  private static long waitingOnLocks(Connection conn) {
    try (var query = conn.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity "
        + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
      query.next();
      return query.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new tenant whose quota allows {@code maxInstances} instances, and much more of everything else. */
  private static String tenantWithMaxInstances(int maxInstances) {
    String tenantId = node.tenant();
    node.admin().put("/v1/admin/tenants/" + tenantId + "/quota", quota(maxInstances, 100000, 100000, 100, 100))
        .expect(200);
    return tenantId;
  }

  private static Api user(String tenantId) {
    return node.api(node.token(tenantId, "alice"));
  }

  private static List<String> distinctNames(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + " " + i).toList();
  }

  private static List<Callable<Api.Response>> creates(Api user, List<String> names) {
    return names.stream().map(name -> create(user, name)).toList();
  }

  private static Callable<Api.Response> create(Api user, String name) {
    return () -> user.post("/v1/instances", Fixtures.noopInstance(name));
  }

  /** Sends every call at once, each from a thread of its own released by one latch; the responses in call order. */
  private static List<Api.Response> burst(List<Callable<Api.Response>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Api.Response>> sent = new ArrayList<>();
      for (Callable<Api.Response> call : calls) {
        sent.add(pool.submit(() -> {
          go.await();
          return call.call();
        }));
      }
      go.countDown();
      List<Api.Response> responses = new ArrayList<>();
      for (Future<Api.Response> response : sent) {
        responses.add(response.get(60, TimeUnit.SECONDS));
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Counts outcomes as "status" or "status code", each error checked to be a well-formed one. */
  private static Map<String, Integer> outcomes(List<Api.Response> responses) {
    Map<String, Integer> outcomes = new TreeMap<>();
    for (Api.Response r : responses) {
      String key = r.status() < 400 ? String.valueOf(r.status())
          : r.status() + " " + r.expectError(r.status(), r.json().getString("code")).json().getString("code");
      outcomes.merge(key, 1, Integer::sum);
    }
    return outcomes;
  }

  /** The responses at {@code offset}, {@code offset + n}, {@code offset + 2n}...: the calls of one kind. */
  private static List<Api.Response> everyNth(List<Api.Response> responses, int n, int offset) {
    return IntStream.range(0, responses.size()).filter(i -> i % n == offset).mapToObj(responses::get).toList();
  }

  private static Set<String> createdIds(List<Api.Response> responses) {
    return responses.stream().filter(r -> r.status() == 201).map(Api.Response::id).collect(Collectors.toSet());
  }

  /** The audit entries of the tenant's instance creates, successful or refused. */
  private static List<JsonObject> auditedCreates(String tenantId) {
    return allPages(node.admin(), "/v1/admin/audit?tenant_id=" + tenantId + "&resource=instance&action=create", 100);
  }

  private static Map<String, Long> byOutcome(List<JsonObject> entries) {
    return entries.stream().collect(Collectors.groupingBy(e -> e.getString("outcome"), Collectors.counting()));
  }

  private static void assertChainValid(String tenantId, long entries) {
    JsonObject chain = node.admin().get("/v1/admin/audit/verify?tenant_id=" + tenantId).expect(200).json();
    assertEquals(new JsonObject().put("tenant_id", tenantId).put("valid", true).put("entries_checked", entries)
        .put("first_invalid_id", null), chain);
  }

  /** The value of a group-commit metric of one kind of write, as {@code /metrics} shows it. */
  private static double metric(String name, String writes) {
    String body = node.api(null).get("/metrics").expect(200).body();
    return body.lines()
        .filter(line -> line.startsWith(name + "{") && line.contains("writes=\"" + writes + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " of " + writes + " on /metrics:\n" + body));
  }
}
