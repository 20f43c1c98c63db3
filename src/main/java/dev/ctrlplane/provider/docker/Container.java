package dev.ctrlplane.provider.docker;

import java.time.Instant;

/** One container the provider runs for a replica: created for one start, removed when it stops or exits. */
final class Container {

  private final String id;
  private final int hostPort;
  private final Instant startedAt;
  private final long attachedAt = System.nanoTime();
  private volatile boolean stopRequested;
  private volatile boolean exitSeen;

  Container(String id, int hostPort, Instant startedAt) {
    this.id = id;
    this.hostPort = hostPort;
    this.startedAt = startedAt;
  }

  String id() {
    return id;
  }

  /** The short id, for logs. */
  String shortId() {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  int hostPort() {
    return hostPort;
  }

  Instant startedAt() {
    return startedAt;
  }

  /** When the provider learned of it (nanoTime). */
  long attachedAt() {
    return attachedAt;
  }

  /** Marks the coming exit as ours, so supervision does not restart the replica. */
  void requestStop() {
    stopRequested = true;
  }

  boolean stopRequested() {
    return stopRequested;
  }

  /** True the first time: supervision handles each exit once, however many polls see it. */
  boolean markExitSeen() {
    if (exitSeen) {
      return false;
    }
    exitSeen = true;
    return true;
  }

  boolean exitSeen() {
    return exitSeen;
  }
}
