package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.PortMapping;
import dev.ctrlplane.provider.ReplicaSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /containers/create} for one replica: its release's image and env, the instance's env
 * secrets over it, then what the provider sets ({@code PORT}, {@code CTRLPLANE_*}), which nothing overrides; every
 * instance port published on the node's bind address on a port the engine picks; CPU and memory from the instance's
 * resources; explicit {@code nofile} and {@code nproc} ulimits; no restart policy (ctrlplane supervises); the
 * replica's secret files bind-mounted read-only at {@value #SECRETS_DIR} (unless {@code secretsDir} is null: they are
 * then copied in through the archive API, {@link SecretArchive}).
 */
final class ContainerSpec {

  static final String SECRETS_DIR = "/run/secrets/ctrlplane";

  private ContainerSpec() {}

  /** The container port that readiness and the endpoint use: the first TCP port, or the configured default. */
  static int servingPort(InstanceSpec spec, DockerConfig config) {
    return spec.ports().stream().filter(p -> !"udp".equals(p.protocol())).mapToInt(PortMapping::containerPort)
        .findFirst().orElse(config.defaultPort());
  }

  static JsonObject of(DockerConfig config, InstanceSpec spec, ReplicaSet set, Map<String, String> secretEnv,
      Path secretsDir, int index, int restarts) {
    int serving = servingPort(spec, config);
    Map<String, String> env = new LinkedHashMap<>(set.env());
    env.putAll(secretEnv);
    env.put("PORT", Integer.toString(serving));
    env.put("CTRLPLANE_INSTANCE_ID", spec.instanceId());
    env.put("CTRLPLANE_REPLICA", Integer.toString(index));
    env.put("CTRLPLANE_RELEASE_ID", set.releaseId());
    env.put("CTRLPLANE_SECRETS_DIR", SECRETS_DIR);
    JsonArray envList = new JsonArray();
    env.forEach((k, v) -> envList.add(k + "=" + v));

    JsonObject exposed = new JsonObject();
    JsonObject bindings = new JsonObject();
    for (String port : ports(spec, serving)) {
      exposed.put(port, new JsonObject());
      bindings.put(port, new JsonArray().add(new JsonObject().put("HostIp", config.bindAddress()).put("HostPort", "")));
    }
    JsonObject host = new JsonObject()
        .put("PortBindings", bindings)
        .put("NanoCpus", spec.resources().cpuMillis() * 1_000_000L)
        .put("Memory", spec.resources().memoryMb() * 1024L * 1024L)
        .put("Ulimits", new JsonArray()
            .add(ulimit("nofile", config.ulimitNofile()))
            .add(ulimit("nproc", config.ulimitNproc())))
        .put("RestartPolicy", new JsonObject().put("Name", "no"));
    if (secretsDir != null) {
      host.put("Binds", new JsonArray().add(secretsDir.toAbsolutePath() + ":" + SECRETS_DIR + ":ro"));
    }
    if (!config.runtime().isBlank()) {
      host.put("Runtime", config.runtime());
    }
    JsonObject labels = new JsonObject()
        .put(Labels.MANAGED, "true")
        .put(Labels.NODE, config.nodeName())
        .put(Labels.INSTANCE, spec.instanceId())
        .put(Labels.TENANT, spec.tenantId() == null ? "" : spec.tenantId())
        .put(Labels.RELEASE, set.releaseId())
        .put(Labels.REPLICA, Integer.toString(index))
        .put(Labels.IMAGE, set.image())
        .put(Labels.PORT, Integer.toString(serving))
        .put(Labels.RESTARTS, Integer.toString(restarts));
    return new JsonObject()
        .put("Image", set.image())
        .put("Env", envList)
        .put("Labels", labels)
        .put("ExposedPorts", exposed)
        .put("HostConfig", host);
  }

  /** Docker's {@code 8080/tcp} keys: the instance's ports, or the serving port alone. */
  private static List<String> ports(InstanceSpec spec, int serving) {
    if (spec.ports().isEmpty()) {
      return List.of(serving + "/tcp");
    }
    return spec.ports().stream()
        .map(p -> p.containerPort() + "/" + ("udp".equals(p.protocol()) ? "udp" : "tcp"))
        .distinct()
        .toList();
  }

  private static JsonObject ulimit(String name, int limit) {
    return new JsonObject().put("Name", name).put("Soft", limit).put("Hard", limit);
  }

  /** The host port the engine bound for {@code containerPort}, from an inspect; 0 when none. */
  static int hostPort(JsonObject inspect, int containerPort) {
    JsonObject ports = inspect.getJsonObject("NetworkSettings", new JsonObject()).getJsonObject("Ports");
    JsonArray bound = ports == null ? null : ports.getJsonArray(containerPort + "/tcp");
    if (bound == null || bound.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(bound.getJsonObject(0).getString("HostPort", "0"));
    } catch (NumberFormatException bad) {
      return 0;
    }
  }

  /** The container's name: one per node, instance and replica, so the engine itself refuses a duplicate. */
  static String name(String node, String instanceId, int index) {
    return "ctrlplane-" + node.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + instanceId + "-" + index;
  }
}
