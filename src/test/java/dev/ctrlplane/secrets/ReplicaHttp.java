package dev.ctrlplane.secrets;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads what a hello replica sees, through its own HTTP endpoint: {@code /env/NAME} and {@code /secret-file/PATH}. */
final class ReplicaHttp {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ReplicaHttp() {}

  /** The replicas' endpoint URLs, by replica index. */
  static List<String> endpoints(JsonObject instance) {
    return instance.getJsonArray("endpoints").stream().map(e -> ((JsonObject) e).getString("url")).toList();
  }

  /** The env var as the replica sees it; empty when it is unset. */
  static Optional<String> env(String endpoint, String name) {
    return text(endpoint + "/env/" + name);
  }

  /** The secret file's content as the replica reads it; empty when absent. */
  static Optional<String> file(String endpoint, String path) {
    return text(endpoint + "/secret-file/" + path);
  }

  /** The body of a 200, empty for a 404; anything else (or no answer) fails. */
  static Optional<String> text(String url) {
    try {
      HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 404) {
        return Optional.empty();
      }
      if (response.statusCode() != 200) {
        throw new AssertionError(url + " -> " + response.statusCode() + " " + response.body());
      }
      return Optional.of(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Like {@link #env}, but an unreachable replica (restarting) is empty instead of a failure. */
  static Optional<String> envIfUp(String endpoint, String name) {
    try {
      return env(endpoint, name);
    } catch (IllegalStateException down) {
      return Optional.empty();
    }
  }
}
