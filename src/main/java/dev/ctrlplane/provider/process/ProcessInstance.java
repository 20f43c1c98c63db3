package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.Endpoint;
import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.Replica;
import dev.ctrlplane.provider.RunningInstance;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** What the provider holds for one instance: its replica slots and the last spec it was given. */
final class ProcessInstance {

  private final String id;
  private final Map<Integer, ReplicaSlot> slots = new ConcurrentSkipListMap<>();
  /** Null for an instance adopted from a previous control plane until it is started again. */
  private volatile InstanceSpec spec;
  private volatile boolean onDisk;

  ProcessInstance(String id) {
    this.id = id;
  }

  String id() {
    return id;
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

  ReplicaSlot slotOrNew(int index) {
    return slots.computeIfAbsent(index, i -> new ReplicaSlot(this, i));
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

  List<ReplicaSlot> slotsFrom(int index, boolean descending) {
    Comparator<ReplicaSlot> order = Comparator.comparingInt(ReplicaSlot::index);
    return slots.values().stream()
        .filter(slot -> slot.index() >= index)
        .sorted(descending ? order.reversed() : order)
        .toList();
  }

  RunningInstance snapshot(String providerRef, String host) {
    List<ReplicaSlot> current = List.copyOf(slots.values());
    List<Replica> replicas = current.stream().map(ReplicaSlot::toReplica).toList();
    List<Endpoint> endpoints = current.stream()
        .map(slot -> new Endpoint("http://" + host + ":" + slot.port(), slot.port(), "http", false))
        .toList();
    return new RunningInstance(providerRef, replicas, endpoints);
  }
}
