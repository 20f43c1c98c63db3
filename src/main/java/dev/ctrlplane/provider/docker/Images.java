package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.ProviderException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes images present: an image the engine holds is used as it is; an absent one is pulled once, however many
 * replicas wait for it (they share the pull). A pull is just an HTTP call in flight, so it holds up only the
 * instances that need that image.
 */
final class Images {

  private static final Logger LOG = LoggerFactory.getLogger(Images.class);

  private final Engine engine;
  private final Duration pullTimeout;
  private final Map<String, Future<Void>> pulls = new ConcurrentHashMap<>();

  Images(Engine engine, Duration pullTimeout) {
    this.engine = engine;
    this.pullTimeout = pullTimeout;
  }

  /** Succeeds once the engine holds the image; fails with why it cannot have it. */
  Future<Void> ensure(String image) {
    return engine.hasImage(image).compose(present -> present ? Future.succeededFuture() : pull(image));
  }

  private Future<Void> pull(String image) {
    Future<Void> pull = pulls.computeIfAbsent(image, absent -> {
      LOG.info("pulling image {}", image);
      return engine.pull(image, pullTimeout);
    });
    return pull.transform(done -> {
      pulls.remove(image, pull);
      if (done.succeeded()) {
        LOG.info("pulled image {}", image);
        return Future.succeededFuture();
      }
      Throwable cause = done.cause();
      if (cause instanceof EngineException e && e.isUnreachable()) {
        return Future.failedFuture(cause);
      }
      return Future.failedFuture(new ProviderException("image " + image + " is not present on the docker engine and"
          + " cannot be pulled: " + cause.getMessage()));
    });
  }
}
