package dev.ctrlplane.network.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.network.Route;
import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.PortMapping;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routing table as a pure function of routes and instances. */
class RoutingTableTest {

  private static RoutingTable.InstanceView instance(String id, String slug, String tenantSlug) {
    return RoutingTable.InstanceView.of(id, "ten_" + tenantSlug, slug, tenantSlug,
        List.of(new PortMapping(9000, 0, "tcp"), new PortMapping(8080, 0, "http")),
        List.of(new Endpoint("http://127.0.0.1:4001", 4001, "http", false)), "n", "running", 1);
  }

  private static Route route(String id, String instanceId, String path, int weight, boolean strip, String host) {
    return new Route(id, "ten", instanceId, path, 8080, "http", weight, strip, host, 1, Instant.EPOCH, Instant.EPOCH);
  }

  private static RoutingTable table(List<Route> routes, RoutingTable.InstanceView... instances) {
    Map<String, RoutingTable.InstanceView> byId = new HashMap<>();
    for (RoutingTable.InstanceView i : instances) {
      byId.put(i.id(), i);
    }
    return RoutingTable.build(routes, byId, "localhost");
  }

  @Test
  void prefixesCoverWholeSegments() {
    assertTrue(RoutingTable.covers("/", "/anything"));
    assertTrue(RoutingTable.covers("/api", "/api"));
    assertTrue(RoutingTable.covers("/api", "/api/v1"));
    assertFalse(RoutingTable.covers("/api", "/apix"));
    assertFalse(RoutingTable.covers("/api/v1", "/api"));
  }

  @Test
  void theDefaultHostAnswersUnderSlashOnTheFirstHttpPortAndRoutesWithoutHostnameBelongToIt() {
    var web = instance("inst_a", "web", "acme");
    RoutingTable t = table(List.of(route("rte_1", "inst_a", "/api", 100, true, null)), web);
    RoutingTable.Match root = t.match("web.acme.localhost", "/x");
    assertEquals("inst_a", root.instance().id());
    assertNull(root.target().routeId());
    assertEquals(8080, root.target().port());
    RoutingTable.Match api = t.match("web.acme.localhost", "/api/users");
    assertEquals("rte_1", api.target().routeId());
    assertEquals("/users?q=1", api.upstreamUri("/api/users?q=1"));
    assertEquals("/", api.upstreamUri("/api"));
    assertEquals("/?q", api.upstreamUri("/api?q"));
    assertNull(t.match("web.other.localhost", "/api"), "another tenant's host");
    assertNull(t.match("anything.example.com", "/"));
  }

  @Test
  void zeroWeightTakesNoneAndAnAllZeroPrefixFallsBackToAShorterOne() {
    var a = instance("inst_a", "a", "acme");
    var b = instance("inst_b", "b", "acme");
    String host = "shop.acme.localhost";
    RoutingTable t = table(List.of(route("rte_a", "inst_a", "/", 100, false, host),
        route("rte_b", "inst_b", "/", 0, false, host), route("rte_c", "inst_b", "/off", 0, false, host)), a, b);
    for (int i = 0; i < 200; i++) {
      assertEquals("rte_a", t.match(host, "/x").target().routeId());
      assertEquals("rte_a", t.match(host, "/off/x").target().routeId());
    }
  }

  @Test
  void weightsSplitAMatch() {
    var a = instance("inst_a", "a", "acme");
    var b = instance("inst_b", "b", "acme");
    String host = "shop.acme.localhost";
    RoutingTable t = table(List.of(route("rte_a", "inst_a", "/", 90, false, host),
        route("rte_b", "inst_b", "/", 10, false, host)), a, b);
    int toA = 0;
    for (int i = 0; i < 10_000; i++) {
      toA += t.match(host, "/").instance().id().equals("inst_a") ? 1 : 0;
    }
    assertTrue(toA > 8_800 && toA < 9_200, "90% to a: " + toA);
  }

  @Test
  void anExplicitSlashRouteAtADefaultHostReplacesTheImplicitOne() {
    var a = instance("inst_a", "a", "acme");
    var b = instance("inst_b", "b", "acme");
    RoutingTable t = table(List.of(route("rte_b", "inst_b", "/", 100, false, "a.acme.localhost")), a, b);
    assertEquals("inst_b", t.match("a.acme.localhost", "/").instance().id());
  }
}
