package app.hearth.room.presence;

import app.hearth.platform.store.Blocking;
import com.hazelcast.config.IndexType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Seats in one Hazelcast map shared by the cluster (the Vert.x cluster's own Hazelcast instance), as
 * JSON values so that members query them by room, clinic and node with indexes. Map operations block
 * on the network, so they run on a worker pool of their own, never on an event loop.
 *
 * <p>Expiry is listened for locally on every member: each seat lives in exactly one partition, so
 * exactly one member reports it.
 */
public final class HazelcastPresenceStore implements PresenceStore {

    public static final String MAP = "hearth-presence";

    private final IMap<String, HazelcastJsonValue> seats;
    private final Blocking blocking;
    private final long ttlSeconds;

    public HazelcastPresenceStore(HazelcastInstance hazelcast, Blocking blocking, Duration ttl) {
        this.seats = hazelcast.getMap(MAP);
        this.blocking = blocking;
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        seats.addIndex(IndexType.HASH, "roomId");
        seats.addIndex(IndexType.HASH, "clinicId");
        seats.addIndex(IndexType.HASH, "nodeId");
    }

    @Override
    public Future<Optional<Seat>> get(String roomId, String personId) {
        return blocking.run(() -> Optional.ofNullable(seats.get(Seat.key(roomId, personId))).map(HazelcastPresenceStore::seat));
    }

    @Override
    public Future<Boolean> putIfAbsent(Seat seat) {
        return blocking.run(() -> seats.putIfAbsent(seat.key(), json(seat), ttlSeconds, TimeUnit.SECONDS) == null);
    }

    @Override
    public Future<Boolean> replace(Seat expected, Seat next) {
        if (!expected.key().equals(next.key())) {
            return Future.failedFuture(new IllegalArgumentException("a seat cannot change room or person"));
        }
        return blocking.run(() -> {
            boolean replaced = seats.replace(expected.key(), json(expected), json(next));
            if (replaced) {
                // replace() keeps no time-to-live of its own: give the new value the seat's lifetime.
                seats.setTtl(next.key(), ttlSeconds, TimeUnit.SECONDS);
            }
            return replaced;
        });
    }

    @Override
    public Future<Boolean> remove(Seat expected) {
        return blocking.run(() -> seats.remove(expected.key(), json(expected)));
    }

    @Override
    public Future<Void> touch(List<String> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture();
        }
        return blocking.run(() -> {
            for (String key : keys) {
                seats.setTtl(key, ttlSeconds, TimeUnit.SECONDS);
            }
            return null;
        });
    }

    @Override
    public Future<List<Seat>> inRoom(String roomId) {
        return query(Predicates.equal("roomId", roomId));
    }

    @Override
    public Future<List<Seat>> inClinic(String clinicId) {
        return query(Predicates.equal("clinicId", clinicId));
    }

    @Override
    public Future<List<Seat>> onNode(String nodeId) {
        return query(Predicates.equal("nodeId", nodeId));
    }

    @Override
    public void onExpired(Consumer<Seat> listener) {
        seats.addLocalEntryListener((EntryExpiredListener<String, HazelcastJsonValue>) event -> {
            if (event.getOldValue() != null) {
                listener.accept(seat(event.getOldValue()));
            }
        }, Predicates.alwaysTrue(), true);
    }

    private Future<List<Seat>> query(Predicate<String, HazelcastJsonValue> predicate) {
        return blocking.run(() -> {
            Collection<HazelcastJsonValue> values = seats.values(predicate);
            return values.stream().map(HazelcastPresenceStore::seat).toList();
        });
    }

    /** The same seat always encodes to the same text, which is what compare-and-set compares. */
    private static HazelcastJsonValue json(Seat seat) {
        return new HazelcastJsonValue(seat.toJson().encode());
    }

    private static Seat seat(HazelcastJsonValue value) {
        return Seat.fromJson(new JsonObject(value.getValue()));
    }
}
