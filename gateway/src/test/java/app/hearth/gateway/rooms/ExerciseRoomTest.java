package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The room's guided exercise: only hosts drive it, every command names the version it is based on,
 * and everyone admitted (also whoever comes late or back) gets the same authoritative state.
 */
@DisplayName("Guided exercises in a room: host commands, versions, late joiners")
class ExerciseRoomTest {

    static TestNode node;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonObject command(OpenRoom room, int version, String action) {
        return new JsonObject().put("type", "exercise.command").put("roomId", room.roomId).put("version", version).put("action", action);
    }

    static JsonObject stateOf(RoomClient client, int version) {
        return client.await(m -> "exercise.state".equals(m.getString("type")) && m.getJsonObject("state").getInteger("version") == version,
                "exercise state version " + version).getJsonObject("state");
    }

    @Test
    @DisplayName("the therapist starts, pauses, steps and seeks; the patient follows; stale, foreign and unknown commands are refused")
    void hostDrivesEveryoneFollows() {
        OpenRoom room = OpenRoom.book(api, admin);
        ApiClient.Reply script = api.postJson("/api/exercises", room.therapistToken, new JsonObject().put("kind", "mindfulness")
                .put("title", "Three breaths").put("steps", new JsonArray()
                        .add(new JsonObject().put("text", "Notice the breath.").put("durationSeconds", 20))
                        .add(new JsonObject().put("text", "Breathe in for four, out for six.").put("durationSeconds", 40)
                                .put("pacer", new JsonObject().put("inhaleSeconds", 4).put("exhaleSeconds", 6)))
                        .add(new JsonObject().put("text", "Come back to the room.").put("durationSeconds", 10))));
        assertEquals(201, script.status(), script.body());
        String itemId = script.json().getString("id");

        RoomClient therapist = RoomClient.connect(node.baseUrl(), room.therapistToken);
        RoomClient patient = RoomClient.connect(node.baseUrl(), room.patientToken);
        try {
            room.join(patient, room.patientToken);
            patient.expect("ok", room.gate());
            therapist.expect("ok", new JsonObject().put("type", "host.admit").put("roomId", room.roomId).put("personId", room.patientId));
            room.join(therapist, room.therapistToken);

            // the patient cannot drive; an unknown item is named as such
            patient.expectError("forbidden", command(room, 0, "start").put("itemId", itemId));
            therapist.expectError("not-found", command(room, 0, "start").put("itemId", "no-such-item"));
            therapist.expectError("not-found", command(room, 0, "pause"));

            // start: both get version 1, playing from the first step, with the script's text
            therapist.expect("ok", command(room, 0, "start").put("itemId", itemId));
            JsonObject started = stateOf(patient, 1);
            assertTrue(started.getBoolean("playing"));
            assertEquals(0, started.getInteger("step"));
            assertEquals("Notice the breath.", started.getJsonArray("segments").getJsonObject(0).getString("text"));
            assertEquals(40_000, started.getJsonArray("segments").getJsonObject(1).getInteger("durationMs"));
            stateOf(therapist, 1);

            // a command based on an old version is refused, and the host is shown what runs
            therapist.expectError("stale-version", command(room, 0, "pause"));
            assertEquals(1, therapist.awaitType("exercise.state").getJsonObject("state").getInteger("version"));

            therapist.expect("ok", command(room, 1, "pause"));
            JsonObject paused = stateOf(patient, 2);
            assertFalse(paused.getBoolean("playing"));
            therapist.expect("ok", command(room, 2, "next"));
            assertEquals(1, stateOf(patient, 3).getInteger("step"));
            therapist.expect("ok", command(room, 3, "seek").put("positionMs", 15_000));
            JsonObject sought = stateOf(patient, 4);
            assertEquals(1, sought.getInteger("step"));
            assertEquals(15_000, sought.getInteger("positionMs"));
            therapist.expectError("invalid-message", command(room, 4, "seek").put("step", 9).put("positionMs", 0));
            therapist.expect("ok", command(room, 4, "play"));
            assertTrue(stateOf(patient, 5).getBoolean("playing"));

            // a patient who comes back lands on the current state at once; so does the host after reconnecting
            patient.abort();
            RoomClient back = RoomClient.connect(node.baseUrl(), room.patientToken);
            room.join(back, room.patientToken);
            JsonObject landed = back.awaitType("exercise.state").getJsonObject("state");
            assertEquals(5, landed.getInteger("version"));
            assertEquals(1, landed.getInteger("step"));
            therapist.close();
            RoomClient hostAgain = RoomClient.connect(node.baseUrl(), room.therapistToken);
            room.join(hostAgain, room.therapistToken);
            assertEquals(5, hostAgain.awaitType("exercise.state").getJsonObject("state").getInteger("version"));
            hostAgain.expect("ok", command(room, 5, "stop"));
            JsonObject stopped = stateOf(back, 6);
            assertEquals(null, stopped.getString("itemId"));
            back.close();
            hostAgain.close();
        } finally {
            therapist.close();
            patient.abort();
        }
    }
}
