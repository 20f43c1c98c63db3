package dev.ctrlplane.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctrlplane.provider.Resources;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rendering is served only for the version it was made from, a newer one wins, and the map stays bounded. */
class RenderedInstancesTest {

  private final RenderedInstances renderings = new RenderedInstances();

  @Test
  void aRenderingIsOnlyServedForItsVersion() {
    renderings.render(instance("inst_a", 3, "three"));

    assertEquals("three", renderings.get("inst_a", 3).getString("name"));
    assertNull(renderings.get("inst_a", 2));
    assertNull(renderings.get("inst_a", 4));
    assertNull(renderings.get("inst_b", 3));
  }

  @Test
  void anOlderRenderingNeverReplacesANewerOne() {
    renderings.render(instance("inst_a", 4, "four"));
    renderings.render(instance("inst_a", 3, "three"));

    assertEquals("four", renderings.get("inst_a", 4).getString("name"));
    assertNull(renderings.get("inst_a", 3));
  }

  @Test
  void itNeverHoldsMoreThanItsBound() {
    for (int i = 0; i < RenderedInstances.MAX_ENTRIES + 10; i++) {
      renderings.render(instance("inst_" + i, 1, "n" + i));
    }
    assertTrue(renderings.size() <= RenderedInstances.MAX_ENTRIES, "size " + renderings.size());
  }

  private static Instance instance(String id, int version, String name) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new Instance(id, "ten_a", name, name, "hello:1.0", "noop", null, "", "node", InstanceState.RUNNING, null,
        Resources.DEFAULT, List.of(), new JsonObject(), new JsonObject(), List.of(), "rel_a", null, null, null, null, false,
        version, now, now);
  }
}
