package dev.ctrlplane.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Flushes the marks of what this node published ({@link PublishMarks}) every 50 ms; its timer ends with it. */
final class OutboxVerticle extends VerticleBase {

  private static final long MARK_INTERVAL_MS = 50;

  private final PublishMarks marks;

  OutboxVerticle(PublishMarks marks) {
    this.marks = marks;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(MARK_INTERVAL_MS, id -> marks.flush());
    return Future.succeededFuture();
  }
}
