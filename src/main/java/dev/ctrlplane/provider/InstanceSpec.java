package dev.ctrlplane.provider;

import java.util.List;
import java.util.Map;

/**
 * Everything a provider needs to run one instance.
 *
 * @param env plain configuration only; secrets come from the {@link SecretSource} at each replica start
 */
public record InstanceSpec(
    String instanceId,
    String tenantId,
    String image,
    Map<String, String> env,
    Resources resources,
    List<PortMapping> ports) {

  public InstanceSpec {
    env = Map.copyOf(env);
    ports = List.copyOf(ports);
  }

  public int replicas() {
    return resources.replicas();
  }
}
