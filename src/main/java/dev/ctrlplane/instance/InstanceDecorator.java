package dev.ctrlplane.instance;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Adds to an instance's API rendering what another feature knows about it (the edge router: its default URL), as the
 * HTTP side answers; the stored instance and its events are unchanged. The identity until a feature installs one.
 */
public interface InstanceDecorator {

  /** Adds fields to {@code instance} (the API's JSON of one instance) and completes with it. */
  Future<JsonObject> decorate(JsonObject instance);

  InstanceDecorator NONE = Future::succeededFuture;
}
