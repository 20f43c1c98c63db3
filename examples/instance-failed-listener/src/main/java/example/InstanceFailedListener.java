package example;

import com.hazelcast.config.Config;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Joins a ctrlplane cluster as a plain member and reacts to {@code instance.failed}. Every committed event reaches
 * every subscriber at least once (the outbox relay republishes what a dying node could not), so the listener drops
 * repeats by event id, keeping the ids it has seen for a while.
 */
public final class InstanceFailedListener extends VerticleBase {

  private static final int REMEMBERED = 10_000;

  /** Ids already handled, oldest first; a repeat is at most events.relay_grace (plus a little) late. */
  private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer("ctrlplane.events.instance.failed", message -> {
      JsonObject event = message.body();
      if (seen.putIfAbsent(event.getString("id"), Boolean.TRUE) != null) {
        return; // a repeat (e.g. relayed after its node died): already handled
      }
      JsonObject instance = event.getJsonObject("data");
      System.out.printf("instance %s (%s) of tenant %s failed: %s [event %s from %s%s]%n",
          event.getString("instance_id"), instance.getString("name"), event.getString("tenant_id"),
          instance.getString("status_message"), event.getString("id"), event.getString("node"),
          message.headers().contains("relayed") ? ", relayed" : "");
    }).completion();
  }

  /** Args: this member's host, its Hazelcast port, and the ctrlplane members (host:port, comma-separated). */
  public static void main(String[] args) {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 5799;
    String members = args.length > 2 ? args[2] : "127.0.0.1:5701";
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("ctrlplane"); // the name ctrlplane's nodes use (cluster/ClusterFactory)
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false).setPublicAddress(host);
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    var tcp = config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true);
    for (String member : members.split(",")) {
      tcp.addMember(member.trim());
    }
    Vertx.builder()
        .with(new io.vertx.core.VertxOptions().setEventBusOptions(new EventBusOptions().setHost(host)
            .setClusterPublicHost(host)))
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered()
        .compose(vertx -> vertx.deployVerticle(new InstanceFailedListener()))
        .onSuccess(id -> System.out.println("listening for instance.failed on the ctrlplane cluster"))
        .onFailure(failed -> {
          System.err.println("could not join: " + failed.getMessage());
          System.exit(1);
        });
  }
}
