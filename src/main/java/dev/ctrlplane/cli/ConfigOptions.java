package dev.ctrlplane.cli;

import ch.qos.logback.classic.Level;
import dev.ctrlplane.config.CtrlplaneConfig;
import dev.ctrlplane.config.JwtSecrets;
import dev.ctrlplane.config.SecretsKeyFile;
import dev.ctrlplane.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The options every command shares: the config file and {@code --set key=value} overrides. */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: ./conf/ctrlplane.yaml if present)")
  Path file = Path.of("conf", "ctrlplane.yaml");

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting, e.g. --set http.port=9090")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** The validated configuration with the JWT secret resolved; the log level applied. */
  CtrlplaneConfig load() {
    return JwtSecrets.resolve(validated());
  }

  /** {@link #load}, with the secrets key resolved too (first: a cluster without one stops before any file is made). */
  CtrlplaneConfig loadForNode() {
    return JwtSecrets.resolve(SecretsKeyFile.resolve(validated()));
  }

  /** The validated configuration with the secrets key resolved (and not the JWT secret): for secrets commands. */
  CtrlplaneConfig loadForSecrets() {
    return SecretsKeyFile.resolve(validated());
  }

  private CtrlplaneConfig validated() {
    CtrlplaneConfig config = CtrlplaneConfig.from(Settings.load(file, System.getenv(), overrides));
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.toLevel(config.logLevel()));
    return config;
  }
}
