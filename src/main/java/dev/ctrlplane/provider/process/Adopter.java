package dev.ctrlplane.provider.process;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the replicas a previous control plane left in the run dir (it was killed, its replicas were not): a pid file
 * whose process still runs with the same start time is adopted and supervised again; any other pid file is stale and
 * deleted. Every instance dir found is reported, replicas or not.
 */
final class Adopter {

  private static final Logger LOG = LoggerFactory.getLogger(Adopter.class);

  private record Found(String instanceId, int index, ReplicaFile file) {}

  private record Scan(List<String> instanceIds, List<Found> alive) {}

  private final Vertx vertx;
  private final PortAllocator ports;
  private final Supervisor supervisor;

  Adopter(Vertx vertx, PortAllocator ports, Supervisor supervisor) {
    this.vertx = vertx;
    this.ports = ports;
    this.supervisor = supervisor;
  }

  Future<Void> adopt(Path runDir, Function<String, ProcessInstance> instances) {
    return vertx.executeBlocking(() -> scan(runDir), false).map(scan -> {
      scan.instanceIds().forEach(id -> instances.apply(id).markOnDisk());
      scan.alive().forEach(found -> adopt(found, instances.apply(found.instanceId())));
      return null;
    });
  }

  private void adopt(Found found, ProcessInstance instance) {
    ReplicaSlot slot = instance.newSlot(found.index(), found.file().releaseId(), found.file().image());
    slot.port(found.file().port());
    slot.restarts(found.file().restarts());
    slot.attach(ReplicaProcess.adopted(vertx, found.file()), ReplicaState.RUNNING);
    ports.reserve(found.file().port());
    supervisor.watch(slot);
    LOG.info("adopted instance {} replica {} of release {} (pid {}, port {})",
        found.instanceId(), found.index(), found.file().releaseId(), found.file().pid(), found.file().port());
  }

  /**
   * Every instance dir, and the replicas alive in it: those named by a pid file, and those a killed control plane
   * had started but not yet recorded ({@link UnrecordedReplicas}) in a slot without a live pid file.
   */
  private static Scan scan(Path runDir) throws IOException {
    List<String> ids = new ArrayList<>();
    List<Found> alive = new ArrayList<>();
    List<UnrecordedReplicas.Slot> unrecorded = new ArrayList<>();
    for (Path instanceDir : children(runDir)) {
      String id = instanceDir.getFileName().toString();
      if (!ImageResolver.isSafe(id)) {
        continue;
      }
      ids.add(id);
      for (Path replicaDir : children(instanceDir)) {
        index(replicaDir).ifPresent(index -> {
          Optional<ReplicaFile> file = ReplicaFile.read(replicaDir)
              .filter(recorded -> ProcStat.isRunning(recorded.pid(), recorded.startTicks()));
          if (file.isPresent()) {
            alive.add(new Found(id, index, file.get()));
          } else {
            ReplicaFile.delete(replicaDir); // stale, if there was one
            unrecorded.add(new UnrecordedReplicas.Slot(id, index, replicaDir));
          }
        });
      }
    }
    Map<UnrecordedReplicas.Slot, ReplicaFile> found = UnrecordedReplicas.find(unrecorded);
    found.forEach((slot, file) -> {
      LOG.info("found replica {} of {} (pid {}) started without a pid file by a killed control plane",
          slot.index(), slot.instanceId(), file.pid());
      alive.add(new Found(slot.instanceId(), slot.index(), file));
    });
    unrecorded.stream().filter(slot -> !found.containsKey(slot))
        .forEach(dead -> deleteSecretFiles(dead.dir())); // a dead replica's secrets stay on disk no longer
    return new Scan(ids, alive);
  }

  private static void deleteSecretFiles(Path replicaDir) {
    try {
      SecretFiles.delete(replicaDir);
    } catch (IOException e) {
      LOG.warn("cannot delete the secret files of the dead replica in {}: {}", replicaDir, e.getMessage());
    }
  }

  private static Optional<Integer> index(Path replicaDir) {
    String name = replicaDir.getFileName().toString();
    return name.matches("\\d{1,6}") ? Optional.of(Integer.parseInt(name)) : Optional.empty();
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).toList();
    }
  }
}
