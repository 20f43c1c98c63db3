package dev.ctrlplane.provider.docker;

import io.vertx.core.json.JsonObject;

/**
 * The labels on every container the provider creates: which node, instance, tenant, release and replica it is, and
 * what adoption needs to take it back. Never env or secrets.
 */
final class Labels {

  static final String PREFIX = "dev.ctrlplane.";
  static final String MANAGED = PREFIX + "managed";
  static final String NODE = PREFIX + "node";
  static final String INSTANCE = PREFIX + "instance";
  static final String TENANT = PREFIX + "tenant";
  static final String RELEASE = PREFIX + "release";
  static final String REPLICA = PREFIX + "replica";
  static final String IMAGE = PREFIX + "image";
  static final String PORT = PREFIX + "port";
  static final String RESTARTS = PREFIX + "restarts";

  private Labels() {}

  /** The label filter that finds this node's containers. */
  static java.util.List<String> ofNode(String node) {
    return java.util.List.of(MANAGED + "=true", NODE + "=" + node);
  }

  static String get(JsonObject labels, String key) {
    return labels == null ? null : labels.getString(key);
  }

  static int integer(JsonObject labels, String key, int fallback) {
    String value = get(labels, key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException bad) {
      return fallback;
    }
  }
}
