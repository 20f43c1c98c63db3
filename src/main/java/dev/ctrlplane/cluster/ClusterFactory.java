package dev.ctrlplane.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.ctrlplane.config.CtrlplaneConfig.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Clustered Vert.x over Hazelcast with TCP-IP join on the configured members (no multicast): every node runs the
 * same verticles, the bus spans the nodes, PostgreSQL holds the state.
 */
public final class ClusterFactory {

  public static final String CLUSTER_NAME = "ctrlplane";
  private static final String LOGGING_TYPE = "hazelcast.logging.type";

  private ClusterFactory() {}

  public static Future<Vertx> clusteredVertx(VertxOptions options, ClusterConfig cluster) {
    // Hazelcast chooses its static logger factory from the system property before it reads any Config; without it
    // the first lines of every member (e.g. its Java-modules warning) bypass slf4j and go to java.util.logging.
    if (System.getProperty(LOGGING_TYPE) == null) {
      System.setProperty(LOGGING_TYPE, "slf4j");
    }
    options.setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.busPort())
        .setClusterPublicHost(cluster.host()));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast(cluster)))
        .buildClustered();
  }

  /**
   * vertx-hazelcast's default configuration (or a {@code cluster.xml} on the class path), which declares the maps
   * Vert.x keeps its subscriptions and node infos in, with the network and join settings of {@code cluster.*}.
   */
  static Config hazelcast(ClusterConfig cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty(LOGGING_TYPE, "slf4j");
    // `serve` closes the node from its own shutdown hook: stop taking work, then leave the cluster
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // bind the member port on cluster.host only; Hazelcast's default binds it on every interface
    config.setProperty("hazelcast.socket.bind.any", "false");
    // the master holds a joiner back this long to batch joins (default 5 s); 1 s still batches nodes started together
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    // a node killed without leaving is declared dead after 15 s without heartbeats (default 60 s), so requests stop
    // going to it and its instances can be taken over sooner
    config.setProperty("hazelcast.heartbeat.interval.seconds", "2");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
    config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(false).setPublicAddress(cluster.host());
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(cluster.host());
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }
}
