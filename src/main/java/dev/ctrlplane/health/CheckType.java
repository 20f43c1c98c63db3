package dev.ctrlplane.health;

import java.util.Arrays;
import java.util.Optional;

/** What a check probes: an HTTP GET, a TCP connect, the gRPC health protocol, or a command (SPEC §6). */
public enum CheckType {
  HTTP("http"),
  TCP("tcp"),
  GRPC("grpc"),
  COMMAND("command");

  private final String wire;

  CheckType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<CheckType> of(String wire) {
    return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
  }
}
