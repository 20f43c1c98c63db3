package dev.ctrlplane.provider.docker;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads what a test-image container serves: {@code /} its version, {@code /env.txt}, {@code /secrets/<path>}. */
final class DockerHttp {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private DockerHttp() {}

  static List<String> endpoints(JsonObject instance) {
    return instance.getJsonArray("endpoints").stream().map(e -> ((JsonObject) e).getString("url")).toList();
  }

  /** The body of a 200; empty for a 404 or no answer. */
  static Optional<String> get(String url) {
    try {
      HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String version(String endpoint) {
    return get(endpoint + "/").map(String::strip).orElseThrow(() -> new AssertionError(endpoint + " does not answer"));
  }

  /** The value of {@code name} in the container's environment, if set. */
  static Optional<String> env(String endpoint, String name) {
    return get(endpoint + "/env.txt").flatMap(env -> env.lines()
        .filter(line -> line.startsWith(name + "="))
        .map(line -> line.substring(name.length() + 1))
        .findFirst());
  }
}
