package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.RunningInstance;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the provider holds for one instance: its replica slots and the last spec it was given. */
final class DockerInstance {

  private final String id;
  private final Map<Integer, DockerSlot> slots = new ConcurrentSkipListMap<>();
  /** Null for an instance adopted from a previous control plane until it is started again. */
  private volatile InstanceSpec spec;
  private final AtomicLong interruptions = new AtomicLong();

  DockerInstance(String id) {
    this.id = id;
  }

  String id() {
    return id;
  }

  void interrupt() {
    interruptions.incrementAndGet();
  }

  long interruptions() {
    return interruptions.get();
  }

  InstanceSpec spec() {
    return spec;
  }

  void spec(InstanceSpec spec) {
    this.spec = spec;
  }

  boolean isKnown() {
    return !slots.isEmpty();
  }

  DockerSlot slot(int index) {
    return slots.get(index);
  }

  DockerSlot newSlot(int index, String releaseId, String image) {
    DockerSlot slot = new DockerSlot(this, index, releaseId, image);
    if (slots.putIfAbsent(index, slot) != null) {
      throw new IllegalStateException("instance " + id + " already has replica " + index);
    }
    return slot;
  }

  boolean isCurrent(DockerSlot slot) {
    return slots.get(slot.index()) == slot;
  }

  void remove(DockerSlot slot) {
    slots.remove(slot.index(), slot);
  }

  Collection<DockerSlot> slots() {
    return List.copyOf(slots.values());
  }

  RunningInstance snapshot(String providerRef, String host) {
    return new RunningInstance(providerRef, slots.values().stream().map(slot -> slot.toReplica(host)).toList());
  }
}
