package dev.ctrlplane.health;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Keeps each enabled check's schedule item next to the check, in the same transaction: put when it is created,
 * cancelled when it is deleted (an instance's delete cancels all of its items).
 */
public interface HealthSchedule {

  Future<Void> put(SqlConnection sql, HealthCheck check, ProbeSubject instance);

  Future<Void> cancel(SqlConnection sql, HealthCheck check);

  /** Until the scheduler runs checks: nothing is scheduled. */
  HealthSchedule NONE = new HealthSchedule() {
    @Override
    public Future<Void> put(SqlConnection sql, HealthCheck check, ProbeSubject instance) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> cancel(SqlConnection sql, HealthCheck check) {
      return Future.succeededFuture();
    }
  };
}
