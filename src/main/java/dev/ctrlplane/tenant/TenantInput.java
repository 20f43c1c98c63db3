package dev.ctrlplane.tenant;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of tenant and quota fields (SPEC §10); each problem is a 400 naming the field. */
final class TenantInput {

  private static final Pattern SLUG = Pattern.compile("[a-z0-9-]{2,63}");
  private static final int MAX_METADATA_BYTES = 16 * 1024;

  private TenantInput() {}

  static Optional<String> name(JsonObject body) {
    Optional<String> name = Fields.optionalString(body, "name", "name", 1, 100);
    name.filter(String::isBlank).ifPresent(blank -> {
      throw ApiException.invalidField("name", "must not be blank");
    });
    return name;
  }

  static Optional<String> slug(JsonObject body) {
    Optional<String> slug = Fields.optionalString(body, "slug", "slug", 2, 63);
    slug.filter(s -> !SLUG.matcher(s).matches()).ifPresent(bad -> {
      throw ApiException.invalidField("slug", "must match [a-z0-9-]{2,63}");
    });
    return slug;
  }

  /** The slug a name gives when none is sent. */
  static String slugOf(String name) {
    String slug = name.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (slug.length() < 2) {
      throw ApiException.invalidField("slug", "is required when the name does not make one of at least 2 characters");
    }
    return slug.length() > 63 ? slug.substring(0, 63) : slug;
  }

  static Optional<String> plan(JsonObject body, Set<String> plans) {
    Optional<String> plan = Fields.optionalString(body, "plan", "plan", 1, 63);
    plan.filter(p -> !plans.contains(p)).ifPresent(unknown -> {
      throw ApiException.invalidField("plan", "unknown plan '" + unknown + "'; plans: " + plans);
    });
    return plan;
  }

  static Optional<JsonObject> metadata(JsonObject body) {
    Optional<JsonObject> metadata = Fields.optionalObject(body, "metadata", "metadata");
    metadata.filter(m -> m.encode().length() > MAX_METADATA_BYTES).ifPresent(big -> {
      throw ApiException.invalidField("metadata", "must be at most 16 KiB of JSON");
    });
    return metadata;
  }

  /** A whole quota: every limit required, each an integer from 0. */
  static Quota quota(JsonObject body) {
    return new Quota(limit(body, "max_instances"), limit(body, "max_cpu_millis"), limit(body, "max_memory_mb"),
        limit(body, "max_domains"), limit(body, "max_secrets"));
  }

  private static int limit(JsonObject body, String field) {
    return Fields.optionalInt(body, field, field, 0, Integer.MAX_VALUE)
        .orElseThrow(() -> ApiException.invalidField(field, "is required"));
  }
}
