package dev.ctrlplane.instance;

import dev.ctrlplane.events.EventType;
import dev.ctrlplane.store.Tx;
import io.vertx.core.json.JsonObject;

/** Which events a change of an instance emits. */
public final class InstanceEvents {

  private InstanceEvents() {}

  /** {@code instance.state_changed} with from, to and the instance; nothing when the state did not change. */
  public static void stateChanged(Tx tx, Instance before, Instance after) {
    if (before != null && before.state() == after.state()) {
      return;
    }
    tx.emit(EventType.INSTANCE_STATE_CHANGED, after.tenantId(), after.id(), after.id(), new JsonObject()
        .put("from", before == null ? null : before.state().wire())
        .put("to", after.state().wire())
        .put("instance", after.toJson()));
  }

  /** Events of an accepted action. */
  static void transitioned(Tx tx, Instance before, Instance after, InstanceAction action) {
    stateChanged(tx, before, after);
    if (action == InstanceAction.UNSUSPEND) {
      tx.emit(EventType.INSTANCE_UNSUSPENDED, after.tenantId(), after.id(), after.id(), after.toJson());
    }
    if (action == InstanceAction.SCALE && after.state() == InstanceState.STOPPED) {
      tx.emit(EventType.INSTANCE_SCALED, after.tenantId(), after.id(), after.id(), after.toJson());
    }
  }

  /** Events of the runtime settling an instance after its work. */
  public static void settled(Tx tx, Instance before, Instance after) {
    stateChanged(tx, before, after);
    if (before.state() == after.state() && !before.endpoints().equals(after.endpoints())) {
      // no state change to carry the new replicas: the edge routers of every node learn them from this
      tx.emit(EventType.INSTANCE_ENDPOINTS_CHANGED, after.tenantId(), after.id(), after.id(), after.toJson());
    }
    EventType specific = switch (after.state()) {
      case RUNNING -> before.state() == InstanceState.SCALING ? EventType.INSTANCE_SCALED : EventType.INSTANCE_RUNNING;
      case STOPPED -> EventType.INSTANCE_STOPPED;
      case FAILED -> EventType.INSTANCE_FAILED;
      case SUSPENDED -> EventType.INSTANCE_SUSPENDED;
      default -> null;
    };
    if (specific != null && before.state() != after.state()) {
      tx.emit(specific, after.tenantId(), after.id(), after.id(), after.toJson());
    }
  }
}
