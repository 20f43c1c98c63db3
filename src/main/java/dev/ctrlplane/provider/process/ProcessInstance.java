package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.RunningInstance;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the provider holds for one instance: its replica slots and the last spec it was given. */
final class ProcessInstance {

  private final String id;
  private final Map<Integer, ReplicaSlot> slots = new ConcurrentSkipListMap<>();
  /** Null for an instance adopted from a previous control plane until it is started again. */
  private volatile InstanceSpec spec;
  private volatile boolean onDisk;
  /** Bumped by {@link #interrupt()}: a wait for a replica that began before the bump gives up. */
  private final AtomicLong interruptions = new AtomicLong();

  ProcessInstance(String id) {
    this.id = id;
  }

  String id() {
    return id;
  }

  /** Makes every wait for a starting replica of this instance give up (see {@code Provider.interrupt}). */
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

  /** The instance has a run dir (logs, pid files), so it is worth reporting even without replicas. */
  void markOnDisk() {
    onDisk = true;
  }

  /** The run dir is deleted. */
  void markGone() {
    onDisk = false;
  }

  boolean isKnown() {
    return onDisk || !slots.isEmpty();
  }

  ReplicaSlot slot(int index) {
    return slots.get(index);
  }

  /** A new slot for {@code index}, which no current slot may hold. */
  ReplicaSlot newSlot(int index, String releaseId, String image) {
    ReplicaSlot slot = new ReplicaSlot(this, index, releaseId, image);
    if (slots.putIfAbsent(index, slot) != null) {
      throw new IllegalStateException("instance " + id + " already has replica " + index);
    }
    return slot;
  }

  boolean isCurrent(ReplicaSlot slot) {
    return slots.get(slot.index()) == slot;
  }

  void remove(ReplicaSlot slot) {
    slots.remove(slot.index(), slot);
  }

  Collection<ReplicaSlot> slots() {
    return List.copyOf(slots.values());
  }

  RunningInstance snapshot(String providerRef, String host) {
    return new RunningInstance(providerRef, slots.values().stream().map(slot -> slot.toReplica(host)).toList());
  }
}
