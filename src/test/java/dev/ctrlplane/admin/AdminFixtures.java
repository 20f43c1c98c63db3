package dev.ctrlplane.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the admin and tenant tests share beyond {@link dev.ctrlplane.support.Fixtures}: reading the store directly (to
 * prove what the API says), walking pages, whole quotas, and the provider's own view of an instance's replicas.
 */
public final class AdminFixtures {

  private AdminFixtures() {}

  /** A whole quota, for PUT .../quota. */
  public static JsonObject quota(int instances, int cpuMillis, int memoryMb, int domains, int secrets) {
    return new JsonObject().put("max_instances", instances).put("max_cpu_millis", cpuMillis)
        .put("max_memory_mb", memoryMb).put("max_domains", domains).put("max_secrets", secrets);
  }

  /** Rows of a query on the node's own store. */
  public static List<Row> rows(TestNode node, String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    Futures.await(node.plane().pool().preparedQuery(sql).execute(Tuple.from(params))).forEach(rows::add);
    return rows;
  }

  public static long count(TestNode node, String sql, Object... params) {
    return rows(node, sql, params).get(0).getLong(0);
  }

  /** Every item of a paged list, following next_cursor; checks that total is the same on every page. */
  public static List<JsonObject> allPages(Api api, String path, int limit) {
    List<JsonObject> items = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    String cursor = null;
    Long total = null;
    do {
      String sep = path.contains("?") ? "&" : "?";
      JsonObject page = api.get(path + sep + "limit=" + limit + (cursor == null ? "" : "&cursor=" + enc(cursor)))
          .expect(200).json();
      if (total == null) {
        total = page.getLong("total");
      }
      assertEquals(total, page.getLong("total"), "total changed between pages of " + path);
      JsonArray array = page.getJsonArray("items");
      assertTrue(array.size() <= limit, "page larger than its limit");
      for (Object item : array) {
        JsonObject json = (JsonObject) item;
        assertTrue(ids.add(json.getString("id")), "item served twice: " + json.getString("id"));
        items.add(json);
      }
      cursor = page.getString("next_cursor");
      if (cursor != null) {
        assertEquals(limit, array.size(), "a page before the last must be full");
      }
    } while (cursor != null);
    assertEquals(total.longValue(), items.size(), "total must count every item of " + path);
    return items;
  }

  /** The pids of the process replicas the node runs for an instance (empty when none). */
  public static List<Long> pids(TestNode node, String instanceId) {
    return Futures.await(node.plane().providers().get("process").status(instanceId)).replicas().stream()
        .map(Replica::pid).toList();
  }

  public static void assertAllGone(List<Long> pids) {
    assertFalse(pids.isEmpty(), "no pids to check");
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still runs");
    }
  }

  public static void assertAllAlive(List<Long> pids) {
    assertFalse(pids.isEmpty(), "no replicas run");
    for (long pid : pids) {
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " is gone");
    }
  }

  public static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
