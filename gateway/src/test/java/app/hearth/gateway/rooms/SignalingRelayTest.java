package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.signaling.turn.TurnCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * WebRTC signaling over the room socket: ICE servers with TURN credentials, offers, answers and
 * candidates relayed only between admitted members of one room, media state in the roster, and the
 * mesh limit of circles without a media server.
 */
@DisplayName("Signaling: ICE servers, relayed negotiation, media state, mesh limit")
class SignalingRelayTest {

    static final String TURN_SECRET = "test-turn-secret-0123456789";
    static final String SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n";

    static TestNode node;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500", "HEARTH_STUN_URLS", "stun:127.0.0.1:3478",
                "HEARTH_TURN_URLS", "turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp",
                "HEARTH_TURN_SECRET", TURN_SECRET));
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonObject msg(String type, String roomId) {
        return new JsonObject().put("type", type).put("roomId", roomId);
    }

    static RoomClient[] inSession(OpenRoom room) {
        return room.inSession(node.baseUrl());
    }

    @Test
    @DisplayName("rtc.config: p2p with the other person, STUN and TURN with a fresh coturn credential for this person and room")
    void iceServers() {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] s = inSession(room);
        try (RoomClient therapist = s[0]; RoomClient patient = s[1]) {
            JsonObject config = patient.expect("rtc.config", msg("rtc.config", room.roomId));
            assertEquals("p2p", config.getString("mode"));
            assertEquals(new JsonArray().add(room.therapistId), config.getJsonArray("peers"));
            JsonArray servers = config.getJsonArray("iceServers");
            assertEquals("stun:127.0.0.1:3478", servers.getJsonObject(0).getJsonArray("urls").getString(0));
            JsonObject turn = servers.getJsonObject(1);
            String username = turn.getString("username");
            assertTrue(username.endsWith(":" + room.patientId + "@" + room.roomId), username);
            long expires = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertTrue(expires > Instant.now().getEpochSecond() && expires <= Instant.now().plusSeconds(3700).getEpochSecond());
            assertEquals(new TurnCredentials(TURN_SECRET, Duration.ofHours(1), Clock.systemUTC()).sign(username),
                    turn.getString("credential"), "coturn will accept it");
        }
    }

    @Test
    @DisplayName("offers, answers and candidates reach the other member only, stamped with the real sender")
    void relay() {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] s = inSession(room);
        try (RoomClient therapist = s[0]; RoomClient patient = s[1]) {
            patient.expect("ok", msg("rtc.signal", room.roomId).put("to", room.therapistId)
                    .put("description", new JsonObject().put("type", "offer").put("sdp", SDP)));
            JsonObject offer = therapist.awaitType("rtc.signal");
            assertEquals(room.patientId, offer.getString("from"));
            assertEquals(SDP, offer.getJsonObject("description").getString("sdp"));

            therapist.expect("ok", msg("rtc.signal", room.roomId).put("to", room.patientId)
                    .put("candidate", new JsonObject().put("candidate", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host")
                            .put("sdpMid", "0").put("sdpMLineIndex", 0)));
            JsonObject candidate = patient.awaitType("rtc.signal");
            assertEquals(room.therapistId, candidate.getString("from"));
            assertEquals(0, candidate.getJsonObject("candidate").getInteger("sdpMLineIndex"));

            // candidates gathered within a moment travel as one message, in their order
            JsonArray batch = new JsonArray();
            for (int i = 0; i < 6; i++) {
                batch.add(new JsonObject().put("candidate", "candidate:" + (10 + i) + " 1 udp 2122260223 127.0.0.1 " + (50010 + i) + " typ host")
                        .put("sdpMid", "0").put("sdpMLineIndex", 0));
            }
            therapist.expect("ok", msg("rtc.signal", room.roomId).put("to", room.patientId).put("candidates", batch));
            JsonObject batched = patient.await(m -> "rtc.signal".equals(m.getString("type")) && m.containsKey("candidates"), "the batch");
            assertEquals(room.therapistId, batched.getString("from"));
            assertEquals(batch, batched.getJsonArray("candidates"));
            // one bad candidate refuses the whole batch; an empty batch, or one too long, is not a batch
            therapist.expectError("invalid-message", msg("rtc.signal", room.roomId).put("to", room.patientId)
                    .put("candidates", batch.copy().add(new JsonObject().put("candidate", "rm -rf /"))));
            therapist.expectError("invalid-message", msg("rtc.signal", room.roomId).put("to", room.patientId).put("candidates", new JsonArray()));
            JsonArray tooMany = new JsonArray();
            for (int i = 0; i < 21; i++) {
                tooMany.add(batch.getJsonObject(0));
            }
            therapist.expectError("invalid-message", msg("rtc.signal", room.roomId).put("to", room.patientId).put("candidates", tooMany));
        }
    }

    @Test
    @DisplayName("signals to outsiders or oneself, forged senders, garbage SDP and candidates, and a flood are refused; the call goes on")
    void abuse() {
        OpenRoom room = OpenRoom.book(api, admin);
        OpenRoom other = OpenRoom.book(api, admin);
        RoomClient[] s = inSession(room);
        RoomClient[] o = inSession(other);
        try (RoomClient therapist = s[0]; RoomClient patient = s[1]; RoomClient otherTherapist = o[0]; RoomClient otherPatient = o[1]) {
            JsonObject offer = new JsonObject().put("type", "offer").put("sdp", SDP);
            patient.expectError("peer-not-in-room", msg("rtc.signal", room.roomId).put("to", other.patientId).put("description", offer));
            patient.expectError("peer-not-in-room", msg("rtc.signal", room.roomId).put("to", room.patientId).put("description", offer));
            patient.expectError("not-in-room", msg("rtc.signal", other.roomId).put("to", other.patientId).put("description", offer));
            patient.expectError("invalid-message", msg("rtc.signal", room.roomId).put("to", room.therapistId)
                    .put("from", room.therapistId).put("description", offer));
            patient.expectError("invalid-message", msg("rtc.signal", room.roomId).put("to", room.therapistId)
                    .put("description", new JsonObject().put("type", "offer").put("sdp", "<script>alert(1)</script>")));
            patient.expectError("invalid-message", msg("rtc.signal", room.roomId).put("to", room.therapistId)
                    .put("candidate", new JsonObject().put("candidate", "rm -rf /")));
            patient.expectError("invalid-message", msg("rtc.signal", room.roomId).put("to", room.therapistId));

            // a flood of candidates is cut off at the rate limit (past the burst a call's set-up needs)
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                otherPatient.sendRaw(msg("rtc.signal", other.roomId).put("id", "c" + i).put("to", other.therapistId)
                        .put("candidate", new JsonObject().put("candidate", "candidate:" + i + " 1 udp 1 127.0.0.1 " + (50000 + i) + " typ host"))
                        .encode());
            }
            JsonObject limited = otherPatient.await(m -> "error".equals(m.getString("type")), "a rate-limit error");
            codes.add(limited.getString("code"));
            assertEquals(List.of("rate-limited"), codes);

            // and nothing of it reached anyone else; the first call still negotiates
            patient.expect("ok", msg("rtc.signal", room.roomId).put("to", room.therapistId).put("description", offer));
            JsonObject received = therapist.awaitType("rtc.signal");
            assertEquals(room.patientId, received.getString("from"));
            assertFalse(received.containsKey("candidate"));
        }
    }

    @Test
    @DisplayName("muting and turning the camera off show in everyone's roster")
    void mediaState() {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] s = inSession(room);
        try (RoomClient therapist = s[0]; RoomClient patient = s[1]) {
            patient.expect("ok", msg("media.state", room.roomId).put("media", new JsonObject().put("audio", false).put("video", false)
                    .put("screen", false).put("quality", "good")));
            JsonObject roster = therapist.awaitRoster(p -> p.stream().anyMatch(x -> room.patientId.equals(x.getString("personId"))
                    && x.containsKey("media") && !x.getJsonObject("media").getBoolean("audio")), "the patient muted in the roster");
            assertFalse(RoomClient.person(roster, room.patientId).orElseThrow().getJsonObject("media").getBoolean("video"));
        }
    }

    @Test
    @DisplayName("a circle without a media server: the first four admitted form a mesh; the fifth is told why not")
    void meshLimit() {
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 3);
        List<OpenRoom.Member> order = new ArrayList<>(circle.facilitators());
        order.addAll(circle.patients());
        List<RoomClient> sockets = new ArrayList<>();
        try {
            for (OpenRoom.Member m : order) {
                RoomClient socket = RoomClient.connect(node.baseUrl(), m.token());
                sockets.add(socket);
                socket.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), m.token())));
            }
            for (int i = 2; i < order.size(); i++) {
                sockets.get(i).expect("ok", OpenRoom.gate(circle.roomId()));
                sockets.get(0).expect("ok", msg("host.admit", circle.roomId()).put("personId", order.get(i).id()));
                sockets.get(i).awaitType("room.admitted");
            }
            JsonObject first = sockets.get(0).expect("rtc.config", msg("rtc.config", circle.roomId()));
            assertEquals("mesh", first.getString("mode"));
            assertEquals(3, first.getJsonArray("peers").size(), first.encode());
            JsonObject fifth = sockets.get(4).expect("rtc.config", msg("rtc.config", circle.roomId()));
            assertEquals("none", fifth.getString("mode"));
            assertTrue(fifth.getString("reason").contains("first 4"), fifth.encode());
        } finally {
            sockets.forEach(RoomClient::close);
        }
    }
}
