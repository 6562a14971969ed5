package app.hearth.gateway.http;

import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Optional;

/**
 * What {@code /health/ready} reports: the store answers a ping, and the node is an active member of
 * its cluster. A load balancer sends no traffic to a node that is not ready.
 */
public final class Readiness {

    private final Store store;
    private final Blocking blocking;
    private final Optional<HazelcastClusterManager> cluster;

    public Readiness(Store store, Blocking blocking, Optional<HazelcastClusterManager> cluster) {
        this.store = store;
        this.blocking = blocking;
        this.cluster = cluster;
    }

    public Future<JsonObject> check() {
        Future<JsonObject> storeCheck = blocking.run(() -> {
            store.ping();
            return new JsonObject().put("status", "UP");
        }).otherwise(e -> new JsonObject().put("status", "DOWN").put("reason", "store unreachable"));
        JsonObject clusterCheck = cluster.map(cm -> cm.isActive()
                        ? new JsonObject().put("status", "UP").put("nodeId", cm.getNodeId()).put("members", cm.getNodes().size())
                        : new JsonObject().put("status", "DOWN").put("reason", "not a cluster member"))
                .orElse(new JsonObject().put("status", "UP").put("mode", "standalone"));
        return storeCheck.map(s -> {
            boolean up = "UP".equals(s.getString("status")) && "UP".equals(clusterCheck.getString("status"));
            return new JsonObject().put("status", up ? "UP" : "DOWN")
                    .put("checks", new JsonObject().put("store", s).put("cluster", clusterCheck));
        });
    }
}
