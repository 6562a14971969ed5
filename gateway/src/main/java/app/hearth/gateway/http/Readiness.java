package app.hearth.gateway.http;

import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.hazelcast.cluster.Member;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@code /health/ready} reports: the store answers a ping in time, and the node is an active
 * member of its cluster. A load balancer sends no traffic to a node that is not ready.
 *
 * <p>The ping runs on a pool of its own and is given {@code timeout} to answer: a store that accepts
 * connections but never answers (a frozen process) turns the node DOWN instead of hanging the check
 * behind the requests that already wait on it. At most one ping is in flight; checks that arrive
 * meanwhile share its answer, so a stalled store cannot pile threads up.
 *
 * <p>The cluster part names the members this node sees and how many it was configured with: after a
 * split each half sees fewer than configured, which is visible here (it is not DOWN by itself: a
 * cluster with a member stopped for maintenance is still serving).
 */
public final class Readiness {

    private final Store store;
    private final Blocking pingPool;
    private final Duration timeout;
    private final Optional<HazelcastClusterManager> cluster;
    private final Optional<Integer> configuredMembers;
    private final AtomicReference<Future<Void>> inFlight = new AtomicReference<>();

    /**
     * @param pingPool          a pool used by nothing else (one thread is enough)
     * @param configuredMembers the size of the TCP/IP member list; empty when members are discovered
     */
    public Readiness(Store store, Blocking pingPool, Duration timeout, Optional<HazelcastClusterManager> cluster,
                     Optional<Integer> configuredMembers) {
        this.store = store;
        this.pingPool = pingPool;
        this.timeout = timeout;
        this.cluster = cluster;
        this.configuredMembers = configuredMembers;
    }

    public Future<JsonObject> check() {
        Future<JsonObject> storeCheck = ping().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .map(v -> new JsonObject().put("status", "UP"))
                .otherwise(e -> new JsonObject().put("status", "DOWN").put("reason",
                        e instanceof java.util.concurrent.TimeoutException || e instanceof com.mongodb.MongoTimeoutException
                                || e instanceof com.mongodb.MongoSocketReadTimeoutException
                                ? "store did not answer within " + timeout.toMillis() + " ms" : "store unreachable"));
        JsonObject clusterCheck = cluster.map(this::clusterCheck)
                .orElse(new JsonObject().put("status", "UP").put("mode", "standalone"));
        return storeCheck.map(s -> {
            boolean up = "UP".equals(s.getString("status")) && "UP".equals(clusterCheck.getString("status"));
            return new JsonObject().put("status", up ? "UP" : "DOWN")
                    .put("checks", new JsonObject().put("store", s).put("cluster", clusterCheck));
        });
    }

    /** The ping in flight, or a new one. */
    private Future<Void> ping() {
        while (true) {
            Future<Void> current = inFlight.get();
            if (current != null && !current.isComplete()) {
                return current;
            }
            Future<Void> next = pingPool.run(() -> {
                store.ping();
                return null;
            });
            if (inFlight.compareAndSet(current, next)) {
                return next;
            }
        }
    }

    private JsonObject clusterCheck(HazelcastClusterManager cm) {
        if (!cm.isActive() || !cm.getHazelcastInstance().getLifecycleService().isRunning()) {
            return new JsonObject().put("status", "DOWN").put("reason", "not a cluster member");
        }
        List<Member> members = List.copyOf(cm.getHazelcastInstance().getCluster().getMembers());
        JsonArray seen = new JsonArray();
        members.forEach(m -> seen.add(m.getAddress().getHost() + ":" + m.getAddress().getPort()));
        JsonObject check = new JsonObject().put("status", "UP").put("nodeId", cm.getNodeId())
                .put("members", members.size()).put("seen", seen);
        configuredMembers.ifPresent(n -> check.put("configuredMembers", n).put("allMembersSeen", members.size() >= n));
        return check;
    }
}
