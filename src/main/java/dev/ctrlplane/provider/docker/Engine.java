package dev.ctrlplane.provider.docker;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The engine's container, image and system endpoints the provider uses, as typed calls. */
final class Engine {

  private final EngineClient client;

  Engine(EngineClient client) {
    this.client = client;
  }

  String describe() {
    return client.describe();
  }

  Future<Void> ping(Duration timeout) {
    return client.ping(timeout);
  }

  /** {@code GET /version}: {@code Version}, {@code ApiVersion}, {@code Components}... */
  Future<JsonObject> version() {
    return client.get("/version").map(EngineClient.Response::json);
  }

  /** Whether the engine holds the image. */
  Future<Boolean> hasImage(String image) {
    return client.get("/images/" + EngineClient.encode(image) + "/json").map(true).recover(failure ->
        failure instanceof EngineException e && e.isNotFound() ? Future.succeededFuture(false) : Future.failedFuture(failure));
  }

  /**
   * Pulls the image. The engine answers 200 at once and streams progress as JSON lines; a failure is a line with an
   * {@code error}, which fails the pull with its text.
   */
  Future<Void> pull(String image, Duration timeout) {
    Map<String, String> params = new LinkedHashMap<>();
    ImageRef ref = ImageRef.parse(image);
    params.put("fromImage", ref.repository());
    if (ref.tag() != null) {
      params.put("tag", ref.tag());
    }
    return client.post("/images/create" + EngineClient.query(params), null, timeout).compose(response -> {
      String error = pullError(response.body());
      return error == null ? Future.<Void>succeededFuture() : Future.failedFuture(new EngineException(404, error));
    });
  }

  /** Creates a container named {@code name}; its id. */
  Future<String> create(String name, JsonObject spec) {
    return client.post("/containers/create?name=" + EngineClient.encode(name), spec)
        .map(response -> response.json().getString("Id"));
  }

  /** Extracts the tar archive into the (created, not yet started) container at {@code /}. */
  Future<Void> putArchive(String id, Buffer tar) {
    return client.putTar("/containers/" + id + "/archive?path=%2F", tar).mapEmpty();
  }

  Future<Void> start(String id) {
    return client.post("/containers/" + id + "/start", null).mapEmpty();
  }

  Future<JsonObject> inspect(String id) {
    return client.get("/containers/" + id + "/json").map(EngineClient.Response::json);
  }

  /** SIGTERM, then SIGKILL by the engine after {@code grace}; completes once the container has stopped. */
  Future<Void> stop(String id, Duration grace) {
    long seconds = Math.max(1, (grace.toMillis() + 999) / 1000);
    return client.post("/containers/" + id + "/stop?t=" + seconds, null, grace.plusSeconds(15)).mapEmpty();
  }

  Future<Void> kill(String id) {
    return client.post("/containers/" + id + "/kill", null).mapEmpty();
  }

  /** Removes the container, running or not, with its anonymous volumes. A container already gone is a success. */
  Future<Void> remove(String id) {
    return client.delete("/containers/" + id + "?force=true&v=true").<Void>mapEmpty().recover(failure ->
        failure instanceof EngineException e && e.isNotFound() ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  /** Every container (running or not) carrying all the labels {@code key=value} given. */
  Future<List<JsonObject>> list(List<String> labels) {
    String filters = new JsonObject().put("label", new JsonArray(labels)).encode();
    return client.get("/containers/json?all=true&filters=" + EngineClient.encode(filters))
        .map(response -> response.array().stream().map(JsonObject.class::cast).toList());
  }

  /** The container's last {@code tail} lines of output, multiplexed unless it has a TTY, each with a timestamp. */
  Future<Buffer> logs(String id, long sinceEpochSeconds, int tail) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("stdout", "true");
    params.put("stderr", "true");
    params.put("timestamps", "true");
    params.put("tail", Integer.toString(tail));
    if (sinceEpochSeconds > 0) {
      params.put("since", Long.toString(sinceEpochSeconds));
    }
    return client.get("/containers/" + id + "/logs" + EngineClient.query(params), Duration.ofSeconds(30))
        .map(EngineClient.Response::body);
  }

  /** One stats sample of a running container. */
  Future<JsonObject> stats(String id) {
    return client.get("/containers/" + id + "/stats?stream=false&one-shot=true", Duration.ofSeconds(30))
        .map(EngineClient.Response::json);
  }

  Future<Void> close() {
    return client.close();
  }

  private static String pullError(Buffer body) {
    for (String line : body.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonObject progress = new JsonObject(line);
        String error = progress.getString("error");
        if (error != null) {
          return error.strip();
        }
      } catch (DecodeException | ClassCastException notJson) {
        // progress lines only
      }
    }
    return null;
  }
}
