package dev.ctrlplane.deploy;

import dev.ctrlplane.audit.CanonicalJson;
import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.instance.InstanceInput;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The bodies of deploy and rollback, validated once, with a 400 naming the field for anything wrong. */
record DeploymentInput(String image, Strategy strategy, Map<String, String> env, String notes, String commitSha,
    String releaseId) {

  private static final Pattern COMMIT_SHA = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAX_ENV = 200;

  /** {@code POST /v1/instances/{id}/deploy}: every field optional; the image defaults to the current one. */
  static DeploymentInput deploy(JsonObject body) {
    return new DeploymentInput(InstanceInput.image(body, false), strategy(body),
        InstanceInput.env(body).orElse(Map.of()), notes(body), commitSha(body), null);
  }

  /** {@code POST /v1/instances/{id}/rollback}: {@code release_id} required. */
  static DeploymentInput rollback(JsonObject body) {
    String releaseId = Fields.requiredString(body, "release_id", "release_id", 1, 64);
    return new DeploymentInput(null, strategy(body), Map.of(), notes(body), commitSha(body), releaseId);
  }

  /** The deploy's env merged over the instance's: the deploy's entries win. */
  static JsonObject merged(JsonObject instanceEnv, Map<String, String> overrides) {
    Map<String, Object> env = new LinkedHashMap<>(instanceEnv.getMap());
    env.putAll(overrides);
    if (env.size() > MAX_ENV) {
      throw ApiException.invalidField("env", "the merged env would have " + env.size() + " entries; at most "
          + MAX_ENV);
    }
    return new JsonObject(env);
  }

  /** What identifies the request for Idempotency-Key: the action, the instance and the body, canonically. */
  static String requestHash(String action, String instanceId, JsonObject body) {
    String canonical = action + "\n" + instanceId + "\n" + CanonicalJson.encode(body);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Strategy strategy(JsonObject body) {
    return Fields.optionalString(body, "strategy", "strategy", 1, 32).map(Strategy::of).orElse(Strategy.ROLLING);
  }

  private static String notes(JsonObject body) {
    return Fields.optionalString(body, "notes", "notes", 0, 1000).orElse(null);
  }

  private static String commitSha(JsonObject body) {
    String sha = Fields.optionalString(body, "commit_sha", "commit_sha", 1, 64).orElse(null);
    if (sha != null && !COMMIT_SHA.matcher(sha).matches()) {
      throw ApiException.invalidField("commit_sha", "must be 1-64 letters, digits, '.', '_' or '-'");
    }
    return sha;
  }
}
