package dev.ctrlplane.scheduler;

import java.time.Duration;

/**
 * The scheduler of each node: how often it looks for due items, how many runs it keeps in flight at once, how often
 * it writes its heartbeat, after how long without one a node counts as dead, and how often instances left in a
 * transitional state are converged again.
 */
public record SchedulerConfig(Duration pollInterval, int concurrency, Duration heartbeatInterval,
    Duration nodeTimeout, Duration reconcileInterval) {}
