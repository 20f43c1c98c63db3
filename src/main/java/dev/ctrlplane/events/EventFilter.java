package dev.ctrlplane.events;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.store.TypeId;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stream asks for: one tenant (null: every tenant, operators only), type patterns (empty: all) and one
 * instance (null: any).
 */
public record EventFilter(String tenantId, List<String> types, String instanceId) {

  public EventFilter {
    types = List.copyOf(types);
  }

  /** {@code types=instance.*,deploy.failed}: each entry a catalogue type or pattern, else a 400 naming the field. */
  public static List<String> parseTypes(String text, String field) {
    List<String> patterns = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return patterns;
    }
    for (String part : text.split(",", -1)) {
      String pattern = part.trim();
      if (!EventCatalogue.isValidPattern(pattern)) {
        throw ApiException.invalidField(field, "'" + pattern + "' is not an event type or pattern (see docs/EVENTS.md)");
      }
      patterns.add(pattern);
    }
    if (patterns.size() > 64) {
      throw ApiException.invalidField(field, "at most 64 patterns");
    }
    return patterns;
  }

  /** {@code instance_id=}: a well-formed instance id, else a 400. */
  public static String parseInstance(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (!TypeId.isValid("inst", text)) {
      throw ApiException.invalidField("instance_id", "must be an instance id (inst_...)");
    }
    return text;
  }

  public boolean matches(StoredEvent event) {
    return (tenantId == null || tenantId.equals(event.tenantId()))
        && (instanceId == null || instanceId.equals(event.instanceId()))
        && EventCatalogue.matchesAny(types, event.type());
  }

  /** The patterns as SQL LIKE patterns ({@code _} escaped, {@code *} as {@code %}). */
  String[] likePatterns() {
    return types.stream().map(p -> p.replace("_", "\\_").replace("*", "%")).toArray(String[]::new);
  }
}
