package dev.ctrlplane.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/EVENTS.md is generated from the catalogue and must be current; code emits only catalogue types. Regenerate the
 * doc with {@code CTRLPLANE_REGENERATE_DOCS=1 mvn -q -o test -Dtest=EventCatalogueTest}.
 */
class EventCatalogueTest {

  private static final Path DOC = Path.of("docs", "EVENTS.md");
  private static final Path MAIN = Path.of("src", "main", "java");
  /** {@code EventType.SOME_TYPE} anywhere in the main sources. */
  private static final Pattern CONSTANT = Pattern.compile("EventType\\.([A-Z][A-Z0-9_]+)\\b");
  /** An event-bus address of one event type written out by hand instead of taken from the catalogue. */
  private static final Pattern LITERAL_ADDRESS = Pattern.compile("\"ctrlplane\\.events\\.[a-z]");

  @Test
  void theEventsDocIsGeneratedFromTheCatalogue() throws IOException {
    String generated = EventCatalogue.markdown();
    if (System.getenv("CTRLPLANE_REGENERATE_DOCS") != null) {
      Files.writeString(DOC, generated, StandardCharsets.UTF_8);
    }
    String current = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    assertEquals(generated, current, "docs/EVENTS.md is stale: regenerate it with "
        + "CTRLPLANE_REGENERATE_DOCS=1 mvn -q -o test -Dtest=EventCatalogueTest");
  }

  @Test
  void everyTypeHasANameAPayloadAndADescription() {
    Set<String> names = new TreeSet<>();
    for (EventType type : EventType.values()) {
      assertTrue(type.type().matches("[a-z]+\\.[a-z_]+"), type.type());
      assertFalse(type.payload().isBlank(), type + " payload");
      assertFalse(type.description().isBlank(), type + " description");
      assertTrue(names.add(type.type()), "duplicate type " + type.type());
      assertEquals(type, EventType.of(type.type()));
      assertTrue(EventCatalogue.isValidPattern(type.type()));
    }
  }

  /**
   * {@code Tx.emit} takes the enum, so an uncatalogued type does not compile; what is left to check is that no code
   * names a type some other way: a constant the enum lacks (e.g. in a comment or a string) or a hand-written address.
   */
  @Test
  void codeEmitsOnlyCatalogueTypes() throws IOException {
    Set<String> known = new TreeSet<>();
    for (EventType type : EventType.values()) {
      known.add(type.name());
    }
    List<String> unknown = new ArrayList<>();
    List<String> literal = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file, StandardCharsets.UTF_8);
        Matcher constant = CONSTANT.matcher(source);
        while (constant.find()) {
          if (!known.contains(constant.group(1)) && !Set.of("FIREHOSE").contains(constant.group(1))) {
            unknown.add(file + ": EventType." + constant.group(1));
          }
        }
        if (LITERAL_ADDRESS.matcher(source).find()) {
          literal.add(file.toString());
        }
      }
    }
    assertEquals(List.of(), unknown, "types the catalogue lacks");
    assertEquals(List.of(), literal, "per-type bus addresses must come from EventType.address()");
  }

  @Test
  void patterns() {
    assertTrue(EventCatalogue.matches("instance.*", "instance.failed"));
    assertTrue(EventCatalogue.matches("*", "deploy.failed"));
    assertTrue(EventCatalogue.matches("deploy.failed", "deploy.failed"));
    assertFalse(EventCatalogue.matches("deploy.failed", "deploy.failed2"));
    assertFalse(EventCatalogue.matches("instance.*", "tenant.created"));
    assertTrue(EventCatalogue.isValidPattern("instance.*"));
    assertTrue(EventCatalogue.isValidPattern("*"));
    assertFalse(EventCatalogue.isValidPattern("nothing.*"));
    assertFalse(EventCatalogue.isValidPattern("instance.failed.*"));
    assertFalse(EventCatalogue.isValidPattern("INSTANCE.*"));
    assertFalse(EventCatalogue.isValidPattern(""));
  }
}
