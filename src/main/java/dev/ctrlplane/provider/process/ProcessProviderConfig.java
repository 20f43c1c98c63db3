package dev.ctrlplane.provider.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link ProcessProvider}.
 *
 * @param imagesDir where images live: image {@code name:tag} is the executable {@code <imagesDir>/<name>/<tag>/run}
 * @param runDir replicas' logs and pid files, {@code <runDir>/<instanceId>/<index>/}; must outlive the control plane
 * @param stopGrace how long a replica may take to exit after SIGTERM before its process group gets SIGKILL
 * @param startTimeout how long a replica may take to accept connections on its port
 * @param restartBackoffMin delay before restarting a crashed replica; doubles with each crash in the window
 * @param restartBackoffMax the cap of that delay
 * @param maxRestarts crashes of one replica tolerated within {@code restartWindow}; one more fails the instance
 * @param restartWindow the sliding window in which crashes are counted
 */
public record ProcessProviderConfig(
    Path imagesDir,
    Path runDir,
    Duration stopGrace,
    Duration startTimeout,
    Duration restartBackoffMin,
    Duration restartBackoffMax,
    int maxRestarts,
    Duration restartWindow) {

  public ProcessProviderConfig {
    Objects.requireNonNull(imagesDir, "imagesDir");
    Objects.requireNonNull(runDir, "runDir");
    requirePositive(stopGrace, "stopGrace");
    requirePositive(startTimeout, "startTimeout");
    requirePositive(restartBackoffMin, "restartBackoffMin");
    requirePositive(restartBackoffMax, "restartBackoffMax");
    requirePositive(restartWindow, "restartWindow");
    if (restartBackoffMax.compareTo(restartBackoffMin) < 0) {
      throw new IllegalArgumentException("restartBackoffMax must not be shorter than restartBackoffMin");
    }
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("maxRestarts must not be negative");
    }
  }

  /** The defaults: 10s grace, 30s start timeout, backoff 1s..30s, at most 5 restarts in 60s. */
  public static ProcessProviderConfig defaults(Path imagesDir, Path runDir) {
    return new ProcessProviderConfig(
        imagesDir,
        runDir,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        5,
        Duration.ofSeconds(60));
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
