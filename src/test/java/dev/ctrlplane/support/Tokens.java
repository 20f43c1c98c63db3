package dev.ctrlplane.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** JWTs built by hand, for the tokens a well-behaved signer refuses to make: expired, without exp, forged, alg none. */
public final class Tokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {}

  /** An HS256 token over {@code claims}, signed with {@code secret}. */
  public static String hs256(String secret, JsonObject claims) {
    String signingInput = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
    return signingInput + "." + B64.encodeToString(hmac(secret, signingInput));
  }

  /** An unsigned token ({@code "alg": "none"}). */
  public static String unsigned(JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
  }

  /** Claims of a tenant user, with {@code exp} this many seconds from now (negative: already expired). */
  public static JsonObject user(String tenantId, long expiresInSeconds) {
    return new JsonObject().put("sub", "mallory").put("tenant_id", tenantId)
        .put("iat", now()).put("exp", now() + expiresInSeconds);
  }

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(String secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
