package dev.ctrlplane.network.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.network.domain.DomainFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DnsResponder;
import dev.ctrlplane.support.Futures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestDatabase;
import dev.ctrlplane.support.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code secrets rotate} re-seals the certificates' keys and the root's with the new master key, once. */
class CertKeyRotationTest {

  static final DnsResponder dns = DnsResponder.start();

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("dns.servers", dns.address()));

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  @Test
  void everyCertificateKeyAndTheRootKeyAreResealedWithTheNewKey() throws Exception {
    Api api = node.tenantApi();
    String id = CertificateApiTest.instance(api);
    for (int i = 0; i < 3; i++) {
      String domainId = DomainFixtures.verified(api, dns, id, DomainFixtures.hostname("rot")).getString("id");
      api.post("/v1/domains/" + domainId + "/cert").expect(201);
    }
    String newKey = KeyRing.generateBase64();
    KeyRing ring = KeyRing.fromBase64(newKey, List.of(TestNode.SECRETS_KEY));
    CertKeyRotation.Report first = Futures.await(new CertKeyRotation(node.plane().vertx(), node.plane().pool(), ring)
        .run(2), 60);
    assertEquals(new CertKeyRotation.Report(4, 0), first, "three certificates and the root");
    assertEquals(Set.of(ring.currentKeyId()), keyIds("SELECT key_id FROM certificates UNION ALL "
        + "SELECT key_id FROM certificate_authority"));
    CertKeyRotation.Report second = Futures.await(new CertKeyRotation(node.plane().vertx(), node.plane().pool(),
        ring).run(2), 60);
    assertEquals(new CertKeyRotation.Report(0, 0), second, "nothing left to do");

    KeyRing onlyNew = KeyRing.fromBase64(newKey, List.of());
    CertKeyRotation.Report unreadable = Futures.await(new CertKeyRotation(node.plane().vertx(), node.plane().pool(),
        KeyRing.fromBase64(KeyRing.generateBase64(), List.of())).run(10), 60);
    assertEquals(new CertKeyRotation.Report(0, 4), unreadable, "a key no ring key opens is counted, left alone");
    assertTrue(keyIds("SELECT key_id FROM certificates").contains(onlyNew.currentKeyId()));
  }

  private static Set<String> keyIds(String sql) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection conn = DriverManager.getConnection(TestDatabase.jdbc(node.node().storeUrl()));
         Statement statement = conn.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }
}
