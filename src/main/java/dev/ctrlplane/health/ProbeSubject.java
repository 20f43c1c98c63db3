package dev.ctrlplane.health;

import dev.ctrlplane.instance.Instance;
import dev.ctrlplane.provider.PortMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a probe needs of the instance it checks: which provider runs its replicas, its declared container ports, and
 * (for a command) its env. A scheduled run carries the first two in its item, so it reads nothing from the store.
 */
public record ProbeSubject(String instanceId, String providerName, List<Integer> containerPorts, JsonObject env) {

  public static ProbeSubject of(Instance instance) {
    return new ProbeSubject(instance.id(), instance.providerName(),
        instance.ports().stream().map(PortMapping::containerPort).toList(), instance.env());
  }

  ProbeSubject withEnv(JsonObject newEnv) {
    return new ProbeSubject(instanceId, providerName, containerPorts, newEnv);
  }

  JsonObject toJson() {
    return new JsonObject().put("instance_id", instanceId).put("provider", providerName)
        .put("ports", new JsonArray(containerPorts));
  }

  static ProbeSubject fromJson(JsonObject json) {
    return new ProbeSubject(json.getString("instance_id"), json.getString("provider"),
        json.getJsonArray("ports", new JsonArray()).stream().map(p -> ((Number) p).intValue()).toList(),
        new JsonObject());
  }
}
