package app.hearth.room.exercise;

import app.hearth.platform.store.Blocking;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Exercise states in the cluster's Hazelcast map {@value #MAP}: the same on every node, surviving any
 * one node (and the host's reconnection). A day's time-to-live clears rooms long closed.
 */
public final class HazelcastExerciseStates implements ExerciseStates {

    public static final String MAP = "hearth-exercise";
    private static final long TTL_HOURS = 24;

    private final IMap<String, HazelcastJsonValue> states;
    private final Blocking blocking;

    public HazelcastExerciseStates(HazelcastInstance hazelcast, Blocking blocking) {
        this.states = hazelcast.getMap(MAP);
        this.blocking = blocking;
    }

    @Override
    public Future<Optional<JsonObject>> get(String roomId) {
        return blocking.run(() -> Optional.ofNullable(states.get(roomId)).map(v -> new JsonObject(v.getValue())));
    }

    @Override
    public Future<Boolean> replace(String roomId, JsonObject expected, JsonObject next) {
        HazelcastJsonValue value = new HazelcastJsonValue(next.encode());
        return blocking.run(() -> {
            boolean done = expected == null ? states.putIfAbsent(roomId, value, TTL_HOURS, TimeUnit.HOURS) == null
                    : states.replace(roomId, new HazelcastJsonValue(expected.encode()), value);
            if (done && expected != null) {
                states.setTtl(roomId, TTL_HOURS, TimeUnit.HOURS);
            }
            return done;
        });
    }
}
