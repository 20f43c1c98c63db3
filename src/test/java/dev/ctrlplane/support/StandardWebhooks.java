package dev.ctrlplane.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent check of a Standard Webhooks signature, written from the spec (not from ctrlplane's signer): the
 * secret is {@code whsec_} + base64 key; the signed content is {@code id.timestamp.body}; the header is a
 * space-separated list of {@code v1,<base64 HMAC-SHA256>}; the timestamp must be within five minutes.
 */
public final class StandardWebhooks {

  private static final long TOLERANCE_SECONDS = 300;

  private StandardWebhooks() {}

  public static boolean verify(String secret, String id, String timestamp, String signatureHeader, String body) {
    if (secret == null || id == null || timestamp == null || signatureHeader == null) {
      return false;
    }
    long ts = Long.parseLong(timestamp);
    if (Math.abs(System.currentTimeMillis() / 1000 - ts) > TOLERANCE_SECONDS) {
      return false;
    }
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] expected;
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
      hmac.update(id.getBytes(StandardCharsets.UTF_8));
      hmac.update((byte) '.');
      hmac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      hmac.update((byte) '.');
      expected = hmac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    for (String candidate : signatureHeader.split(" ")) {
      int comma = candidate.indexOf(',');
      if (comma > 0 && candidate.substring(0, comma).equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(comma + 1)))) {
        return true;
      }
    }
    return false;
  }
}
