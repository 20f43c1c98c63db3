package dev.ctrlplane.network.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.network.domain.DomainFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DnsResponder;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Renewal forced by a short validity: certificates live 30s and are renewed 25s before they expire, looked for every
 * 500ms, so a certificate with auto_renew is replaced about 5s after it was issued, and one without is left alone.
 */
class CertRenewalTest {

  static final DnsResponder dns = DnsResponder.start();

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("dns.servers", dns.address(), "certs.validity", "30s",
      "certs.renew_before", "25s", "certs.renew_check_interval", "500ms"));

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  @Test
  void aCertificateWithAutoRenewIsReplacedBeforeItExpiresAndOneWithoutIsNot() throws Exception {
    Api api = node.tenantApi();
    String id = CertificateApiTest.instance(api);
    String renewedDomain = DomainFixtures.verified(api, dns, id, DomainFixtures.hostname("renew")).getString("id");
    String keptDomain = DomainFixtures.verified(api, dns, id, DomainFixtures.hostname("keep")).getString("id");
    try (EventTap renewed = EventTap.on(node.node(), "ctrlplane.events.cert.renewed")) {
      JsonObject kept = api.post("/v1/domains/" + keptDomain + "/cert", new JsonObject().put("auto_renew", false))
          .expect(201).json();
      JsonObject first = api.post("/v1/domains/" + renewedDomain + "/cert").expect(201).json();
      JsonObject event = renewed.next(e -> renewedDomain.equals(e.getJsonObject("data").getString("domain_id")), 20);
      JsonObject next = event.getJsonObject("data");
      assertEquals(first.getString("id"), next.getString("replaces"));
      assertNotEquals(first.getString("serial"), next.getString("serial"));
      assertTrue(Instant.parse(next.getString("expires_at")).isAfter(Instant.parse(first.getString("expires_at"))));
      assertTrue(next.getBoolean("auto_renew"));

      X509Certificate served = CertificateApiTest.parse(api.get("/v1/domains/" + renewedDomain + "/cert").expect(200)
          .body()).get(0);
      assertTrue(Pem.fingerprint(served).equals(next.getString("fingerprint_sha256"))
          || Instant.now().isAfter(Instant.parse(next.getString("expires_at")).minusSeconds(25)),
          "GET shows the renewed certificate (or a later renewal of it)");
      JsonObject domain = api.get("/v1/instances/" + id + "/domains").expect(200).array().stream()
          .map(o -> (JsonObject) o).filter(d -> d.getString("id").equals(renewedDomain)).findFirst().orElseThrow();
      assertTrue(!Instant.parse(domain.getString("cert_expiry")).isBefore(Instant.parse(next.getString("expires_at"))),
          "domain.cert_expiry follows the renewal");

      JsonObject again = renewed.next(e -> renewedDomain.equals(e.getJsonObject("data").getString("domain_id")), 20);
      assertEquals(next.getString("id"), again.getJsonObject("data").getString("replaces"), "renewed again in turn");
      X509Certificate keptNow = CertificateApiTest.parse(api.get("/v1/domains/" + keptDomain + "/cert").expect(200)
          .body()).get(0);
      assertEquals(kept.getString("fingerprint_sha256"), Pem.fingerprint(keptNow), "auto_renew false: left alone");
    }
  }
}
