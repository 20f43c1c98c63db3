package dev.ctrlplane.network.cert;

import dev.ctrlplane.crypto.Aad;
import dev.ctrlplane.crypto.KeyRing;
import dev.ctrlplane.crypto.Sealed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The built-in certificate authority (BouncyCastle's certificate builder over the JDK's EC keys): one root for the
 * whole cluster, made by the first node that needs it and stored with its key sealed by the secrets master key
 * ({@link CertStore#root}); every node reads the same one. Leaf certificates are for one hostname (the SAN), with
 * a fresh P-256 key each, for TLS servers only (digitalSignature, serverAuth). Key generation and signing run on a
 * worker thread.
 */
public final class CertificateAuthority {

  /** The name of the built-in authority as certificates' {@code issuer} shows it. */
  public static final String ROOT_SUBJECT = "CN=ctrlplane built-in CA,O=ctrlplane";
  static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
  private static final String SIGNATURE = "SHA256withECDSA";

  /** The root: its certificate and key (the key stays in this node's memory). */
  public record Root(X509Certificate cert, PrivateKey key, String pem) {}

  /** A new leaf: its chain (leaf first) and its private key as PKCS#8, to be sealed before it is stored. */
  public record Issued(X509Certificate leaf, String chainPem, byte[] pkcs8) {
    public String serial() {
      return leaf.getSerialNumber().toString(16);
    }
  }

  private final Vertx vertx;
  private final CertStore store;
  private final KeyRing keys;
  private final SecureRandom random = new SecureRandom();
  private Future<Root> root;

  public CertificateAuthority(Vertx vertx, CertStore store, KeyRing keys) {
    this.vertx = vertx;
    this.store = store;
    this.keys = keys;
  }

  /** The cluster's root: read from the store, made there first if no node has made it yet. */
  public synchronized Future<Root> root() {
    if (root == null || root.failed()) {
      root = store.root().compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
          : vertx.executeBlocking(this::newRoot, false)
              .compose(made -> store.insertRoot(made.pem(), sealRoot(made.key())))
              .compose(inserted -> store.root().map(winner -> winner.orElseThrow())))
          .compose(stored -> vertx.executeBlocking(() -> open(stored), false));
    }
    return root;
  }

  /** A certificate for {@code hostname}, valid from a minute ago (clock skew) for {@code validity}. */
  public Future<Issued> issue(String hostname, Duration validity) {
    return root().compose(r -> vertx.executeBlocking(() -> leaf(r, hostname, validity), false));
  }

  private Root newRoot() throws GeneralSecurityException, OperatorCreationException {
    KeyPair pair = ecKey();
    Instant now = Instant.now();
    X500Name subject = new X500Name(ROOT_SUBJECT);
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
        Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(ROOT_VALIDITY)), subject, pair.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    X509Certificate cert = sign(builder, pair.getPrivate());
    return new Root(cert, pair.getPrivate(), Pem.of(cert));
  }

  private Issued leaf(Root r, String hostname, Duration validity)
      throws GeneralSecurityException, OperatorCreationException {
    KeyPair pair = ecKey();
    Instant now = Instant.now();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(r.cert(), serial(),
        Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(validity)), new X500Name("CN=" + hostname),
        pair.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(r.cert()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    X509Certificate cert = sign(builder, r.key());
    return new Issued(cert, Pem.of(cert, r.cert()), pair.getPrivate().getEncoded());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** 128 random bits, positive (RFC 5280 §4.1.2.2 allows up to 20 octets). */
  private BigInteger serial() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return new BigInteger(1, bytes);
  }

  private Sealed sealRoot(PrivateKey key) {
    return keys.seal(key.getEncoded(), Aad.of(CertStore.ROOT_PURPOSE, CertStore.ROOT_NAME));
  }

  private Root open(CertStore.StoredRoot stored) {
    byte[] pkcs8 = keys.open(stored.sealed(), Aad.of(CertStore.ROOT_PURPOSE, CertStore.ROOT_NAME));
    X509Certificate cert = Pem.chain(stored.pem())[0];
    return new Root(cert, Pem.privateKey(pkcs8), stored.pem());
  }

}
