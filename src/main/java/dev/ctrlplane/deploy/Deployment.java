package dev.ctrlplane.deploy;

import dev.ctrlplane.store.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A deployment as stored, and as the API shows it ({@link #toJson}). {@code phase}, {@code step} and
 * {@code restoreRunning} are the driver's own state: where it stands, so that any node can continue or undo it.
 */
public record Deployment(
    String id,
    String tenantId,
    String instanceId,
    String releaseId,
    String previousReleaseId,
    Strategy strategy,
    DeploymentState state,
    Phase phase,
    int step,
    boolean restoreRunning,
    Progress progress,
    String error,
    String initiator,
    String notes,
    String commitSha,
    Instant deadlineAt,
    int version,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {

  /** What is left for the driver to do. */
  public enum Phase {
    /** Stepping towards the new release. */
    FORWARD,
    /** Restoring the previous release, after a failure or a cancel. */
    UNDO,
    /** Nothing: the instance is whole on one release. */
    DONE;

    public String wire() {
      return name().toLowerCase();
    }

    static Phase of(String wire) {
      return valueOf(wire.toUpperCase());
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant_id", tenantId)
        .put("instance_id", instanceId)
        .put("release_id", releaseId)
        .put("previous_release_id", previousReleaseId)
        .put("strategy", strategy.wire())
        .put("state", state.wire())
        .put("progress", progress.toJson())
        .put("error", error)
        .put("initiator", initiator)
        .put("notes", notes)
        .put("commit_sha", commitSha)
        .put("deadline_at", Times.format(deadlineAt))
        .put("created_at", Times.format(createdAt))
        .put("started_at", Times.format(startedAt))
        .put("finished_at", Times.format(finishedAt));
  }

  static final String COLUMNS = "id, tenant_id, instance_id, release_id, previous_release_id, strategy, state, phase, "
      + "step, restore_running, progress, error, initiator, notes, commit_sha, deadline_at, version, created_at, "
      + "started_at, finished_at";

  static Deployment fromRow(Row row) {
    return new Deployment(
        row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
        Strategy.of(row.getString(5)),
        DeploymentState.of(row.getString(6)).orElseThrow(),
        Phase.of(row.getString(7)),
        row.getInteger(8),
        row.getBoolean(9),
        Progress.fromJson((JsonObject) row.getValue(10)),
        row.getString(11), row.getString(12), row.getString(13), row.getString(14),
        instant(row, 15),
        row.getInteger(16),
        instant(row, 17), instant(row, 18), instant(row, 19));
  }

  private static Instant instant(Row row, int column) {
    OffsetDateTime time = row.getOffsetDateTime(column);
    return time == null ? null : time.toInstant();
  }

  /** A copy to change: set what changes, then {@link Edit#done()}. */
  Edit edit() {
    return new Edit(this);
  }

  /** The mutable side of a deployment. */
  static final class Edit {
    private final Deployment from;
    DeploymentState state;
    Phase phase;
    int step;
    Progress progress;
    String error;
    Instant startedAt;
    Instant finishedAt;

    private Edit(Deployment d) {
      from = d;
      state = d.state;
      phase = d.phase;
      step = d.step;
      progress = d.progress;
      error = d.error;
      startedAt = d.startedAt;
      finishedAt = d.finishedAt;
    }

    Deployment done() {
      return new Deployment(from.id, from.tenantId, from.instanceId, from.releaseId, from.previousReleaseId,
          from.strategy, state, phase, step, from.restoreRunning, progress, error, from.initiator, from.notes,
          from.commitSha, from.deadlineAt, from.version, from.createdAt, startedAt, finishedAt);
    }
  }

  /** This deployment as stored by an update that made it {@code newVersion}. */
  Deployment stored(int newVersion) {
    return new Deployment(id, tenantId, instanceId, releaseId, previousReleaseId, strategy, state, phase, step,
        restoreRunning, progress, error, initiator, notes, commitSha, deadlineAt, newVersion, createdAt, startedAt,
        finishedAt);
  }
}
