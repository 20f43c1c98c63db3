package dev.ctrlplane.network.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.admin.AdminFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DnsResponder;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The domains API (SPEC §8) against a real DNS server on 127.0.0.1 ({@link DnsResponder}): add, verify before and
 * after the TXT record exists, the re-check job, an unreachable resolver, validation, tenancy, quota, events, audit.
 */
class DomainApiTest {

  static final DnsResponder dns = DnsResponder.start();

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("dns.servers", dns.address(), "dns.timeout", "500ms",
      "dns.recheck_interval", "300ms"));

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  static String hostname(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
  }

  static String instance(Api api) {
    JsonObject body = Fixtures.noopInstance(Fixtures.uniqueName("web")).put("ports", new JsonArray()
        .add(new JsonObject().put("container_port", 8080).put("protocol", "http")));
    return api.post("/v1/instances", body).expect(201).id();
  }

  @Test
  void aDomainIsVerifiedOnlyOnceItsTxtRecordIsPublished() {
    String tenantId = node.tenant();
    Api api = node.api(node.token(tenantId, "alice"));
    String id = instance(api);
    String host = hostname("shop");
    String path = "/v1/instances/" + id + "/domains";
    assertEquals(new JsonArray(), api.get(path).expect(200).array());
    JsonObject domain = api.post(path, new JsonObject().put("hostname", host.toUpperCase())).expect(201).json();
    assertEquals(Set.of("id", "tenant_id", "instance_id", "hostname", "verified", "verification", "verified_at",
        "tls_enabled", "cert_expiry", "created_at"), domain.fieldNames());
    assertTrue(domain.getString("id").startsWith("dom_"));
    assertEquals(host, domain.getString("hostname"), "lower-cased");
    assertFalse(domain.getBoolean("verified"));
    assertNull(domain.getString("verified_at"));
    assertTrue(domain.getBoolean("tls_enabled"), "TLS by default");
    JsonObject verification = domain.getJsonObject("verification");
    assertEquals("_ctrlplane-challenge." + host, verification.getString("record_name"));
    String value = verification.getString("record_value");
    assertTrue(value.matches("[0-9a-f]{64}"), "256 random bits: " + value);
    String domainId = domain.getString("id");

    String absent = api.post("/v1/domains/" + domainId + "/verify").expectError(422, "unprocessable").json()
        .getString("message");
    assertTrue(absent.contains("_ctrlplane-challenge." + host) && absent.contains("NXDOMAIN")
        && absent.contains(dns.address()), absent);

    dns.publishTxt("_ctrlplane-challenge." + host, "not-the-value");
    String wrong = api.post("/v1/domains/" + domainId + "/verify").expectError(422, "unprocessable").json()
        .getString("message");
    assertTrue(wrong.contains("\"not-the-value\""), wrong);
    assertFalse(api.get(path).expect(200).array().getJsonObject(0).getBoolean("verified"), "unchanged");

    try (EventTap verified = EventTap.on(node.node(), "ctrlplane.events.domain.verified")) {
      dns.publishTxt("_ctrlplane-challenge." + host, value);
      JsonObject after = api.post("/v1/domains/" + domainId + "/verify").expect(200).json();
      assertTrue(after.getBoolean("verified"));
      assertNotNull(after.getString("verified_at"));
      assertEquals(domainId, verified.next(e -> domainId.equals(e.getString("resource_id")), 10)
          .getJsonObject("data").getString("id"));
    }
    assertTrue(api.post("/v1/domains/" + domainId + "/verify").expect(200).json().getBoolean("verified"),
        "verifying again answers the verified domain");
    JsonArray listed = api.get(path).expect(200).array();
    assertEquals(1, listed.size());
    assertTrue(listed.getJsonObject(0).getBoolean("verified"));

    List<String> actions = node.admin().get("/v1/admin/audit?resource=domain&tenant_id=" + tenantId).expect(200)
        .json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("action")).toList();
    assertEquals(List.of("verify", "create"), actions, "the refused verifies changed nothing and are not audited");
  }

  @Test
  void theRecheckJobVerifiesADomainWhoseRecordAppearsLater() {
    Api api = node.tenantApi();
    String id = instance(api);
    String host = hostname("later");
    try (EventTap verified = EventTap.on(node.node(), "ctrlplane.events.domain.verified")) {
      JsonObject domain = api.post("/v1/instances/" + id + "/domains", new JsonObject().put("hostname", host))
          .expect(201).json();
      dns.publishTxt(domain.getJsonObject("verification").getString("record_name"),
          domain.getJsonObject("verification").getString("record_value"));
      JsonObject event = verified.next(e -> domain.getString("id").equals(e.getString("resource_id")), 20);
      assertTrue(event.getJsonObject("data").getBoolean("verified"));
    }
    assertTrue(api.get("/v1/instances/" + id + "/domains").expect(200).array().getJsonObject(0)
        .getBoolean("verified"));
  }

  @Test
  void aResolverThatDoesNotAnswerIs503AndTheDomainStaysUnverified() {
    Api api = node.tenantApi();
    String id = instance(api);
    JsonObject domain = api.post("/v1/instances/" + id + "/domains", new JsonObject().put("hostname",
        hostname("mute"))).expect(201).json();
    dns.silent(true);
    try {
      String message = api.post("/v1/domains/" + domain.getString("id") + "/verify")
          .expectError(503, "unavailable").json().getString("message");
      assertTrue(message.contains("no DNS resolver answered") && message.contains(dns.address()), message);
    } finally {
      dns.silent(false);
    }
    assertFalse(api.get("/v1/instances/" + id + "/domains").expect(200).array().getJsonObject(0)
        .getBoolean("verified"));
  }

  @Test
  void badHostnamesAre400NamingTheFieldAndStoreNothing() {
    Api api = node.tenantApi();
    String id = instance(api);
    String path = "/v1/instances/" + id + "/domains";
    List<Object> bad = new ArrayList<>(List.of("", "localhost", "com", "a..example.com", "-a.example.com",
        "a-.example.com", "1.2.3.4", "10.0.0.1", "[::1]", "::1", "*.example.com", "example.com.", "ex ample.com",
        "exämple.com", "under_score.example.com", "web.anything.localhost", "x".repeat(64) + ".example.com",
        ("a".repeat(60) + ".").repeat(4) + "example.com", 42, true));
    for (Object hostname : bad) {
      expectField(api.post(path, new JsonObject().put("hostname", hostname)), "hostname");
    }
    expectField(api.post(path, new JsonObject()), "hostname");
    expectField(api.post(path, new JsonObject().put("hostname", hostname("ok")).put("tls_enabled", "yes")),
        "tls_enabled");
    assertEquals(new JsonArray(), api.get(path).expect(200).array(), "nothing stored");
    api.post("/v1/domains/dom_notanid/verify").expectError(404, "not_found");
    api.delete("/v1/domains/inst_01jabcdefghjkmnpqrstvwxyz0").expectError(404, "not_found");
    api.post("/v1/instances/inst_notanid/domains", new JsonObject().put("hostname", hostname("x")))
        .expectError(404, "not_found");
  }

  private static void expectField(Api.Response response, String field) {
    String message = response.expectError(400, "invalid_argument").json().getString("message");
    assertTrue(message.startsWith(field + ":"), message);
  }

  @Test
  void aHostnameIsGloballyUniqueAndAnotherTenantsDomainsAre404() {
    String ownerTenant = node.tenant();
    Api owner = node.api(node.token(ownerTenant, "alice"));
    Api other = node.tenantApi();
    String ownerInstance = instance(owner);
    String host = hostname("taken");
    String domainId = owner.post("/v1/instances/" + ownerInstance + "/domains", new JsonObject()
        .put("hostname", host)).expect(201).id();

    String otherInstance = instance(other);
    String message = other.post("/v1/instances/" + otherInstance + "/domains", new JsonObject()
        .put("hostname", host.toUpperCase())).expectError(409, "already_exists").json().getString("message");
    assertFalse(message.contains(ownerTenant) || message.contains(ownerInstance) || message.contains(domainId),
        "the holder is not revealed: " + message);
    owner.post("/v1/instances/" + ownerInstance + "/domains", new JsonObject().put("hostname", host))
        .expectError(409, "already_exists");

    other.get("/v1/instances/" + ownerInstance + "/domains").expectError(404, "not_found");
    other.post("/v1/instances/" + ownerInstance + "/domains", new JsonObject().put("hostname", hostname("x")))
        .expectError(404, "not_found");
    other.post("/v1/domains/" + domainId + "/verify").expectError(404, "not_found");
    other.delete("/v1/domains/" + domainId).expectError(404, "not_found");
    other.post("/v1/domains/" + domainId + "/cert").expectError(404, "not_found");
    other.get("/v1/domains/" + domainId + "/cert").expectError(404, "not_found");
    assertEquals(1, owner.get("/v1/instances/" + ownerInstance + "/domains").expect(200).array().size());
    assertEquals(1, node.admin().get("/v1/instances/" + ownerInstance + "/domains").expect(200).array().size(),
        "an operator sees every tenant's domains");
  }

  @Test
  void parallelAddsNeverExceedMaxDomainsAndUsedDomainsIsReal() throws Exception {
    String tenantId = node.tenant();
    Api api = node.api(node.token(tenantId, "alice"));
    node.admin().put("/v1/admin/tenants/" + tenantId + "/quota", AdminFixtures.quota(10, 100_000, 100_000, 3, 10))
        .expect(200);
    String id = instance(api);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Future<Integer>> statuses = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        String host = hostname("race" + i);
        statuses.add(pool.submit(() -> api.post("/v1/instances/" + id + "/domains",
            new JsonObject().put("hostname", host)).status()));
      }
      List<Integer> got = new ArrayList<>();
      for (Future<Integer> status : statuses) {
        got.add(status.get(60, TimeUnit.SECONDS));
      }
      assertEquals(3, got.stream().filter(s -> s == 201).count(), got.toString());
      assertEquals(7, got.stream().filter(s -> s == 429).count(), got.toString());
    } finally {
      pool.shutdownNow();
    }
    JsonArray domains = api.get("/v1/instances/" + id + "/domains").expect(200).array();
    assertEquals(3, domains.size());
    assertEquals(3, usedDomains(tenantId));
    api.delete("/v1/domains/" + domains.getJsonObject(0).getString("id")).expect(204);
    assertEquals(2, usedDomains(tenantId));
    api.post("/v1/instances/" + id + "/domains", new JsonObject().put("hostname", hostname("room"))).expect(201);
    api.delete("/v1/instances/" + id).expect(202);
    api.awaitGone(id, 30);
    assertEquals(0, usedDomains(tenantId), "an instance's domains go with it");
  }

  private static long usedDomains(String tenantId) {
    return node.admin().get("/v1/admin/tenants/" + tenantId + "/quota").expect(200).json().getJsonObject("used")
        .getLong("domains");
  }

  @Test
  void deletingADomainRemovesItAndTheRoutesNamingIt() {
    String tenantId = node.tenant();
    Api api = node.api(node.token(tenantId, "alice"));
    String id = instance(api);
    String second = instance(api);
    String host = hostname("gone");
    JsonObject domain = api.post("/v1/instances/" + id + "/domains", new JsonObject().put("hostname", host))
        .expect(201).json();
    String domainId = domain.getString("id");
    api.post("/v1/instances/" + id + "/routes", new JsonObject().put("path", "/").put("hostname", host))
        .expectError(400, "invalid_argument");
    dns.publishTxt("_ctrlplane-challenge." + host, domain.getJsonObject("verification").getString("record_value"));
    api.post("/v1/domains/" + domainId + "/verify").expect(200);
    String route = api.post("/v1/instances/" + id + "/routes", new JsonObject().put("path", "/")
        .put("hostname", host)).expect(201).id();
    api.post("/v1/instances/" + second + "/routes", new JsonObject().put("path", "/").put("hostname", host)
        .put("weight", 30)).expect(201);

    Api stranger = node.tenantApi();
    String strangers = instance(stranger);
    String refusal = stranger.post("/v1/instances/" + strangers + "/routes", new JsonObject().put("path", "/")
        .put("hostname", host)).expectError(400, "invalid_argument").json().getString("message");
    String nobody = stranger.post("/v1/instances/" + strangers + "/routes", new JsonObject().put("path", "/")
        .put("hostname", hostname("nobody"))).expectError(400, "invalid_argument").json().getString("message");
    assertEquals(nobody, refusal, "another tenant's domain is refused exactly like a name nobody holds");

    try (EventTap removed = EventTap.on(node.node(), "ctrlplane.events.domain.removed");
         EventTap routeRemoved = EventTap.on(node.node(), "ctrlplane.events.route.removed")) {
      api.delete("/v1/domains/" + domainId).expect(204);
      JsonObject event = removed.next(e -> domainId.equals(e.getString("resource_id")), 10);
      assertEquals(host, event.getJsonObject("data").getString("hostname"));
      assertEquals(2, event.getJsonObject("data").getJsonArray("routes_removed").size());
      assertEquals(route, routeRemoved.next(e -> route.equals(e.getString("resource_id")), 10).getString(
          "resource_id"));
    }
    api.delete("/v1/domains/" + domainId).expectError(404, "not_found");
    assertEquals(new JsonArray(), api.get("/v1/instances/" + id + "/routes").expect(200).array());
    assertEquals(new JsonArray(), api.get("/v1/instances/" + second + "/routes").expect(200).array());
    assertEquals(new JsonArray(), api.get("/v1/instances/" + id + "/domains").expect(200).array());
    List<String> actions = node.admin().get("/v1/admin/audit?resource=domain&tenant_id=" + tenantId).expect(200)
        .json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("action")).toList();
    assertEquals(List.of("delete", "verify", "create"), actions);
  }
}
