package dev.ctrlplane.network.edge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replicas the edge of this node keeps out of balancing. Two sources:
 * <ul>
 *   <li>active: the health checks publish each replica's verdict on {@value #ADDRESS}, cluster-wide, as
 *       {@code {"instance_id", "endpoint": "host:port", "release_id", "index", "healthy"}}; an unhealthy one is
 *       skipped until a healthy verdict arrives;</li>
 *   <li>passive: a replica that refused a connection (or reset one before answering) is skipped until a connection
 *       to it succeeds again; this node tries one every {@value #PROBE_INTERVAL_MS} ms.</li>
 * </ul>
 * Shared by the node's edge verticles (concurrent sets); a verticle itself so its probes run on one context.
 */
public final class ReplicaHealth extends VerticleBase {

  public static final String ADDRESS = "ctrlplane.health.replicas";
  static final long PROBE_INTERVAL_MS = 250;
  /**
   * A replica unreachable this long is forgotten (it is gone for good, or its port went to another replica): if it
   * is still in the table and still down, the next request to it marks it again.
   */
  static final long FORGET_AFTER_MS = 60_000;

  private record Down(RoutingTable.Upstream upstream, long sinceMillis) {}
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaHealth.class);

  private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
  /** Unreachable replicas, with when they were marked. */
  private final Map<String, Down> down = new ConcurrentHashMap<>();
  private final Set<String> probing = ConcurrentHashMap.newKeySet();
  private NetClient probes;

  @Override
  public Future<?> start() {
    probes = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000));
    vertx.setPeriodic(PROBE_INTERVAL_MS, id -> probeDown());
    return vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> verdict(message.body())).completion();
  }

  /** Whether the edge may send the instance's traffic to the replica. */
  public boolean usable(String instanceId, RoutingTable.Upstream upstream) {
    return !down.containsKey(upstream.key()) && !knownUnhealthy(instanceId, upstream);
  }

  /** Whether the health checks said the replica is unhealthy. */
  public boolean knownUnhealthy(String instanceId, RoutingTable.Upstream upstream) {
    return !unhealthy.isEmpty() && unhealthy.contains(instanceId + "|" + upstream.key());
  }

  /** A replica that could not be reached: skipped until a connection to it succeeds. */
  public void markDown(RoutingTable.Upstream upstream) {
    if (down.putIfAbsent(upstream.key(), new Down(upstream, System.currentTimeMillis())) == null) {
      LOG.info("edge: replica {} unreachable; skipped until it accepts connections", upstream.key());
    }
  }

  void verdict(JsonObject body) {
    String instanceId = body.getString("instance_id");
    String endpoint = body.getString("endpoint");
    Object healthy = body.getValue("healthy");
    if (instanceId == null || endpoint == null || !(healthy instanceof Boolean verdict)) {
      return;
    }
    String key = instanceId + "|" + endpoint;
    if (verdict) {
      unhealthy.remove(key);
    } else {
      unhealthy.add(key);
    }
  }

  private void probeDown() {
    long now = System.currentTimeMillis();
    for (Down marked : down.values()) {
      RoutingTable.Upstream upstream = marked.upstream();
      if (now - marked.sinceMillis() > FORGET_AFTER_MS) {
        down.remove(upstream.key(), marked);
        continue;
      }
      if (!probing.add(upstream.key())) {
        continue;
      }
      probes.connect(upstream.port(), upstream.host()).onComplete(done -> {
        probing.remove(upstream.key());
        if (done.succeeded()) {
          done.result().close();
          down.remove(upstream.key());
          LOG.info("edge: replica {} accepts connections again", upstream.key());
        }
      });
    }
  }
}
