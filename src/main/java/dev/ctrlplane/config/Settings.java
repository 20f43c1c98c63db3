package dev.ctrlplane.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The flat key → text view of the configuration, layered: built-in defaults, a YAML file, environment variables,
 * {@code --set} pairs. Only keys the defaults know are accepted (plus new plans under {@code quota.plans.}), so a
 * typo stops start-up instead of being ignored. Typed getters name the key in every error.
 */
public final class Settings {

  static final String DEFAULTS_RESOURCE = "/defaults/ctrlplane.yaml";
  private static final String ENV_PREFIX = "CTRLPLANE_";
  private static final String OPEN_PREFIX = "quota.plans.";

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  /** Defaults, then the file (if it exists), then the environment, then the overrides. */
  public static Settings load(Path file, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> values = readDefaults();
    if (file != null && Files.isRegularFile(file)) {
      mergeKnown(values, readYaml(file), "file " + file);
    }
    for (String key : List.copyOf(values.keySet())) {
      String fromEnv = env.get(envName(key));
      if (fromEnv != null) {
        values.put(key, fromEnv);
      }
    }
    mergeKnown(values, overrides, "--set");
    return new Settings(values);
  }

  public static Settings defaults() {
    return new Settings(readDefaults());
  }

  /** The environment variable that overrides a key: http.port → CTRLPLANE_HTTP_PORT. */
  public static String envName(String key) {
    return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public Settings with(String key, String value) {
    Map<String, String> copy = new TreeMap<>(values);
    mergeKnown(copy, Map.of(key, value), "override");
    return new Settings(copy);
  }

  public Map<String, String> asMap() {
    return Map.copyOf(values);
  }

  public String string(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new ConfigException("invalid configuration: missing key " + key);
    }
    return value.trim();
  }

  public int integer(String key, int min, int max) {
    String text = string(key);
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw ConfigException.invalid(key, text, "expected an integer in " + min + ".." + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ConfigException.invalid(key, text, "expected an integer in " + min + ".." + max);
    }
  }

  public boolean bool(String key) {
    String text = string(key).toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw ConfigException.invalid(key, text, "expected true or false");
    };
  }

  public Duration duration(String key) {
    String text = string(key);
    return Durations.parse(text)
        .orElseThrow(() -> ConfigException.invalid(key, text, "expected a duration like 500ms, 30s, 5m or 1h"));
  }

  public List<String> list(String key) {
    String text = string(key);
    return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Names directly under a prefix: children("quota.plans") → [enterprise, free, pro]. */
  public List<String> children(String prefix) {
    String dotted = prefix + ".";
    return values.keySet().stream()
        .filter(k -> k.startsWith(dotted))
        .map(k -> k.substring(dotted.length()).split("\\.")[0])
        .distinct()
        .sorted()
        .toList();
  }

  private static Map<String, String> readDefaults() {
    try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("built-in defaults " + DEFAULTS_RESOURCE + " missing from the jar");
      }
      return flatten(new ObjectMapper(new YAMLFactory()).readValue(in, Map.class));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in defaults", e);
    }
  }

  private static Map<String, String> readYaml(Path file) {
    try {
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
      if (tree == null) {
        return Map.of();
      }
      if (!(tree instanceof Map<?, ?> map)) {
        throw new ConfigException("invalid configuration: " + file + " is not a YAML mapping");
      }
      return flatten(map);
    } catch (IOException e) {
      throw new ConfigException("invalid configuration: cannot parse " + file + ": " + firstLine(e.getMessage()));
    }
  }

  private static Map<String, String> flatten(Map<?, ?> tree) {
    Map<String, String> flat = new TreeMap<>();
    flattenInto(flat, "", tree);
    return flat;
  }

  private static void flattenInto(Map<String, String> flat, String prefix, Map<?, ?> tree) {
    tree.forEach((k, v) -> {
      String key = prefix + k;
      if (v instanceof Map<?, ?> child) {
        flattenInto(flat, key + ".", child);
      } else if (v instanceof List<?> list) {
        flat.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
      } else {
        flat.put(key, v == null ? "" : String.valueOf(v));
      }
    });
  }

  private static void mergeKnown(Map<String, String> into, Map<String, String> from, String source) {
    from.forEach((key, value) -> {
      if (!into.containsKey(key) && !key.startsWith(OPEN_PREFIX)) {
        throw new ConfigException("invalid configuration: unknown key " + key + " (from " + source + ")");
      }
      into.put(key, value);
    });
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }
}
