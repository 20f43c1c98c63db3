package dev.ctrlplane.instance;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API rendering of instances, by id and version, so a page of instances that did not change since it was last
 * served is answered without decoding their rows again. Every write of an instance bumps its version, and a page
 * always reads the versions from the store, so a rendering is only used for exactly the row it was made from.
 *
 * <p>Shared by the node's event loops; renderings are never changed after they are stored (the bus hands callers a
 * copy). Bounded: when full it starts over, which costs one decode per instance of the next pages.
 */
final class RenderedInstances {

  /** About 3 KiB of heap each. */
  static final int MAX_ENTRIES = 10_000;

  private record Rendered(int version, JsonObject json) {}

  private final ConcurrentHashMap<String, Rendered> byId = new ConcurrentHashMap<>();

  /** The rendering of {@code id} at {@code version}, or null when there is none for that version. */
  JsonObject get(String id, int version) {
    Rendered rendered = byId.get(id);
    return rendered != null && rendered.version() == version ? rendered.json() : null;
  }

  /** Renders the instance and keeps the rendering for its version. */
  JsonObject render(Instance instance) {
    JsonObject json = instance.toJson();
    if (byId.size() >= MAX_ENTRIES) {
      byId.clear();
    }
    byId.merge(instance.id(), new Rendered(instance.version(), json),
        (kept, fresh) -> fresh.version() >= kept.version() ? fresh : kept);
    return json;
  }

  int size() {
    return byId.size();
  }
}
