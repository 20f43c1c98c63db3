package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.Replica;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Replica {@code index} of an instance across its restarts: the release it runs, its current container (null while
 * it waits to be restarted) and its crash history. Mutated only inside the instance's turn; fields read by
 * {@code status} are volatile.
 */
final class DockerSlot {

  enum State {
    STARTING, RUNNING, RESTARTING, STOPPING;

    String label() {
      return name().toLowerCase();
    }
  }

  private static final long NO_TIMER = -1;

  private final DockerInstance instance;
  private final int index;
  private final Deque<Instant> crashes = new ArrayDeque<>();
  private volatile String releaseId;
  private volatile String image;
  private volatile Container container;
  private volatile State state = State.STARTING;
  private volatile int restarts;
  private volatile long backoffTimer = NO_TIMER;

  DockerSlot(DockerInstance instance, int index, String releaseId, String image) {
    this.instance = instance;
    this.index = index;
    this.releaseId = releaseId;
    this.image = image;
  }

  DockerInstance instance() {
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

  void release(String releaseId, String image) {
    this.releaseId = releaseId;
    this.image = image;
  }

  Container container() {
    return container;
  }

  State state() {
    return state;
  }

  void state(State state) {
    this.state = state;
  }

  int restarts() {
    return restarts;
  }

  void restarts(int restarts) {
    this.restarts = restarts;
  }

  void attach(Container container, State state) {
    this.container = container;
    this.state = state;
  }

  /** The container exited: the slot waits for its restart. */
  void crashed() {
    this.container = null;
    this.state = State.RESTARTING;
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

  long takeBackoffTimer() {
    long timer = backoffTimer;
    backoffTimer = NO_TIMER;
    return timer;
  }

  static boolean isTimer(long timerId) {
    return timerId != NO_TIMER;
  }

  Replica toReplica(String host) {
    Container current = container;
    State now = state;
    return current == null
        ? new Replica(index, releaseId, 0, host, 0, now.label(), false, null, restarts)
        : new Replica(index, releaseId, 0, host, current.hostPort(), now.label(), now == State.RUNNING,
            current.startedAt(), restarts);
  }
}
