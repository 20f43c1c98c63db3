package dev.ctrlplane.events;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The event catalogue as documentation ({@code docs/EVENTS.md}, generated from {@link EventType}), and type patterns
 * ({@code instance.*}) as streams and webhooks accept them.
 */
public final class EventCatalogue {

  /** A type pattern: a catalogue type, or a dotted prefix followed by {@code *}, or {@code *} alone. */
  private static final Pattern PATTERN = Pattern.compile("\\*|[a-z_]+(\\.[a-z_]+)*(\\.\\*|\\*)?");

  private EventCatalogue() {}

  /** Whether {@code type} matches {@code pattern} ({@code *} matches any run of characters, dots included). */
  public static boolean matches(String pattern, String type) {
    if (pattern.endsWith("*")) {
      return type.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(type);
  }

  /** Whether any of {@code patterns} matches {@code type}; an empty list matches everything. */
  public static boolean matchesAny(List<String> patterns, String type) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (String pattern : patterns) {
      if (matches(pattern, type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a pattern is well formed and can match a catalogue type: a stream or webhook asking for a type that does
   * not exist is a mistake worth a 400, not a silent subscription to nothing.
   */
  public static boolean isValidPattern(String pattern) {
    if (!PATTERN.matcher(pattern).matches()) {
      return false;
    }
    for (EventType type : EventType.values()) {
      if (matches(pattern, type.type())) {
        return true;
      }
    }
    return false;
  }

  /** The whole of {@code docs/EVENTS.md}. */
  public static String markdown() {
    List<String> lines = new ArrayList<>(List.of(
        "# Events",
        "",
        "<!-- Generated from src/main/java/dev/ctrlplane/events/EventType.java by EventCatalogue.markdown(); do not",
        "     edit. Regenerate: CTRLPLANE_REGENERATE_DOCS=1 mvn -q -o test -Dtest=EventCatalogueTest -->",
        "",
        "Every change to a resource emits events (SPEC §11). Each event is written to the store in the transaction of",
        "the change (the outbox) and, once that transaction has committed, published on the Vert.x event bus to",
        "`ctrlplane.events` (every event) and `ctrlplane.events.<type>` (e.g. `ctrlplane.events.instance.failed`), so a",
        "verticle on any cluster node can react (see `examples/`). The same rows feed `GET /v1/events` (Server-Sent",
        "Events) and webhooks.",
        "",
        "## The envelope",
        "",
        "```json",
        "{\"id\": \"evt_01j...\", \"type\": \"instance.failed\", \"tenant_id\": \"ten_...\", \"instance_id\": \"inst_...\",",
        " \"resource_id\": \"inst_...\", \"actor_id\": \"alice\", \"data\": {...}, \"timestamp\": \"2026-01-01T00:00:00.000Z\",",
        " \"node\": \"node-a\"}",
        "```",
        "",
        "Bus messages also carry the headers `event-type`, `origin-node` and (when the event is about one)",
        "`instance-id`, so a consumer can filter without decoding the body.",
        "",
        "## Delivery guarantees and de-duplication",
        "",
        "- **Bus:** at least once. The node that committed publishes right after the commit and then marks the event",
        "  published; if it dies in between, the outbox relay (one node at a time) publishes every committed event left",
        "  unmarked after `events.relay_grace`. A subscriber may therefore see an event twice, never zero times:",
        "  **drop repeats by `id`** (keep the ids of the last `events.relay_grace` + a margin, or make the reaction",
        "  idempotent). Events of one resource are not guaranteed to arrive in order on the bus; `timestamp` and the",
        "  resource's own `version` tell which is newer.",
        "- **SSE (`GET /v1/events`):** each event once per stream, in one fixed order (by writing transaction, then",
        "  write order; an event is served once every older transaction has ended); `id:` is the event id, and",
        "  `Last-Event-ID` or `?after=<event id>` resumes after it with no gap and no duplicate. A resume point older",
        "  than retention (`events.retention`) gets a `reset` event first, then the oldest events kept.",
        "- **Webhooks:** at least once, signed per Standard Webhooks; the `webhook-id` header is the delivery id and",
        "  stays the same on every retry of one event to one webhook: receivers drop repeats by it.",
        "",
        "## Type patterns",
        "",
        "Streams (`?types=`) and webhooks (`events`) take a comma-separated list of types or patterns: a type",
        "(`deploy.failed`), a prefix with `*` (`instance.*`, `deploy.*`), or `*` for all. A pattern that matches no",
        "type below is a 400.",
        "",
        "## Catalogue",
        "",
        "| type | data | meaning |",
        "|---|---|---|"));
    for (EventType type : EventType.values()) {
      lines.add("| `" + type.type() + "` | " + cell(type.payload()) + " | " + cell(type.description()) + " |");
    }
    lines.add("");
    return String.join("\n", lines);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
