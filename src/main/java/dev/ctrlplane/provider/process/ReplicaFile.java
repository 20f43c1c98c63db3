package dev.ctrlplane.provider.process;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The pid file of a replica, {@code <runDir>/<instanceId>/<index>/replica.json}: what a later provider over the same
 * run dir needs to adopt the replica after the control plane was killed. All methods are blocking.
 */
record ReplicaFile(long pid, long startTicks, int port, Instant startedAt, int restarts, String image, String releaseId) {

  static final String NAME = "replica.json";

  void write(Path replicaDir) {
    try {
      Path tmp = replicaDir.resolve(NAME + ".tmp");
      Files.writeString(tmp, toJson().encodePrettily());
      Files.move(tmp, replicaDir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pid file in " + replicaDir, e);
    }
  }

  /** The file in {@code replicaDir}; empty when there is none or it cannot be read. */
  static Optional<ReplicaFile> read(Path replicaDir) {
    Path file = replicaDir.resolve(NAME);
    try {
      return Files.isRegularFile(file) ? Optional.of(fromJson(new JsonObject(Files.readString(file)))) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static void delete(Path replicaDir) {
    try {
      Files.deleteIfExists(replicaDir.resolve(NAME));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the pid file in " + replicaDir, e);
    }
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("pid", pid)
        .put("start_ticks", startTicks)
        .put("port", port)
        .put("started_at", startedAt.toString())
        .put("restarts", restarts)
        .put("image", image)
        .put("release_id", releaseId);
  }

  static ReplicaFile fromJson(JsonObject json) {
    return new ReplicaFile(
        json.getLong("pid"),
        json.getLong("start_ticks"),
        json.getInteger("port"),
        Instant.parse(json.getString("started_at")),
        json.getInteger("restarts", 0),
        json.getString("image"),
        json.getString("release_id")); // absent in files written before replicas recorded their release
  }
}
