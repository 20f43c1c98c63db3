package dev.ctrlplane.provider.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link DockerProvider}.
 *
 * @param host the engine's API: {@code unix:///var/run/docker.sock} or {@code tcp://host:port}
 * @param nodeName this control-plane node; its containers carry it in a label, so nodes sharing an engine never adopt
 *     each other's
 * @param stateDir where replicas' secret files are written and bind-mounted from (must be on the engine's host)
 * @param runtime the OCI runtime containers run with ({@code HostConfig.Runtime}); empty for the engine's default
 * @param bindAddress the address of this node that port bindings listen on
 * @param advertiseAddress the address endpoints name and readiness probes connect to; empty for the bind address
 *     (127.0.0.1 when that is 0.0.0.0), or the engine's host for a {@code tcp://} engine
 * @param defaultPort the container port of an instance that declares no {@code ports}
 * @param ulimitNofile soft and hard {@code nofile} limit set on every container
 * @param ulimitNproc soft and hard {@code nproc} limit set on every container
 * @param stopGrace how long a container may take to exit after SIGTERM before the engine kills it
 * @param startTimeout how long a replica may take to accept connections, not counting its image pull
 * @param pullTimeout how long an image pull may take
 * @param pollInterval how often the engine is asked which containers run (supervision and health)
 * @param restartBackoffMin delay before restarting a crashed replica; doubles with each crash in the window
 * @param restartBackoffMax the cap of that delay
 * @param maxRestarts crashes of one replica tolerated within {@code restartWindow}; one more fails the instance
 * @param restartWindow the sliding window in which crashes are counted
 * @param secretFiles how file secrets reach a container: {@code bind} (a 0700 dir under {@code stateDir},
 *     bind-mounted read-only: the engine must share this node's file system), {@code archive} (copied into the
 *     created container through the archive API, for an engine elsewhere), or empty: bind for a unix socket,
 *     archive for {@code tcp://}
 */
public record DockerConfig(
    String host,
    String nodeName,
    Path stateDir,
    String runtime,
    String bindAddress,
    String advertiseAddress,
    int defaultPort,
    int ulimitNofile,
    int ulimitNproc,
    Duration stopGrace,
    Duration startTimeout,
    Duration pullTimeout,
    Duration pollInterval,
    Duration restartBackoffMin,
    Duration restartBackoffMax,
    int maxRestarts,
    Duration restartWindow,
    String secretFiles) {

  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

  public DockerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(stateDir, "stateDir");
    runtime = runtime == null ? "" : runtime;
    advertiseAddress = advertiseAddress == null ? "" : advertiseAddress;
    EngineAddress engine = EngineAddress.parse(host);
    secretFiles = secretFiles == null || secretFiles.isBlank() ? (engine.isTcp() ? "archive" : "bind") : secretFiles;
    if (!secretFiles.equals("bind") && !secretFiles.equals("archive")) {
      throw new IllegalArgumentException("secretFiles must be bind or archive");
    }
    for (Duration d : new Duration[] {stopGrace, startTimeout, pullTimeout, pollInterval, restartBackoffMin,
        restartBackoffMax, restartWindow}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("docker provider durations must be positive");
      }
    }
    if (maxRestarts < 0 || ulimitNofile < 1 || ulimitNproc < 1 || defaultPort < 1 || defaultPort > 65535) {
      throw new IllegalArgumentException("invalid docker provider limits");
    }
  }

  /** The defaults for an engine at {@code host}. */
  public static DockerConfig defaults(String host, String nodeName, Path stateDir) {
    return new DockerConfig(host, nodeName, stateDir, "", "127.0.0.1", "", 8080, 65536, 65536,
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofSeconds(1),
        Duration.ofSeconds(1), Duration.ofSeconds(30), 5, Duration.ofSeconds(60), "");
  }

  /** Whether file secrets are copied into containers through the archive API instead of bind-mounted. */
  boolean archiveSecrets() {
    return secretFiles.equals("archive");
  }

  /** Where endpoints point and probes connect. */
  String endpointHost() {
    if (!advertiseAddress.isBlank()) {
      return advertiseAddress;
    }
    EngineAddress engine = EngineAddress.parse(host);
    if (engine.isTcp() && !engine.host().equals("localhost") && !engine.host().startsWith("127.")) {
      return engine.host();
    }
    return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
  }
}
