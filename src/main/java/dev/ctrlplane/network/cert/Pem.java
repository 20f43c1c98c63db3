package dev.ctrlplane.network.cert;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Certificates to and from PEM, private keys from PKCS#8, fingerprints. Public material only goes to text. */
public final class Pem {

  private static final Base64.Encoder MIME = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  public static String of(X509Certificate... chain) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate cert : chain) {
      pem.append("-----BEGIN CERTIFICATE-----\n").append(MIME.encodeToString(der(cert)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return pem.toString();
  }

  /** The certificates of a PEM text, in order. */
  public static X509Certificate[] chain(String pem) {
    try {
      List<? extends Certificate> all = List.copyOf(CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
      return all.stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored certificate chain is not PEM: " + e.getMessage(), e);
    }
  }

  /** A private key from its PKCS#8 encoding (EC or RSA). */
  public static PrivateKey privateKey(byte[] pkcs8) {
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException notThisOne) {
        // the next algorithm
      }
    }
    throw new IllegalStateException("stored private key is neither EC nor RSA PKCS#8");
  }

  /** SHA-256 of the DER encoding, lower-case hex pairs joined by ':' (as openssl x509 -fingerprint shows it). */
  public static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(der(cert));
      return HexFormat.ofDelimiter(":").formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static byte[] der(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
