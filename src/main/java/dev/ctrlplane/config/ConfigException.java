package dev.ctrlplane.config;

/** Invalid configuration: the message is one line that names the key, shown to the operator at start-up. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }

  public static ConfigException invalid(String key, Object value, String expected) {
    return new ConfigException("invalid configuration: " + key + " = '" + value + "': " + expected);
  }
}
