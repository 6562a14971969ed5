package app.hearth.gateway.rooms;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "End for everyone" (issue 12): the appointment records when its session ended, every viewer sees
 * it, nobody gets a new way in, and each person in the room is told which appointment ended (their
 * page goes on to what follows: the patient's end page, the therapist's note).
 */
@DisplayName("Ending a session: the appointment records it, everyone is told, nobody gets back in")
class SessionEndTest {

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

    static JsonObject appointment(String id, String token) {
        ApiClient.Reply reply = api.get("/api/appointments/" + id, token);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    @DisplayName("the host ends it: both are told with the appointment id and no repeated text; the appointment carries sessionEndedAt; no new join ticket")
    void endRecordsOnTheAppointment() {
        OpenRoom room = OpenRoom.book(api, admin);
        // before: the field is there, null, for everyone
        JsonObject before = appointment(room.appointmentId, room.patientToken);
        assertTrue(before.containsKey("sessionEndedAt"), before.encode());
        assertNull(before.getValue("sessionEndedAt"));

        RoomClient[] session = room.inSession(node.baseUrl());
        try (RoomClient therapist = session[0]; RoomClient patient = session[1]) {
            Instant asked = Instant.now();
            therapist.expect("ok", msg("host.end").put("roomId", room.roomId));
            for (RoomClient client : session) {
                JsonObject left = client.awaitType("room.left");
                assertEquals("ended", left.getString("reason"));
                assertEquals(room.roomId, left.getString("roomId"));
                assertEquals(room.appointmentId, left.getString("appointmentId"), left.encode());
                assertFalse(left.containsKey("message"), "the page says it in its own words: " + left.encode());
            }

            for (String token : new String[] {room.therapistToken, room.patientToken, admin}) {
                String ended = appointment(room.appointmentId, token).getString("sessionEndedAt");
                assertNotNull(ended);
                Instant at = Instant.parse(ended);
                assertFalse(at.isBefore(asked.minusSeconds(5)), ended);
                assertFalse(at.isAfter(Instant.now().plusSeconds(5)), ended);
            }
            // the list carries it too
            ApiClient.Reply listed = api.get("/api/appointments?from=" + Instant.now().minusSeconds(86_400) + "&to="
                    + Instant.now().plusSeconds(86_400), room.patientToken);
            assertEquals(200, listed.status(), listed.body());
            JsonObject mine = listed.json().getJsonArray("items").stream().map(JsonObject.class::cast)
                    .filter(a -> room.appointmentId.equals(a.getString("id"))).findFirst().orElseThrow();
            assertNotNull(mine.getString("sessionEndedAt"), mine.encode());

            // and the patient's course of care
            ApiClient.Reply course = api.get("/api/care/patients/" + room.patientId + "/course", room.patientToken);
            assertEquals(200, course.status(), course.body());
            JsonObject item = course.json().getJsonArray("timeline").stream().map(JsonObject.class::cast)
                    .filter(a -> room.appointmentId.equals(a.getString("appointmentId"))).findFirst().orElseThrow();
            assertNotNull(item.getString("sessionEndedAt"), item.encode());

            // nobody gets a new ticket in: not the patient, not the therapist
            assertProblem(api.post("/api/appointments/" + room.appointmentId + "/join-ticket", room.patientToken, null, ""),
                    409, "session-ended");
            assertProblem(api.post("/api/appointments/" + room.appointmentId + "/join-ticket", room.therapistToken, null, ""),
                    409, "session-ended");
            // the history says who ended it (identifiers only), for staff
            assertTrue(appointment(room.appointmentId, admin).getJsonArray("history").stream().map(JsonObject.class::cast)
                    .anyMatch(h -> "session.ended".equals(h.getString("action")) && room.therapistId.equals(h.getString("actorId"))));
        }
    }

    @Test
    @DisplayName("a patient cannot end the session, a second end changes nothing, and leaving is not ending")
    void onlyTheHostEndsAndOnlyOnce() {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] session = room.inSession(node.baseUrl());
        try (RoomClient therapist = session[0]; RoomClient patient = session[1]) {
            patient.expectError("forbidden", msg("host.end").put("roomId", room.roomId));
            assertNull(appointment(room.appointmentId, admin).getValue("sessionEndedAt"));

            // the patient leaves: the session is not ended, they may come back
            patient.expect("ok", msg("room.leave").put("roomId", room.roomId));
            assertNull(appointment(room.appointmentId, admin).getValue("sessionEndedAt"));
            assertEquals(201, api.post("/api/appointments/" + room.appointmentId + "/join-ticket", room.patientToken, null, "")
                    .status());

            therapist.expect("ok", msg("host.end").put("roomId", room.roomId));
            String first = appointment(room.appointmentId, admin).getString("sessionEndedAt");
            assertNotNull(first);
            // again (a double click): nobody is in the room any more, and the first time stands
            JsonObject again = therapist.request(msg("host.end").put("roomId", room.roomId));
            assertEquals("error", again.getString("type"), again.encode());
            assertEquals(first, appointment(room.appointmentId, admin).getString("sessionEndedAt"));
        }
    }

    @Test
    @DisplayName("a circle: the co-facilitator ends it; the admitted and the still-waiting patient are each told which appointment ended, and see it ended")
    void circleEndedForEveryone() {
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 2);
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member co = circle.facilitators().get(1);
        OpenRoom.Member admitted = circle.patients().get(0);
        OpenRoom.Member waiting = circle.patients().get(1);
        try (RoomClient leadSocket = RoomClient.connect(node.baseUrl(), lead.token());
             RoomClient coSocket = RoomClient.connect(node.baseUrl(), co.token());
             RoomClient admittedSocket = RoomClient.connect(node.baseUrl(), admitted.token());
             RoomClient waitingSocket = RoomClient.connect(node.baseUrl(), waiting.token())) {
            List<RoomClient> sockets = List.of(leadSocket, coSocket, admittedSocket, waitingSocket);
            List<OpenRoom.Member> members = List.of(lead, co, admitted, waiting);
            for (int i = 0; i < members.size(); i++) {
                sockets.get(i).expect("room.joined", msg("room.join")
                        .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), members.get(i).token())));
            }
            admittedSocket.expect("ok", OpenRoom.gate(circle.roomId()));
            waitingSocket.expect("ok", OpenRoom.gate(circle.roomId()));
            leadSocket.expect("ok", msg("host.admit").put("roomId", circle.roomId()).put("personId", admitted.id()));
            admittedSocket.awaitType("room.admitted");

            coSocket.expect("ok", msg("host.end").put("roomId", circle.roomId()));
            for (RoomClient socket : sockets) {
                JsonObject left = socket.awaitType("room.left");
                assertEquals("ended", left.getString("reason"), left.encode());
                assertEquals(circle.appointmentId(), left.getString("appointmentId"), left.encode());
            }
            // a patient's view of a circle is redacted (their own seat only) but says it ended
            for (OpenRoom.Member patient : List.of(admitted, waiting)) {
                JsonObject seen = appointment(circle.appointmentId(), patient.token());
                assertNotNull(seen.getString("sessionEndedAt"), seen.encode());
                assertEquals(1, seen.getJsonArray("attendees").size(), seen.encode());
                assertProblem(api.post("/api/appointments/" + circle.appointmentId() + "/join-ticket", patient.token(), null, ""),
                        409, "session-ended");
            }
        }
    }
}
