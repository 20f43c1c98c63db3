package dev.ctrlplane.provider.process;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The instances the provider holds; operations on one instance take turns in the {@link SerialQueue}. */
final class InstanceRegistry {

  private final SerialQueue queue;
  private final Map<String, ProcessInstance> instances = new ConcurrentHashMap<>();

  InstanceRegistry(SerialQueue queue) {
    this.queue = queue;
  }

  ProcessInstance getOrCreate(String instanceId) {
    return instances.computeIfAbsent(instanceId, ProcessInstance::new);
  }

  /** The instance, or null when the provider holds nothing for it. */
  ProcessInstance find(String instanceId) {
    return instances.get(instanceId);
  }

  Collection<ProcessInstance> all() {
    return List.copyOf(instances.values());
  }

  /** Instances with replicas or a run dir. */
  Set<String> knownIds() {
    return instances.values().stream()
        .filter(ProcessInstance::isKnown)
        .map(ProcessInstance::id)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Runs the operation in the instance's turn; afterwards forgets an instance left with nothing. */
  <T> Future<T> run(String instanceId, Function<ProcessInstance, Future<T>> operation) {
    return queue.submit(instanceId, () -> {
      ProcessInstance instance = getOrCreate(instanceId);
      // still in the instance's turn, so no queued operation can hold the entry being dropped
      return operation.apply(instance).andThen(ar -> {
        if (!instance.isKnown()) {
          instances.remove(instanceId, instance);
        }
      });
    });
  }
}
