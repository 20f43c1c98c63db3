package dev.ctrlplane.store;

import dev.ctrlplane.audit.AuditEntry;
import dev.ctrlplane.audit.AuditLog;
import dev.ctrlplane.bus.Call;
import dev.ctrlplane.events.Event;
import dev.ctrlplane.events.EventStore;
import dev.ctrlplane.events.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * A unit of work: one database transaction plus the events and the audit entry that describe it. Services write their
 * rows through {@link #sql()}, then say what happened with {@link #emit} and {@link #audit}; {@link Transactions}
 * stores both in the same transaction and publishes the events only after the commit.
 */
public final class Tx {

  private final SqlConnection sql;
  private final Call call;
  private final String node;
  private final List<Event> events = new ArrayList<>();
  private final List<AuditEntry> audits = new ArrayList<>();
  private final List<Runnable> afterCommit = new ArrayList<>();
  private boolean refused;

  Tx(SqlConnection sql, Call call, String node) {
    this.sql = sql;
    this.call = call;
    this.node = node;
  }

  public SqlConnection sql() {
    return sql;
  }

  public String actorId() {
    return call.principal().subject();
  }

  /** Records an event about a resource; published after the commit. */
  public Event emit(EventType type, String tenantId, String instanceId, String resourceId, JsonObject data) {
    Event event = Event.of(type, tenantId, instanceId, resourceId, actorId(), data, node);
    events.add(event);
    return event;
  }

  /**
   * Runs {@code action} once this unit's transaction committed, after its events were published (never when it
   * rolled back): for notices that are not events, e.g. a replica's health on its own bus address.
   */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  /** Records the audit entry of this call: every mutating call writes exactly one. */
  public void audit(String tenantId, String resource, String resourceId, String action, JsonObject details) {
    audits.add(Audits.entry(call, tenantId, resource, resourceId, action, AuditEntry.SUCCESS, details));
  }

  /** Records a ready-made audit entry, e.g. a refused call's. */
  public void audit(AuditEntry entry) {
    audits.add(entry);
  }

  /**
   * Says that this call's change was refused inside a group commit (its quota, its tenant suspended): it changes
   * nothing here and writes no entry in this transaction; the dispatcher audits the refusal in one of its own.
   */
  public void markRefused() {
    refused = true;
  }

  List<Event> events() {
    return events;
  }

  List<Runnable> afterCommit() {
    return afterCommit;
  }

  /**
   * Fails, as a bug, when this unit belongs to a mutating call that has not recorded exactly one audit entry (and
   * was not refused): such a change must not commit (SPEC §10, every mutating call is audited).
   */
  void requireAudited() {
    if (call.mutating() && !refused && audits.size() != 1) {
      throw new IllegalStateException("mutating call '" + call.action() + "' (request " + call.requestId()
          + ") recorded " + audits.size() + " audit entries instead of one; its change is rolled back");
    }
  }

  /**
   * Writes the events and the audit entries of units sharing {@code sql}'s transaction; both are sent at once, and
   * the first failure is the result.
   */
  static Future<Void> flush(SqlConnection sql, List<Tx> units) {
    List<Event> events = new ArrayList<>();
    List<AuditEntry> audits = new ArrayList<>();
    for (Tx unit : units) {
      events.addAll(unit.events);
      audits.addAll(unit.audits);
    }
    Future<Void> stored = EventStore.insert(sql, events);
    Future<Void> audited = AuditLog.append(sql, audits);
    return stored.compose(v -> audited);
  }
}
