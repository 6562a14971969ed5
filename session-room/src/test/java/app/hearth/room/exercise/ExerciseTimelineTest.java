package app.hearth.room.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Where an exercise is at a given server time")
class ExerciseTimelineTest {

    static JsonObject state(boolean playing, int step, long positionMs, long anchor) {
        return new JsonObject().put("playing", playing).put("step", step).put("positionMs", positionMs)
                .put("anchorServerTime", anchor).put("segments", new JsonArray()
                        .add(new JsonObject().put("durationMs", 30_000L))
                        .add(new JsonObject().put("durationMs", 60_000L))
                        .add(new JsonObject().put("durationMs", 10_000L)));
    }

    @Test
    @DisplayName("playing: time since the anchor walks on through the following steps; past the end it is finished")
    void playing() {
        assertEquals(new ExerciseTimeline.Point(0, 12_000, false), ExerciseTimeline.at(state(true, 0, 2_000, 1_000), 11_000));
        assertEquals(new ExerciseTimeline.Point(1, 5_000, false), ExerciseTimeline.at(state(true, 0, 25_000, 0), 10_000));
        assertEquals(new ExerciseTimeline.Point(2, 0, false), ExerciseTimeline.at(state(true, 1, 0, 0), 60_000));
        assertEquals(new ExerciseTimeline.Point(2, 10_000, true), ExerciseTimeline.at(state(true, 0, 0, 0), 500_000));
    }

    @Test
    @DisplayName("paused: the position stays where it was, however late one looks; a clock behind the anchor adds nothing")
    void paused() {
        assertEquals(new ExerciseTimeline.Point(1, 7_000, false), ExerciseTimeline.at(state(false, 1, 7_000, 0), 999_999));
        assertEquals(new ExerciseTimeline.Point(1, 7_000, false), ExerciseTimeline.at(state(true, 1, 7_000, 5_000), 4_000));
    }
}
