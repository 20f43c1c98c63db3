package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.process.SecretFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back the containers a previous control plane of this node left (it was killed, they were not), found by
 * their labels: a running one is adopted into its replica slot and supervised again; any other (exited, or created
 * and never started by a plane killed in between), and a second one for a slot already taken, is removed. The secret
 * files of replicas that were not adopted are deleted.
 */
final class Adopter {

  private static final Logger LOG = LoggerFactory.getLogger(Adopter.class);

  private final Vertx vertx;
  private final DockerConfig config;
  private final Engine engine;
  private final Containers containers;

  Adopter(Vertx vertx, DockerConfig config, Engine engine, Containers containers) {
    this.vertx = vertx;
    this.config = config;
    this.engine = engine;
    this.containers = containers;
  }

  Future<Void> adopt(Function<String, DockerInstance> instances) {
    return engine.list(Labels.ofNode(config.nodeName())).compose(listed -> {
      List<Future<Void>> work = new ArrayList<>();
      Set<String> kept = new HashSet<>();
      for (JsonObject summary : listed) {
        JsonObject labels = summary.getJsonObject("Labels", new JsonObject());
        String instanceId = Labels.get(labels, Labels.INSTANCE);
        int index = Labels.integer(labels, Labels.REPLICA, -1);
        String id = summary.getString("Id");
        boolean running = "running".equalsIgnoreCase(summary.getString("State"));
        if (running && instanceId != null && DockerProvider.isSafeId(instanceId) && index >= 0
            && kept.add(instanceId + "/" + index)) {
          work.add(take(instances.apply(instanceId), index, id, labels));
        } else {
          LOG.info("removing container {} left by an earlier control plane ({})", id, summary.getString("State"));
          work.add(engine.remove(id));
        }
      }
      return Future.all(work).compose(v -> deleteStaleSecrets(kept));
    });
  }

  private Future<Void> take(DockerInstance instance, int index, String id, JsonObject labels) {
    int servingPort = Labels.integer(labels, Labels.PORT, config.defaultPort());
    DockerSlot taken = instance.slot(index);
    if (taken != null) {
      // adopted by an earlier attempt that failed further on; a different container for a held slot is a duplicate
      Container held = taken.container();
      return held != null && held.id().equals(id) ? Future.succeededFuture() : engine.remove(id);
    }
    return engine.inspect(id).map(inspect -> {
      DockerSlot slot = instance.newSlot(index, Labels.get(labels, Labels.RELEASE), Labels.get(labels, Labels.IMAGE));
      slot.restarts(Labels.integer(labels, Labels.RESTARTS, 0));
      Container container = new Container(id, ContainerSpec.hostPort(inspect, servingPort),
          Containers.startedAt(inspect));
      slot.attach(container, DockerSlot.State.RUNNING);
      LOG.info("adopted instance {} replica {} of release {} (container {}, port {})", instance.id(), index,
          slot.releaseId(), container.shortId(), container.hostPort());
      return null;
    });
  }

  /** Deletes the secrets of every replica dir under the state dir that is not a kept {@code instance/index}. */
  private Future<Void> deleteStaleSecrets(Set<String> kept) {
    return vertx.executeBlocking(() -> {
      for (Path instanceDir : children(config.stateDir())) {
        for (Path replicaDir : children(instanceDir)) {
          String key = instanceDir.getFileName() + "/" + replicaDir.getFileName();
          if (!kept.contains(key)) {
            SecretFiles.delete(replicaDir);
          }
        }
      }
      return null;
    }, false);
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
