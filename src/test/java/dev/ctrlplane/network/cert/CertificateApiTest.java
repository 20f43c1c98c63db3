package dev.ctrlplane.network.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.crypto.Aad;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.crypto.Sealed;
import dev.ctrlplane.network.domain.DomainFixtures;
import dev.ctrlplane.support.Api;
import dev.ctrlplane.support.DatabaseDump;
import dev.ctrlplane.support.DnsResponder;
import dev.ctrlplane.support.EventTap;
import dev.ctrlplane.support.Fixtures;
import dev.ctrlplane.support.NodeExtension;
import dev.ctrlplane.support.TestDatabase;
import dev.ctrlplane.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Certificates from the built-in authority (SPEC §8): only for verified domains, a chain that validates against the
 * downloadable root with the hostname as SAN and TLS-server key usage, never a private key in a response, an event or
 * the database in plain text.
 */
class CertificateApiTest {

  static final DnsResponder dns = DnsResponder.start();

  @RegisterExtension
  static final NodeExtension node = new NodeExtension(Map.of("dns.servers", dns.address(), "dns.timeout", "1s"));

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  public static String instance(Api api) {
    JsonObject body = Fixtures.noopInstance(Fixtures.uniqueName("web")).put("ports", new JsonArray()
        .add(new JsonObject().put("container_port", 8080).put("protocol", "http")));
    return api.post("/v1/instances", body).expect(201).id();
  }

  @Test
  void anUnverifiedDomainGetsNoCertificate() {
    Api api = node.tenantApi();
    String id = instance(api);
    String domainId = api.post("/v1/instances/" + id + "/domains", new JsonObject().put("hostname",
        DomainFixtures.hostname("early"))).expect(201).id();
    String message = api.post("/v1/domains/" + domainId + "/cert").expectError(422, "unprocessable").json()
        .getString("message");
    assertTrue(message.contains("not verified"), message);
    api.get("/v1/domains/" + domainId + "/cert").expectError(404, "not_found");
    api.post("/v1/domains/" + domainId + "/cert", new JsonObject().put("auto_renew", "no"))
        .expectError(400, "invalid_argument");
  }

  @Test
  void theChainValidatesAgainstTheBuiltInRootWithTheHostnameAsSan() throws Exception {
    String tenantId = node.tenant();
    Api api = node.api(node.token(tenantId, "alice"));
    String id = instance(api);
    String host = DomainFixtures.hostname("secure");
    String domainId = DomainFixtures.verified(api, dns, id, host).getString("id");

    JsonObject cert;
    try (EventTap provisioned = EventTap.on(node.node(), "ctrlplane.events.cert.provisioned")) {
      cert = api.post("/v1/domains/" + domainId + "/cert").expect(201).json();
      JsonObject event = provisioned.next(e -> cert.getString("id").equals(e.getString("resource_id")), 10);
      assertEquals(cert, event.getJsonObject("data"), "the event carries the certificate as the API shows it");
    }
    assertEquals(Set.of("id", "domain_id", "hostname", "issuer", "serial", "not_before", "expires_at",
        "fingerprint_sha256", "auto_renew", "created_at"), cert.fieldNames(), "no key of any kind");
    assertTrue(cert.getString("id").startsWith("cert_"));
    assertEquals(domainId, cert.getString("domain_id"));
    assertTrue(cert.getBoolean("auto_renew"));
    assertTrue(cert.getString("issuer").contains("CN=ctrlplane built-in CA"), cert.getString("issuer"));
    Instant notBefore = Instant.parse(cert.getString("not_before"));
    Instant expires = Instant.parse(cert.getString("expires_at"));
    assertTrue(notBefore.isBefore(Instant.now()) && expires.isAfter(Instant.now().plusSeconds(80L * 24 * 3600)),
        "90 days by default: " + notBefore + " .. " + expires);

    Api.Response pem = api.get("/v1/domains/" + domainId + "/cert").expect(200);
    assertEquals("application/pem-certificate-chain", pem.header("Content-Type").orElseThrow());
    assertFalse(pem.body().contains("PRIVATE KEY"));
    List<X509Certificate> chain = parse(pem.body());
    assertEquals(2, chain.size(), "leaf, then the root");
    X509Certificate leaf = chain.get(0);

    api.get("/v1/admin/ca").expectError(403, "forbidden");
    Api.Response rootPem = node.admin().get("/v1/admin/ca").expect(200);
    X509Certificate root = parse(rootPem.body()).get(0);
    assertEquals(root, chain.get(1));
    assertTrue(root.getBasicConstraints() >= 0, "the root is a CA");

    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    pkix.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(leaf)), pkix);

    assertEquals(List.of(List.of(2, host)), leaf.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
    boolean[] usage = leaf.getKeyUsage();
    assertTrue(usage[0], "digitalSignature");
    assertFalse(usage[5], "not keyCertSign");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), leaf.getExtendedKeyUsage(), "serverAuth only");
    assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
    assertEquals(new java.math.BigInteger(cert.getString("serial"), 16), leaf.getSerialNumber());
    assertEquals(HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256")
        .digest(leaf.getEncoded())), cert.getString("fingerprint_sha256"));
    assertEquals(expires, leaf.getNotAfter().toInstant());

    JsonObject domain = api.get("/v1/instances/" + id + "/domains").expect(200).array().getJsonObject(0);
    assertEquals(cert.getString("expires_at"), domain.getString("cert_expiry"), "domain.cert_expiry follows");

    JsonObject again = api.post("/v1/domains/" + domainId + "/cert", new JsonObject().put("auto_renew", false))
        .expect(201).json();
    assertNotEquals(cert.getString("serial"), again.getString("serial"));
    assertFalse(again.getBoolean("auto_renew"));
    X509Certificate replaced = parse(api.get("/v1/domains/" + domainId + "/cert").expect(200).body()).get(0);
    assertNotEquals(leaf.getPublicKey(), replaced.getPublicKey(), "a fresh key each time");
    assertEquals(again.getString("fingerprint_sha256"), Pem.fingerprint(replaced));
    List<String> actions = node.admin().get("/v1/admin/audit?resource=certificate&tenant_id=" + tenantId)
        .expect(200).json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("action")).toList();
    assertEquals(List.of("create", "create"), actions);
  }

  @Test
  void noPrivateKeyIsInTheDatabaseInPlainText() throws Exception {
    Api api = node.tenantApi();
    String id = instance(api);
    String host = DomainFixtures.hostname("sealed");
    String domainId = DomainFixtures.verified(api, dns, id, host).getString("id");
    String certId = api.post("/v1/domains/" + domainId + "/cert").expect(201).id();
    X509Certificate leaf = parse(api.get("/v1/domains/" + domainId + "/cert").expect(200).body()).get(0);

    KeyRing ring = KeyRing.fromBase64(TestNode.SECRETS_KEY, List.of());
    byte[] leafKey;
    byte[] rootKey;
    try (Connection conn = DriverManager.getConnection(TestDatabase.jdbc(node.node().storeUrl()))) {
      leafKey = ring.open(sealedOf(conn, "SELECT key_id, nonce, ciphertext FROM certificates WHERE id = ?", certId),
          Aad.of("cert-key/v1", certId, domainId, host));
      rootKey = ring.open(sealedOf(conn, "SELECT key_id, nonce, ciphertext FROM certificate_authority WHERE name = ?",
          "root"), Aad.of("ca-root-key/v1", "root"));
    }
    PrivateKey key = Pem.privateKey(leafKey);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update("proof".getBytes(StandardCharsets.UTF_8));
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(leaf.getPublicKey());
    verifier.update("proof".getBytes(StandardCharsets.UTF_8));
    assertTrue(verifier.verify(signature), "the sealed key is the certificate's");

    String rows = DatabaseDump.allRows(node.node().storeUrl());
    assertTrue(rows.contains(certId), "the dump has the certificate row");
    for (byte[] secret : List.of(leafKey, rootKey, scalar(key), scalar(Pem.privateKey(rootKey)))) {
      for (String form : List.of(HexFormat.of().formatHex(secret), Base64.getEncoder().encodeToString(secret),
          Base64.getMimeEncoder().encodeToString(secret).lines().findFirst().orElseThrow())) {
        assertFalse(rows.contains(form), "a private key in plain text in the database");
      }
    }
    assertFalse(rows.contains("PRIVATE KEY"));
    Map<String, List<java.nio.file.Path>> files = DatabaseDump.filesContaining(node.node().storeUrl(),
        List.of(Base64.getEncoder().encodeToString(leafKey), HexFormat.of().formatHex(leafKey)));
    files.values().forEach(found -> assertEquals(List.of(), found, "a private key in the database's files"));
    assertArrayEquals(leafKey, key.getEncoded());
  }

  private static byte[] scalar(PrivateKey key) {
    return ((java.security.interfaces.ECPrivateKey) key).getS().toByteArray();
  }

  private static Sealed sealedOf(Connection conn, String sql, String id) throws Exception {
    try (PreparedStatement statement = conn.prepareStatement(sql)) {
      statement.setString(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        assertTrue(rows.next(), "a row for " + id);
        return new Sealed(rows.getString(1), rows.getBytes(2), rows.getBytes(3));
      }
    }
  }

  public static List<X509Certificate> parse(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
        pem.getBytes(StandardCharsets.US_ASCII))).stream().map(c -> (X509Certificate) c).toList();
  }
}
