package dev.ctrlplane.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Calls the API over real HTTP, as a user would, and asserts on what comes back: {@code expect(201)} for success,
 * {@code expectError(409, "invalid_state")} for an error (status, code, a message and the request id together).
 */
public final class Api {

  private static final Set<String> SETTLED = Set.of("running", "stopped", "failed", "suspended");
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;
  private final String token;
  private final Map<String, String> headers;

  public Api(int port, String token) {
    this(port, token, Map.of());
  }

  private Api(int port, String token, Map<String, String> headers) {
    this.port = port;
    this.token = token;
    this.headers = headers;
  }

  /** The same client with another token (null: no Authorization header). */
  public Api as(String otherToken) {
    return new Api(port, otherToken, headers);
  }

  /** The same client sending one more header on every request. */
  public Api with(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Api(port, token, more);
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response post(String path) {
    return send("POST", path, null);
  }

  public Response post(String path, JsonObject body) {
    return send("POST", path, body.encode());
  }

  public Response put(String path, JsonObject body) {
    return send("PUT", path, body.encode());
  }

  public Response patch(String path, JsonObject body) {
    return send("PATCH", path, body.encode());
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  /**
   * Polls {@code GET /v1/instances/{id}} until the instance is in {@code state} (a user's way of waiting on
   * provisioning, which has no {@code ?wait=}); fails with the last body seen after {@code seconds}.
   */
  public JsonObject awaitState(String instanceId, String state, int seconds) {
    Response[] last = new Response[1];
    return Poll.value(() -> {
      last[0] = get("/v1/instances/" + instanceId).expect(200);
      return state.equals(last[0].json().getString("state")) ? Optional.of(last[0].json()) : Optional.empty();
    }, seconds, () -> "instance " + instanceId + " to reach " + state + "; last seen: " + last[0].body());
  }

  /** Polls until the instance is in a settled state (running, stopped, failed, suspended) or gone. */
  public void awaitSettled(String instanceId, int seconds) {
    Response[] last = new Response[1];
    Poll.until(() -> {
      last[0] = get("/v1/instances/" + instanceId);
      return last[0].status() == 404 || last[0].status() == 200 && SETTLED.contains(last[0].json().getString("state"));
    }, seconds, () -> "instance " + instanceId + " to settle; last seen: " + last[0].body());
  }

  /** Polls {@code GET /v1/instances/{id}} until it is 404 (deleted); fails with the last body seen after {@code seconds}. */
  public void awaitGone(String instanceId, int seconds) {
    Response[] last = new Response[1];
    Poll.until(() -> {
      last[0] = get("/v1/instances/" + instanceId);
      return last[0].status() == 404;
    }, seconds, () -> "instance " + instanceId + " to be deleted; last seen: " + last[0].body());
    last[0].expectError(404, "not_found");
  }

  /** Any method and raw body text (for malformed JSON and the like), sent as application/json. */
  public Response send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(90))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !headers.containsKey("Content-Type")) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(method + " " + path, response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One response, with assertions that show the request and body when they fail. */
  public record Response(String request, int status, String body, Map<String, List<String>> headers) {

    public Response expect(int expected) {
      assertEquals(expected, status, () -> request + " -> " + status + " " + body);
      return this;
    }

    /** Asserts an error response of SPEC §2: status, stable code, a message and the request id. */
    public Response expectError(int expected, String code) {
      expect(expected);
      JsonObject error = json();
      assertEquals(code, error.getString("code"), () -> request + " -> " + body);
      assertNotNull(error.getString("message"), () -> request + " -> " + body);
      assertFalse(error.getString("message").isBlank(), () -> request + " -> " + body);
      assertNotNull(error.getString("request_id"), () -> request + " -> " + body);
      assertFalse(body.contains("Exception") || body.contains("\tat "), () -> "stack trace leaked: " + body);
      return this;
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }

    public String id() {
      return json().getString("id");
    }

    public Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }
  }
}
