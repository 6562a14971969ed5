package app.hearth.room.exercise;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Where each room's exercise state lives: one versioned JSON document per room, shared by every node
 * (a Hazelcast map) or in this node's memory. Changes are compare-and-set, so two commands from two
 * hosts on two nodes cannot both apply to the same version.
 */
public interface ExerciseStates {

    Future<Optional<JsonObject>> get(String roomId);

    /** Stores {@code next} if the stored state is still {@code expected} (null: nothing stored yet). */
    Future<Boolean> replace(String roomId, JsonObject expected, JsonObject next);
}
