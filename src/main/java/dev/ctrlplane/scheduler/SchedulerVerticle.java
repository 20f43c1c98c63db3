package dev.ctrlplane.scheduler;

import dev.ctrlplane.bus.Call;
import dev.ctrlplane.bus.Principal;
import dev.ctrlplane.store.Transactions;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of one node. It claims due items of the kinds its jobs run (never more than
 * {@code scheduler.concurrency} in flight), runs each on this verticle's event loop, and completes finished runs in
 * batches: one transaction reschedules (or deletes) the items whose claims still hold and records what their runs
 * found. It also writes this node's heartbeat. All its state is confined to its own context.
 */
final class SchedulerVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  private static final int CLAIM_BATCH = 500;
  private static final int FLUSH_BATCH = 500;
  private static final long FLUSH_DELAY_MS = 20;
  private static final Duration ONE_SHOT_RETRY = Duration.ofSeconds(5);
  private static final Call SYSTEM = new Call("scheduler.complete", Principal.system(), null, null, new JsonObject());

  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<String, Duration> leases = new LinkedHashMap<>();
  private final Transactions transactions;
  private final NodeStore nodes;
  private final SchedulerConfig config;
  private final String node;
  private final SchedulerMetrics metrics = new SchedulerMetrics();

  private final List<Ran> finished = new ArrayList<>();
  private int inFlight;
  private boolean claiming;
  private boolean flushing;
  private boolean flushTimerSet;

  SchedulerVerticle(List<Job> jobs, Transactions transactions, SchedulerConfig config) {
    for (Job job : jobs) {
      if (this.jobs.putIfAbsent(job.kind(), job) != null) {
        throw new IllegalArgumentException("two jobs of kind " + job.kind());
      }
      leases.put(job.kind(), job.lease());
    }
    this.transactions = transactions;
    this.nodes = new NodeStore(transactions.pool());
    this.config = config;
    this.node = transactions.node();
  }

  @Override
  public void start(Promise<Void> started) {
    nodes.beat(node)
        .compose(beat -> keepStandingItems())
        .onSuccess(ready -> {
          vertx.setPeriodic(config.heartbeatInterval().toMillis(), tick -> beat());
          if (!jobs.isEmpty()) {
            vertx.setPeriodic(config.pollInterval().toMillis(), tick -> claim());
          }
        })
        .onComplete(started);
  }

  private Future<Void> keepStandingItems() {
    Future<Void> chain = Future.succeededFuture();
    for (Job job : jobs.values()) {
      for (ScheduleItem item : job.standing()) {
        chain = chain.compose(v -> ScheduleStore.keep(transactions.pool(), item));
      }
    }
    return chain;
  }

  private void beat() {
    nodes.beat(node).onFailure(f -> LOG.warn("heartbeat of node {} not written: {}", node, f.getMessage()));
  }

  /** Claims as many due items as there is room for; claims again at once when the batch came back full. */
  private void claim() {
    int room = Math.min(CLAIM_BATCH, config.concurrency() - inFlight);
    if (claiming || room <= 0) {
      return;
    }
    claiming = true;
    ScheduleStore.claim(transactions.pool(), node, leases, room).onComplete(claimed -> {
      claiming = false;
      if (claimed.failed()) {
        LOG.warn("node {} could not claim scheduled work: {}", node, claimed.cause().getMessage());
        return;
      }
      Instant now = Instant.now();
      claimed.result().forEach(item -> run(item, now));
      if (claimed.result().size() == room) {
        context.runOnContext(v -> claim());
      }
    });
  }

  private void run(ScheduledItem item, Instant now) {
    Job job = jobs.get(item.kind());
    inFlight++;
    metrics.lag(item.kind(), Duration.between(item.dueAt(), now));
    Promise<Outcome> settled = Promise.promise();
    long leaseTimer = vertx.setTimer(job.lease().toMillis(),
        t -> settled.tryFail(new LeaseExpired(job.lease())));
    start(job, item).onComplete(done -> {
      if (done.succeeded()) {
        settled.tryComplete(done.result());
      } else {
        settled.tryFail(done.cause());
      }
    });
    settled.future().onComplete(result -> {
      vertx.cancelTimer(leaseTimer);
      inFlight--;
      if (result.succeeded()) {
        metrics.ran(item.kind(), "ok");
      }
      finish(item, result.succeeded() ? result.result() : failed(item, result.cause()));
    });
  }

  private static Future<Outcome> start(Job job, ScheduledItem item) {
    try {
      return job.run(item);
    } catch (RuntimeException bug) {
      return Future.failedFuture(bug);
    }
  }

  private Outcome failed(ScheduledItem item, Throwable cause) {
    boolean expired = cause instanceof LeaseExpired;
    metrics.ran(item.kind(), expired ? "expired" : "failed");
    LOG.warn("{} {} {}: {}", item.kind(), item.key(), expired ? "ran past its lease" : "failed", cause.getMessage());
    return item.periodic() ? Outcome.again() : Outcome.at(Instant.now().plus(ONE_SHOT_RETRY));
  }

  private void finish(ScheduledItem item, Outcome outcome) {
    finished.add(new Ran(item, outcome));
    if (finished.size() >= FLUSH_BATCH) {
      flush();
    } else if (!flushTimerSet) {
      flushTimerSet = true;
      vertx.setTimer(FLUSH_DELAY_MS, t -> {
        flushTimerSet = false;
        flush();
      });
    }
    claim(); // a slot is free again
  }

  /** Completes the finished runs in one transaction, then records their results job by job in the same one. */
  private void flush() {
    if (flushing || finished.isEmpty()) {
      return;
    }
    flushing = true;
    List<Ran> batch = List.copyOf(finished);
    finished.clear();
    transactions.run(SYSTEM, tx -> ScheduleStore.complete(tx.sql(), node, batch).compose(held -> {
      countOutcomes(batch, held);
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, List<Ran>> byKind : byKind(held).entrySet()) {
        Job job = jobs.get(byKind.getKey());
        chain = chain.compose(v -> job.record(tx, byKind.getValue()));
      }
      return chain;
    })).onComplete(done -> {
      flushing = false;
      if (done.failed()) {
        LOG.warn("node {} could not complete {} scheduled runs (they run again once their leases lapse): {}",
            node, batch.size(), done.cause().getMessage());
      }
      if (!finished.isEmpty()) {
        flush();
      }
    });
  }

  private void countOutcomes(List<Ran> batch, List<Ran> held) {
    if (held.size() < batch.size()) {
      batch.stream().filter(r -> !held.contains(r)).forEach(r -> metrics.ran(r.item().kind(), "lost"));
    }
  }

  private static Map<String, List<Ran>> byKind(List<Ran> ran) {
    return ran.stream().collect(Collectors.groupingBy(r -> r.item().kind(), LinkedHashMap::new, Collectors.toList()));
  }

  /** A run that outlived its lease: the item may already be claimed by another node. */
  private static final class LeaseExpired extends RuntimeException {
    LeaseExpired(Duration lease) {
      super("lease of " + lease.toMillis() + " ms ran out", null, false, false);
    }
  }
}
