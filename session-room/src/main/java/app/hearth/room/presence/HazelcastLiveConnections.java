package app.hearth.room.presence;

import app.hearth.platform.store.Blocking;
import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.config.IndexType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's live sockets in one Hazelcast map ({@value #MAP}), connection id → {clinicId,
 * personId, nodeId} as JSON with indexes on person and node. Entries have no time to live: renewing
 * one per socket cost 2,000 cluster operations a second at 20,000 sockets (issue 16). Instead a
 * node's entries go when it leaves ({@link #nodeLeft}), and {@link #refresh} keeps the map honest at
 * a cost that does not grow with the sockets: one indexed count of the node's own entries, compared
 * with what it holds, and only on a difference (a split's merge kept the other half's map, a write
 * lost) the node's keys are read and put right; every sixth refresh also drops entries of nodes that
 * are not members (one that vanished while this side was split off). Writes of one socket are
 * chained (its close waits for its open), so a socket that closes at once leaves no entry behind.
 * Map calls block on the network: a worker pool of their own (docs/adr/0031).
 */
public final class HazelcastLiveConnections implements LiveConnections {

    public static final String MAP = "hearth-connections";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastLiveConnections.class);
    private static final int SWEEP_EVERY = 6;

    private final IMap<String, HazelcastJsonValue> connections;
    private final Blocking blocking;
    private final String nodeId;
    private final Supplier<Set<String>> memberNodeIds;
    /** This node's sockets: their entry, and the write that stored it (a close waits for it). */
    private final Map<String, Mine> mine = new ConcurrentHashMap<>();
    /** One refresh at a time: a slow one is not overtaken by the next. */
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private int refreshes;
    /** How many refreshes found a difference and read the node's keys (tests). */
    final java.util.concurrent.atomic.AtomicLong repairs = new java.util.concurrent.atomic.AtomicLong();
    /** Set once a refresh finds the node's pools closed (shutting down). */
    private volatile boolean closing;

    private record Mine(HazelcastJsonValue entry, Future<Void> written) {
    }

    /**
     * @param memberNodeIds the node ids of the cluster's current members (this one's included)
     */
    public HazelcastLiveConnections(HazelcastInstance hazelcast, Blocking blocking, String nodeId,
                                    Supplier<Set<String>> memberNodeIds) {
        this.connections = hazelcast.getMap(MAP);
        this.blocking = blocking;
        this.nodeId = nodeId;
        this.memberNodeIds = memberNodeIds;
        connections.addIndex(IndexType.HASH, "personId");
        connections.addIndex(IndexType.HASH, "nodeId");
    }

    @Override
    public void opened(String connectionId, String clinicId, String personId) {
        HazelcastJsonValue entry = new HazelcastJsonValue(new JsonObject().put("clinicId", clinicId).put("personId", personId)
                .put("nodeId", nodeId).encode());
        Future<Void> written = blocking.run(() -> {
            connections.set(connectionId, entry);
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
    public Future<Void> refresh() {
        if (closing || !refreshing.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        boolean sweep = ++refreshes % SWEEP_EVERY == 0;
        try {
            return blocking.<Void>run(() -> {
                reconcileOwn();
                if (sweep) {
                    dropNonMembers();
                }
                return null;
            }).onComplete(done -> {
                refreshing.set(false);
                if (done.failed()) {
                    LOG.warn("Could not refresh live connections: {}", done.cause().getClass().getSimpleName());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closing = true; // the node is shutting down: its pools are closed
            refreshing.set(false);
            return Future.succeededFuture();
        }
    }

    /** Counts this node's entries; only if the count is off, reads its keys and puts right what differs. */
    private void reconcileOwn() {
        long stored = connections.aggregate(Aggregators.count(), Predicates.equal("nodeId", nodeId));
        if (stored == mine.size()) {
            return;
        }
        repairs.incrementAndGet();
        LOG.debug("Live connections: {} stored for this node, {} held", stored, mine.size());
        // a plain set: the query's own result set looks keys up one by one
        Set<String> present = new HashSet<>(connections.keySet(Predicates.equal("nodeId", nodeId)));
        Map<String, HazelcastJsonValue> missing = new HashMap<>();
        mine.forEach((id, m) -> {
            if (!present.contains(id) && m.written().isComplete()) { // one still being written will be
                missing.put(id, m.entry());
            }
        });
        if (!missing.isEmpty()) {
            connections.putAll(missing);
            missing.keySet().stream().filter(id -> !mine.containsKey(id)).forEach(connections::delete); // closed meanwhile
        }
        for (String id : present) {
            if (!mine.containsKey(id)) {
                connections.delete(id); // a socket closed whose delete was lost
            }
        }
        if (!missing.isEmpty()) {
            LOG.info("Live connections put right: {} of this node's entries were missing", missing.size());
        }
    }

    /** Drops entries of nodes that are not members: ones this side never saw leave. */
    private void dropNonMembers() {
        Set<String> nodes = new HashSet<>(connections.aggregate(Aggregators.distinct("nodeId")));
        nodes.removeAll(memberNodeIds.get()); // read after the data: a node that wrote is a member by then
        nodes.remove(nodeId);
        for (String gone : nodes) {
            LOG.info("Dropping live connections of node {}, which is not a member", gone);
            connections.removeAll(Predicates.equal("nodeId", gone));
        }
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
