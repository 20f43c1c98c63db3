package dev.ctrlplane.network;

import static dev.ctrlplane.network.EdgeFixtures.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.network.EdgeFixtures.Tenant;
import dev.ctrlplane.network.domain.DomainFixtures;
import dev.ctrlplane.support.DnsResponder;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.Poll;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Custom domains at the edge (SPEC §8). HTTPS: two verified domains with certificates on one TLS port, each handshake
 * answered with its own certificate chosen by SNI, the request reaching the domain's instance; a certificate issued
 * again is served from the next handshake on, without a restart; a name without a certificate gets no handshake.
 * Routes by hostname: a verified domain answers for its instance, and routes of two instances of its tenant on it
 * split its traffic by weight.
 */
class EdgeDomainsTest {

  static final DnsResponder dns = DnsResponder.start();

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("dns.servers", dns.address()));

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  @Test
  void twoDomainsOnOneTlsPortEachReachTheirInstanceWithTheirOwnCertificate() throws Exception {
    Tenant t = EdgeFixtures.tenant(node);
    String a = hello(t.api(), "a", 1).getString("id");
    String b = hello(t.api(), "b", 1).getString("id");
    String hostA = DomainFixtures.hostname("tls-a");
    String hostB = DomainFixtures.hostname("tls-b");
    String domainA = DomainFixtures.verified(t.api(), dns, a, hostA).getString("id");
    String domainB = DomainFixtures.verified(t.api(), dns, b, hostB).getString("id");
    JsonObject certA = t.api().post("/v1/domains/" + domainA + "/cert").expect(201).json();
    JsonObject certB = t.api().post("/v1/domains/" + domainB + "/cert").expect(201).json();
    X509Certificate root = parse(node.admin().get("/v1/admin/ca").expect(200).body());
    int port = node.node().edgeTlsPort();

    EdgeTls.Answer viaA = awaitServed(port, hostA, root, certA.getString("serial"));
    JsonObject seenA = viaA.response().expect(200).json();
    assertEquals(a, seenA.getString("instance"));
    assertEquals("https", seenA.getJsonObject("headers").getString("x-forwarded-proto"));
    assertEquals(List.of(List.of(2, hostA)), viaA.leaf().getSubjectAlternativeNames().stream().map(List::copyOf)
        .toList());
    EdgeTls.Answer viaB = awaitServed(port, hostB, root, certB.getString("serial"));
    assertEquals(b, viaB.response().expect(200).json().getString("instance"));

    assertEquals(a, EdgeHttp.get(node.node().edgePort(), hostA, "/headers").expect(200).json().getString("instance"),
        "plain HTTP to a TLS domain is served too (no redirect)");

    JsonObject renewed = t.api().post("/v1/domains/" + domainA + "/cert").expect(201).json();
    EdgeTls.Answer fresh = awaitServed(port, hostA, root, renewed.getString("serial"));
    assertEquals(a, fresh.response().expect(200).json().getString("instance"));

    String unknown = DomainFixtures.hostname("nocert");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> EdgeTls.get(port, unknown, root, "/"));
    assertTrue(refused.getMessage().contains("SSL") || refused.getMessage().contains("handshake"),
        refused.getMessage());
  }

  @Test
  void routesOfTwoInstancesOnOneDomainSplitItsTrafficByWeight() {
    Tenant t = EdgeFixtures.tenant(node);
    String stable = hello(t.api(), "stable", 1).getString("id");
    String canary = hello(t.api(), "canary", 1).getString("id");
    String host = DomainFixtures.hostname("split");
    DomainFixtures.verified(t.api(), dns, stable, host);
    Poll.until(() -> EdgeHttp.get(node.node().edgePort(), host, "/headers").status() == 200, 10,
        () -> "the verified domain to answer for its instance");
    assertEquals(stable, EdgeFixtures.instanceBehind(node.node().edgePort(), host, "/headers"));

    t.api().post("/v1/instances/" + stable + "/routes", new JsonObject().put("path", "/").put("hostname", host)
        .put("weight", 70)).expect(201);
    t.api().post("/v1/instances/" + canary + "/routes", new JsonObject().put("path", "/").put("hostname", host)
        .put("weight", 30)).expect(201);
    Poll.until(() -> canary.equals(EdgeFixtures.instanceBehind(node.node().edgePort(), host, "/headers")), 10,
        () -> "the canary's route to take part");

    int requests = 1000;
    Map<String, Integer> served = new java.util.HashMap<>();
    for (int i = 0; i < requests; i++) {
      served.merge(EdgeFixtures.instanceBehind(node.node().edgePort(), host, "/headers"), 1, Integer::sum);
    }
    assertEquals(java.util.Set.of(stable, canary), served.keySet());
    double stableShare = served.get(stable) * 100.0 / requests;
    System.out.println("weighted split over " + requests + " requests (70/30 asked): " + served);
    assertTrue(Math.abs(stableShare - 70) <= 5, "70/30 within 5 points: " + served);
    assertEquals(stable, EdgeFixtures.instanceBehind(node.node().edgePort(), t.host("stable"), "/headers"),
        "the routes on the domain match only that Host: the default host still goes to its instance");
    assertEquals(canary, EdgeFixtures.instanceBehind(node.node().edgePort(), t.host("canary"), "/headers"));
  }

  /** Waits until the edge presents the certificate with {@code serial} for {@code host} (it follows events). */
  private static EdgeTls.Answer awaitServed(int port, String host, X509Certificate root, String serial) {
    BigInteger wanted = new BigInteger(serial, 16);
    return Poll.value(() -> {
      try {
        EdgeTls.Answer answer = EdgeTls.get(port, host, root, "/headers");
        return answer.leaf().getSerialNumber().equals(wanted) ? Optional.of(answer) : Optional.empty();
      } catch (IllegalStateException notYet) {
        return Optional.empty();
      }
    }, 15, () -> host + " to be served with certificate " + serial);
  }

  static X509Certificate parse(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }
}
