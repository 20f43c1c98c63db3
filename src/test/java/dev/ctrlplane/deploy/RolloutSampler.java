package dev.ctrlplane.deploy;

import dev.ctrlplane.support.Api;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user watching an instance during a deploy, without pause: it reads the instance's endpoints and calls every one,
 * recording what each sample saw. A call that fails counts only if the instance still lists that endpoint afterwards:
 * a replica is taken out of the endpoints before it is stopped, so one read just before that may be called just
 * after. Runs on its own thread until {@link #stop()}, taking at least one sample.
 */
final class RolloutSampler implements AutoCloseable {

  /** One look: how many endpoints were listed, the versions they answered with, and the calls that failed. */
  record Sample(int endpoints, List<String> versions, List<String> failures) {}

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  RolloutSampler(Api api, String instanceId) {
    thread = new Thread(() -> {
      do {
        samples.add(sample(api, instanceId));
      } while (running.get());
    }, "rollout-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private static Sample sample(Api api, String instanceId) {
    JsonObject instance = api.get("/v1/instances/" + instanceId).expect(200).json();
    List<String> versions = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Object e : instance.getJsonArray("endpoints")) {
      String url = ((JsonObject) e).getString("url");
      try {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          versions.add(new JsonObject(response.body()).getString("version"));
        } else {
          failures.add(url + " answered " + response.statusCode());
        }
      } catch (Exception failed) {
        if (stillListed(api, instanceId, url)) {
          failures.add(url + ": " + failed);
        }
      }
    }
    return new Sample(instance.getJsonArray("endpoints").size(), versions, failures);
  }

  private static boolean stillListed(Api api, String instanceId, String url) {
    return api.get("/v1/instances/" + instanceId).expect(200).json().getJsonArray("endpoints").stream()
        .anyMatch(e -> url.equals(((JsonObject) e).getString("url")));
  }

  /** Stops sampling and returns every sample taken. */
  List<Sample> stop() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
    return List.copyOf(samples);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
