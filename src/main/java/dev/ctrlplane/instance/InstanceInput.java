package dev.ctrlplane.instance;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.provider.PortMapping;
import dev.ctrlplane.provider.Resources;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of the instance fields callers send (SPEC §4): each problem is a 400 naming the field. */
public final class InstanceInput {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 -]*");
  /** name[:tag], where the name may start with a registry host and port ({@code registry:5000/team/app:1.2}). */
  private static final Pattern IMAGE = Pattern.compile(
      "[A-Za-z0-9][A-Za-z0-9._-]*(:[0-9]{1,5}/[A-Za-z0-9._-]+)?(/[A-Za-z0-9._-]+)*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?");
  private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?");
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "http");

  private InstanceInput() {}

  public static String name(JsonObject body, boolean required) {
    Optional<String> name = Fields.optionalString(body, "name", "name", 1, 63);
    if (name.isEmpty()) {
      if (required) {
        throw ApiException.invalidField("name", "is required");
      }
      return null;
    }
    if (!NAME.matcher(name.get()).matches()) {
      throw ApiException.invalidField("name", "may contain only letters, digits, '-' and spaces, starting with a letter or digit");
    }
    return name.get();
  }

  /** Name lower-cased, every run of other characters turned into one '-'. */
  public static String slugOf(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }

  public static String image(JsonObject body, boolean required) {
    Optional<String> image = Fields.optionalString(body, "image", "image", 1, 255);
    if (image.isEmpty()) {
      if (required) {
        throw ApiException.invalidField("image", "is required");
      }
      return null;
    }
    if (!IMAGE.matcher(image.get()).matches()) {
      throw ApiException.invalidField("image", "must look like name:tag");
    }
    return image.get();
  }

  /** The resources sent, merged over {@code base} (the defaults on create, the instance's on scale). */
  public static Resources resources(JsonObject body, Resources base) {
    Optional<JsonObject> sent = Fields.optionalObject(body, "resources", "resources");
    if (sent.isEmpty()) {
      return base;
    }
    JsonObject r = sent.get();
    return new Resources(
        Fields.optionalInt(r, "cpu_millis", "resources.cpu_millis", 1, 64000).orElse(base.cpuMillis()),
        Fields.optionalInt(r, "memory_mb", "resources.memory_mb", 16, 262144).orElse(base.memoryMb()),
        Fields.optionalInt(r, "disk_mb", "resources.disk_mb", 1, 1048576).orElse(base.diskMb()),
        Fields.optionalInt(r, "replicas", "resources.replicas", 1, 20).orElse(base.replicas()));
  }

  public static List<PortMapping> ports(JsonObject body) {
    JsonArray ports = Fields.optionalArray(body, "ports", "ports", 20).orElse(new JsonArray());
    List<PortMapping> result = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      String path = "ports[" + i + "]";
      if (!(ports.getValue(i) instanceof JsonObject port)) {
        throw ApiException.invalidField(path, "must be an object");
      }
      int containerPort = Fields.optionalInt(port, "container_port", path + ".container_port", 1, 65535)
          .orElseThrow(() -> ApiException.invalidField(path + ".container_port", "is required"));
      String protocol = Fields.optionalString(port, "protocol", path + ".protocol", 1, 8).orElse("tcp");
      if (!PROTOCOLS.contains(protocol)) {
        throw ApiException.invalidField(path + ".protocol", "must be tcp, udp or http");
      }
      result.add(new PortMapping(containerPort, 0, protocol));
    }
    return result;
  }

  public static Optional<Map<String, String>> env(JsonObject body) {
    Optional<Map<String, String>> env = Fields.optionalStringMap(body, "env", "env", 200, 128, 32768);
    env.ifPresent(map -> map.keySet().forEach(key -> {
      if (!ENV_KEY.matcher(key).matches()) {
        throw ApiException.invalidField("env." + key, "keys must match [A-Za-z_][A-Za-z0-9_]*");
      }
    }));
    return env;
  }

  public static Optional<Map<String, String>> labels(JsonObject body) {
    Optional<Map<String, String>> labels = Fields.optionalStringMap(body, "labels", "labels", 64, 63, 255);
    labels.ifPresent(map -> map.keySet().forEach(key -> {
      if (!LABEL_KEY.matcher(key).matches()) {
        throw ApiException.invalidField("labels." + key, "keys are letters, digits, '.', '_', '/' and '-'");
      }
    }));
    return labels;
  }

  public static String providerName(JsonObject body) {
    return Fields.requiredString(body, "provider_name", "provider_name", 1, 63);
  }

  public static String region(JsonObject body) {
    return Fields.optionalString(body, "region", "region", 0, 63).orElse("");
  }

  public static Optional<String> reason(JsonObject body) {
    return Fields.optionalString(body, "reason", "reason", 0, 500);
  }
}
