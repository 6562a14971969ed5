package app.hearth.room.exercise;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Exercise states of a node that is not clustered. */
public final class InMemoryExerciseStates implements ExerciseStates {

    private final Map<String, String> states = new ConcurrentHashMap<>();

    @Override
    public Future<Optional<JsonObject>> get(String roomId) {
        return Future.succeededFuture(Optional.ofNullable(states.get(roomId)).map(JsonObject::new));
    }

    @Override
    public Future<Boolean> replace(String roomId, JsonObject expected, JsonObject next) {
        boolean done = expected == null ? states.putIfAbsent(roomId, next.encode()) == null
                : states.replace(roomId, expected.encode(), next.encode());
        return Future.succeededFuture(done);
    }
}
