package dev.ctrlplane.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ctrlplane.network.EdgeTls;
import dev.ctrlplane.network.domain.DomainFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DnsResponder;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.Poll;
import dev.ctrlplane.support.TestCluster;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Certificates in a cluster of two real nodes: one built-in root for both, and a certificate issued (or issued again)
 * through one node served by the other node's edge from its next handshake on, without a restart.
 */
class TlsClusterTest {

  private static final Replicas REPLICAS = new Replicas();
  static final DnsResponder dns = DnsResponder.start();

  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Api api;
  static Api apiOnB;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(Map.of("dns.servers", dns.address()), "tls-a", "tls-b");
    a = cluster.node("tls-a");
    b = cluster.node("tls-b");
    JsonObject tenant = Fixtures.createTenant(a.api(a.adminToken()), "enterprise");
    api = a.api(a.token(tenant.getString("id"), "alice"));
    apiOnB = b.api(b.token(tenant.getString("id"), "alice"));
  }

  @AfterAll
  static void stop() {
    try {
      if (cluster != null) {
        try {
          Fixtures.deleteAllInstances(a);
        } finally {
          try {
            cluster.close();
          } finally {
            REPLICAS.killLeftovers(cluster.dataDirs());
          }
        }
      }
    } finally {
      dns.close();
    }
  }

  @Test
  void aCertificateIssuedThroughOneNodeIsServedByTheOthersEdge() throws Exception {
    JsonObject body = Fixtures.processInstance(Fixtures.uniqueName("web"), "hello:1.0", Map.of())
        .put("resources", new JsonObject().put("replicas", 1).put("cpu_millis", 100).put("memory_mb", 64))
        .put("ports", new JsonArray().add(new JsonObject().put("container_port", 8080).put("protocol", "http")));
    String id = api.post("/v1/instances", body).expect(201).id();
    api.awaitState(id, "running", 60);
    String hostA = DomainFixtures.hostname("cluster-a");
    String hostB = DomainFixtures.hostname("cluster-b");
    String domainA = DomainFixtures.verified(api, dns, id, hostA).getString("id");
    String domainB = DomainFixtures.verified(api, dns, id, hostB).getString("id");
    JsonObject certA = api.post("/v1/domains/" + domainA + "/cert").expect(201).json();
    JsonObject certB = apiOnB.post("/v1/domains/" + domainB + "/cert").expect(201).json();
    X509Certificate rootA = parse(a.api(a.adminToken()).get("/v1/admin/ca").expect(200).body());
    X509Certificate rootB = parse(b.api(b.adminToken()).get("/v1/admin/ca").expect(200).body());
    assertEquals(rootA, rootB, "one root for the cluster");

    assertEquals(id, served(b, hostA, rootA, certA.getString("serial")).response().expect(200).json()
        .getString("instance"));
    assertEquals(id, served(a, hostB, rootA, certB.getString("serial")).response().expect(200).json()
        .getString("instance"));
    JsonObject again = api.post("/v1/domains/" + domainA + "/cert").expect(201).json();
    served(b, hostA, rootA, again.getString("serial"));
  }

  private static EdgeTls.Answer served(TestNode node, String host, X509Certificate root, String serial) {
    BigInteger wanted = new BigInteger(serial, 16);
    return Poll.value(() -> {
      try {
        EdgeTls.Answer answer = EdgeTls.get(node.edgeTlsPort(), host, root, "/headers");
        return answer.leaf().getSerialNumber().equals(wanted) ? Optional.of(answer) : Optional.empty();
      } catch (IllegalStateException notYet) {
        return Optional.empty();
      }
    }, 15, () -> host + " to be served by " + node.edgeTlsPort() + " with certificate " + serial);
  }

  private static X509Certificate parse(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }
}
