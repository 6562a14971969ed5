package app.hearth.room.exercise;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Where a room's exercise is at a given server time, computed from its state alone: the segment
 * (step or track) it was anchored in, plus the time played since, walked on through the following
 * segments. Every client does the same arithmetic against its estimate of server time, which is why
 * everyone lands on the same step and the same moment without the server ticking anything.
 */
public final class ExerciseTimeline {

    /** A point in the exercise: segment index and milliseconds into it; finished past the last one. */
    public record Point(int step, long positionMs, boolean finished) {
    }

    private ExerciseTimeline() {
    }

    public static Point at(JsonObject state, long serverTimeMs) {
        JsonArray segments = state.getJsonArray("segments", new JsonArray());
        int step = state.getInteger("step", 0);
        long position = state.getLong("positionMs", 0L);
        if (state.getBoolean("playing", false)) {
            position += Math.max(0, serverTimeMs - state.getLong("anchorServerTime", serverTimeMs));
        }
        while (step < segments.size()) {
            long duration = segments.getJsonObject(step).getLong("durationMs");
            if (position < duration) {
                return new Point(step, position, false);
            }
            if (step == segments.size() - 1) {
                return new Point(step, duration, true);
            }
            position -= duration;
            step++;
        }
        return new Point(Math.max(0, segments.size() - 1), 0, true);
    }
}
