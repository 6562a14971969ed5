package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the waiting room says "Dr. X knows you are here" only once it is true. The patient is
 * told (room.waiting.seen) when a live connection of the appointment's therapist has been shown them
 * waiting: their waiting-room board, or the room itself. The clinic board of an admin, or a board
 * opened before the patient was ready, does not count; room.joined names the therapists.
 */
@DisplayName("Waiting room: the patient learns when their therapist has actually been shown them waiting")
class WaitingSeenTest {

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

    static JsonObject msg(String type) {
        return new JsonObject().put("type", type);
    }

    static boolean seen(JsonObject m) {
        return "room.waiting.seen".equals(m.getString("type"));
    }

    @Test
    @DisplayName("nobody watching: not told; an admin's clinic board: not told; the therapist's board: told once, naming them")
    void toldOnlyWhenTheTherapistSees() {
        OpenRoom room = OpenRoom.book(api, admin);
        try (RoomClient patient = RoomClient.connect(node.baseUrl(), room.patientToken);
             RoomClient board = RoomClient.connect(node.baseUrl(), admin)) {
            // given the patient in the room, the therapist named in room.joined
            JsonObject joined = room.join(patient, room.patientToken);
            JsonObject host = joined.getJsonObject("room").getJsonArray("hosts").getJsonObject(0);
            assertEquals(room.therapistId, host.getString("personId"));
            assertTrue(host.getString("displayName").startsWith("Dr. Room "), host.encode());

            // when an admin follows the clinic board and the patient confirms the gate (waiting, ready)
            board.expect("lobby.snapshot", msg("lobby.watch").put("scope", "clinic"));
            patient.expect("ok", room.gate());
            board.await(m -> "lobby.snapshot".equals(m.getString("type")) && RoomClient.participants(m).stream()
                    .anyMatch(e -> "waiting".equals(e.getJsonObject("patient").getString("presence"))), "the patient waiting on the board");
            // then (a round trip later) the patient has not been told anyone knows
            patient.expect("pong", msg("ping").put("clientTime", System.currentTimeMillis()));
            assertEquals(0, patient.count(WaitingSeenTest::seen), "an admin's board is not the therapist");

            // when the therapist opens their own board
            try (RoomClient therapist = RoomClient.connect(node.baseUrl(), room.therapistToken)) {
                therapist.expect("lobby.snapshot", msg("lobby.watch").put("scope", "mine"));
                // then the patient is told, naming the therapist
                JsonObject told = patient.await(WaitingSeenTest::seen, "room.waiting.seen");
                assertEquals(room.roomId, told.getString("roomId"));
                assertEquals(room.therapistId, told.getString("by"));

                // and later snapshots of the same board do not tell them again
                patient.expect("ok", msg("device.check").put("roomId", room.roomId).put("camera", true).put("microphone", true));
                therapist.await(m -> "lobby.snapshot".equals(m.getString("type")) && RoomClient.participants(m).stream()
                        .anyMatch(e -> e.getJsonObject("patient").getJsonObject("ready").getBoolean("devices")), "the devices checked");
                patient.expect("pong", msg("ping").put("clientTime", System.currentTimeMillis()));
                assertEquals(1, patient.count(WaitingSeenTest::seen), "told once per connection");
            }
        }
    }

    @Test
    @DisplayName("a patient who was waiting first is told as soon as the therapist enters the room (its waiting list)")
    void toldWhenTheTherapistIsInTheRoom() {
        OpenRoom room = OpenRoom.book(api, admin);
        try (RoomClient patient = RoomClient.connect(node.baseUrl(), room.patientToken);
             RoomClient therapist = RoomClient.connect(node.baseUrl(), room.therapistToken)) {
            room.join(patient, room.patientToken);
            patient.expect("ok", room.gate());
            patient.expect("pong", msg("ping").put("clientTime", System.currentTimeMillis()));
            assertEquals(0, patient.count(WaitingSeenTest::seen), "no therapist connected yet");
            room.join(therapist, room.therapistToken);
            JsonObject told = patient.awaitWithin(Duration.ofSeconds(10), WaitingSeenTest::seen, "room.waiting.seen");
            assertEquals(room.therapistId, told.getString("by"));
        }
    }
}
