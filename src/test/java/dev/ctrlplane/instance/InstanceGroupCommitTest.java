package dev.ctrlplane.instance;

import static dev.ctrlplane.admin.AdminFixtures.allPages;
import static dev.ctrlplane.admin.AdminFixtures.quota;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
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
 * active one, one audit entry per call in an unbroken chain, and every instance running afterwards. {@code /metrics}
 * shows that groups of more than one create were written, and that a clash made a group fall back to one by one.
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
  void aNameTakenTwiceInABurstIsCreatedOnceAndTheGroupFallsBackOneByOne() throws Exception {
    Api user = user(node.tenant());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      names.add("clash");
      names.add("distinct " + i);
    }
    double fallbacksBefore = metric("ctrlplane_group_commit_fallbacks_total", CREATE);

    List<Api.Response> responses = burst(creates(user, names));

    assertEquals(Map.of("201", 9, "409 already_exists", 7), outcomes(responses));
    assertEquals(Map.of("201", 1, "409 already_exists", 7), outcomes(everyNth(responses, 2, 0)), "the same name");
    assertEquals(Map.of("201", 8), outcomes(everyNth(responses, 2, 1)), "distinct names");
    assertEquals(9, user.get("/v1/instances").expect(200).json().getLong("total"));
    double fallbacksAfter = metric("ctrlplane_group_commit_fallbacks_total", CREATE);
    assertTrue(fallbacksAfter > fallbacksBefore, "no group fell back: " + fallbacksBefore + " -> " + fallbacksAfter);
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

    List<Api.Response> responses = burst(calls);

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
  void aBurstIsWrittenInGroupsOfMoreThanOne() throws Exception {
    Api user = user(node.tenant());
    double writesBefore = metric("ctrlplane_group_commit_size_count", CREATE);
    double createsBefore = metric("ctrlplane_group_commit_size_sum", CREATE);

    assertEquals(Map.of("201", 32), outcomes(burst(creates(user, distinctNames("grouped", 32)))));

    double writes = metric("ctrlplane_group_commit_size_count", CREATE) - writesBefore;
    double creates = metric("ctrlplane_group_commit_size_sum", CREATE) - createsBefore;
    assertEquals(32, creates, "every create is counted in the group it was written in");
    assertTrue(writes < creates, creates + " creates in " + writes + " transactions");
    double largest = metric("ctrlplane_group_commit_size_max", CREATE);
    assertTrue(largest > 1, "largest group " + largest);
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
