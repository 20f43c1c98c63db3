package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.Replica;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Replica {@code index} of an instance across its restarts: the release it runs, its port, its current process (null
 * while it waits to be restarted) and its crash history. Mutated only inside the instance's {@link SerialQueue};
 * fields read by {@code status} are volatile.
 */
final class ReplicaSlot {

  private static final long NO_TIMER = -1;

  private final ProcessInstance instance;
  private final int index;
  private final Deque<Instant> crashes = new ArrayDeque<>();
  /** Null only for a replica adopted from a control plane that did not record releases, until it is claimed. */
  private volatile String releaseId;
  private volatile String image;
  private volatile int port;
  private volatile ReplicaProcess process;
  private volatile ReplicaState state = ReplicaState.STARTING;
  private volatile int restarts;
  private volatile long backoffTimer = NO_TIMER;

  ReplicaSlot(ProcessInstance instance, int index, String releaseId, String image) {
    this.instance = instance;
    this.index = index;
    this.releaseId = releaseId;
    this.image = image;
  }

  ProcessInstance instance() {
    return instance;
  }

  int index() {
    return index;
  }

  String releaseId() {
    return releaseId;
  }

  String image() {
    return image;
  }

  /** The slot runs this release (a legacy adoption is claimed by the set with its image). */
  void release(String releaseId, String image) {
    this.releaseId = releaseId;
    this.image = image;
  }

  int port() {
    return port;
  }

  void port(int port) {
    this.port = port;
  }

  ReplicaProcess process() {
    return process;
  }

  ReplicaState state() {
    return state;
  }

  void state(ReplicaState state) {
    this.state = state;
  }

  int restarts() {
    return restarts;
  }

  void restarts(int restarts) {
    this.restarts = restarts;
  }

  void attach(ReplicaProcess process, ReplicaState state) {
    this.process = process;
    this.state = state;
  }

  /** The process crashed: the slot waits for its restart. */
  void crashed() {
    this.process = null;
    this.state = ReplicaState.RESTARTING;
  }

  /** Records a crash now and returns how many happened within {@code window}. */
  int recordCrash(Instant now, Duration window) {
    crashes.addLast(now);
    while (!crashes.isEmpty() && crashes.peekFirst().isBefore(now.minus(window))) {
      crashes.removeFirst();
    }
    return crashes.size();
  }

  void backoffTimer(long timerId) {
    this.backoffTimer = timerId;
  }

  /** Takes the pending restart timer, if any, for cancelling. */
  long takeBackoffTimer() {
    long timer = backoffTimer;
    backoffTimer = NO_TIMER;
    return timer;
  }

  static boolean isTimer(long timerId) {
    return timerId != NO_TIMER;
  }

  Replica toReplica(String host) {
    ReplicaProcess current = process;
    ReplicaState now = state;
    return current == null
        ? new Replica(index, releaseId, 0, host, port, now.label(), false, null, restarts)
        : new Replica(index, releaseId, current.pid(), host, port, now.label(), now == ReplicaState.RUNNING,
            current.startedAt(), restarts);
  }
}
