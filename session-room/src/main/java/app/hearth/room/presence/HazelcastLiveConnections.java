package app.hearth.room.presence;

import app.hearth.platform.store.Blocking;
import com.hazelcast.config.IndexType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's live sockets in one Hazelcast map ({@value #MAP}), connection id → {clinicId,
 * personId, nodeId} as JSON with indexes on person and node. Each entry lives {@code ttl} unless its
 * node refreshes it (a third of that apart), so a node that vanishes without a membership event
 * still drops out. Writes of one socket are chained (its close waits for its open), so a socket that
 * closes at once leaves no entry behind. Map calls block on the network: a worker pool of their own.
 */
public final class HazelcastLiveConnections implements LiveConnections {

    public static final String MAP = "hearth-connections";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastLiveConnections.class);

    private final IMap<String, HazelcastJsonValue> connections;
    private final Blocking blocking;
    private final String nodeId;
    private final long ttlSeconds;
    /** This node's sockets: their entry, and the write that stored it (a close waits for it). */
    private final Map<String, Mine> mine = new ConcurrentHashMap<>();
    /** Set once a refresh finds the node's pools closed (shutting down). */
    private volatile boolean closing;

    private record Mine(HazelcastJsonValue entry, Future<Void> written) {
    }

    public HazelcastLiveConnections(HazelcastInstance hazelcast, Blocking blocking, String nodeId, Duration ttl) {
        this.connections = hazelcast.getMap(MAP);
        this.blocking = blocking;
        this.nodeId = nodeId;
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        connections.addIndex(IndexType.HASH, "personId");
        connections.addIndex(IndexType.HASH, "nodeId");
    }

    @Override
    public void opened(String connectionId, String clinicId, String personId) {
        HazelcastJsonValue entry = new HazelcastJsonValue(new JsonObject().put("clinicId", clinicId).put("personId", personId)
                .put("nodeId", nodeId).encode());
        Future<Void> written = blocking.run(() -> {
            connections.set(connectionId, entry, ttlSeconds, TimeUnit.SECONDS);
            return null;
        });
        written.onFailure(e -> LOG.warn("Could not record a live connection: {}", e.getClass().getSimpleName()));
        mine.put(connectionId, new Mine(entry, written));
    }

    @Override
    public void closed(String connectionId) {
        Mine was = mine.remove(connectionId);
        Future<Void> after = was == null ? Future.succeededFuture() : was.written();
        after.eventually(() -> blocking.run(() -> {
            connections.delete(connectionId);
            return null;
        })).onFailure(e -> LOG.warn("Could not remove a live connection: {}", e.getClass().getSimpleName()));
    }

    @Override
    public Future<Boolean> anywhere(String clinicId, String personId) {
        return blocking.run(() -> connections.values(Predicates.equal("personId", personId)).stream()
                .anyMatch(v -> clinicId.equals(new JsonObject(v.getValue()).getString("clinicId"))));
    }

    @Override
    public void refresh() {
        if (mine.isEmpty() || closing) {
            return;
        }
        try {
            refreshNow();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closing = true; // the node is shutting down: its pools are closed
        }
    }

    private void refreshNow() {
        blocking.run(() -> {
            for (Map.Entry<String, Mine> e : mine.entrySet()) {
                if (!connections.setTtl(e.getKey(), ttlSeconds, TimeUnit.SECONDS) && mine.containsKey(e.getKey())) {
                    // lost (a split's merge kept the other half's map, or the entry ran out): put back
                    connections.set(e.getKey(), e.getValue().entry(), ttlSeconds, TimeUnit.SECONDS);
                }
            }
            return null;
        }).onFailure(e -> LOG.warn("Could not refresh live connections: {}", e.getClass().getSimpleName()));
    }

    @Override
    public void nodeLeft(String departed) {
        if (departed == null || departed.equals(nodeId)) {
            return;
        }
        blocking.run(() -> {
            connections.removeAll(Predicates.equal("nodeId", departed));
            return null;
        }).onFailure(e -> LOG.warn("Could not drop a departed node's connections: {}", e.getClass().getSimpleName()));
    }
}
