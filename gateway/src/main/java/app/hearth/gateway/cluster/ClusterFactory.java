package app.hearth.gateway.cluster;

import app.hearth.gateway.config.NodeConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Builds the node's Vert.x instance. Clustered nodes join through Hazelcast with an explicit TCP/IP
 * member list (multicast off: it is unreliable in clouds and would let strangers on a LAN join) or,
 * in Kubernetes, through DNS lookups of a headless service.
 */
public final class ClusterFactory {

    /**
     * How long a member may stay silent before the others drop it. A crashed node's browsers lost
     * their sockets that long before the survivors learn of it, so the survivors count this time
     * against the reconnect grace of the seats they adopt.
     */
    public static final java.time.Duration FAILURE_DETECTION = java.time.Duration.ofSeconds(5);

    /**
     * How often a member looks for another cluster of the same name to merge with after a split (a
     * frozen or partitioned member that comes back forms a cluster of its own first). Hazelcast's
     * defaults wait 300 s before the first look and 120 s between looks: minutes of split rooms.
     */
    public static final java.time.Duration MERGE_CHECK_INTERVAL = java.time.Duration.ofSeconds(3);

    /** The member attribute where Vert.x keeps its node id (stable across a split-brain merge). */
    private static final String VERTX_NODE_ID = "__vertx.nodeId";

    private ClusterFactory() {
    }

    /** A member's Vert.x node id, or its UUID for a member without one (not a Vert.x node). */
    public static String nodeIdOf(com.hazelcast.cluster.Member member) {
        String id = member.getAttribute(VERTX_NODE_ID);
        return id != null ? id : member.getUuid().toString();
    }

    public static Future<Vertx> create(NodeConfig.Cluster cluster) {
        return create(cluster, null);
    }

    /** With Vert.x's metrics on the node's registry (docs/adr/0025); {@code metrics} null or disabled: none. */
    public static Future<Vertx> create(NodeConfig.Cluster cluster, app.hearth.gateway.metrics.HearthMetrics metrics) {
        VertxOptions options = new VertxOptions();
        io.vertx.core.VertxBuilder builder = Vertx.builder();
        if (metrics != null && metrics.enabled()) {
            metrics.configure(options);
            builder.withMetrics(metrics.vertxFactory());
        }
        if (!cluster.enabled()) {
            return Future.succeededFuture(builder.with(options).build());
        }
        options.getEventBusOptions().setHost(cluster.host()).setPort(0);
        return builder.with(options).withClusterManager(new HazelcastClusterManager(hazelcastConfig(cluster)))
                .buildClustered();
    }

    static Config hazelcastConfig(NodeConfig.Cluster cluster) {
        Config config = ConfigUtil.loadConfig(); // keeps Vert.x's own map and multimap settings
        config.setClusterName(cluster.name());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // Defaults wait 5 s before joining and ~60 s before dropping a silent member; a clinic's room
        // roster must lose a dead node's people within seconds (see FAILURE_DETECTION).
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(FAILURE_DETECTION.toSeconds()));
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        // A split heals within seconds of the members reaching each other again (docs/adr/0015).
        config.setProperty("hazelcast.merge.first.run.delay.seconds", Long.toString(MERGE_CHECK_INTERVAL.toSeconds()));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", Long.toString(MERGE_CHECK_INTERVAL.toSeconds()));
        config.setProperty("hazelcast.shutdownhook.enabled", "false"); // the node leaves in its own shutdown hook

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(cluster.port()).setPortAutoIncrement(false);
        network.setPublicAddress(null);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (cluster.kubernetesService().isPresent()) {
            join.getTcpIpConfig().setEnabled(false);
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", cluster.kubernetesService().get());
        } else {
            network.getInterfaces().setEnabled(true).addInterface(cluster.host());
            join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
            config.setProperty("hazelcast.local.localAddress", cluster.host());
        }
        return config;
    }
}
