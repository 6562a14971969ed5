package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "A quiet way to ask for help in a circle", on a real two-node cluster: the facilitators are on
 * different nodes, and so are the patients. A patient's request reaches every host of the circle and
 * nobody else; acknowledging it tells the hosts and, quietly, the patient; a host takes the patient
 * into a private breakout whose signalling passes only between the two; non-hosts are refused; and
 * all of it is audited without any text.
 */
@DisplayName("Circle support requests and private breakouts across a two-node cluster")
class CircleSupportTest {

    static TestNode nodeA;
    static TestNode nodeB;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        TestNode[] pair = TestNode.startPair("circle-support", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        api = new ApiClient(nodeA.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    static JsonObject msg(String type, String roomId) {
        return new JsonObject().put("type", type).put("roomId", roomId);
    }

    static Predicate<JsonObject> type(String type) {
        return m -> type.equals(m.getString("type"));
    }

    /** Anything at all that speaks of a support request or a breakout. */
    static boolean aboutSupport(JsonObject m) {
        String type = m.getString("type", "");
        return type.startsWith("circle.") || m.encode().contains("supportRequest") || m.containsKey("breakoutId");
    }

    @Test
    @DisplayName("a request reaches both hosts on both nodes and no other patient; acknowledged once; a breakout connects exactly the two; non-hosts refused; audited")
    void supportAndBreakout() {
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 2);
        String roomId = circle.roomId();
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member co = circle.facilitators().get(1);
        OpenRoom.Member asker = circle.patients().get(0);
        OpenRoom.Member other = circle.patients().get(1);
        // the lead facilitator and the other patient on node A; the co-facilitator and the asking patient on node B
        try (RoomClient f1 = RoomClient.connect(nodeA.baseUrl(), lead.token());
             RoomClient f2 = RoomClient.connect(nodeB.baseUrl(), co.token());
             RoomClient pa = RoomClient.connect(nodeB.baseUrl(), asker.token());
             RoomClient pb = RoomClient.connect(nodeA.baseUrl(), other.token())) {
            f1.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), lead.token())));
            f2.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), co.token())));
            for (RoomClient p : List.of(pa, pb)) {
                OpenRoom.Member m = p == pa ? asker : other;
                // before admission nobody can ask
                p.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), m.token())));
                p.expect("ok", OpenRoom.gate(roomId));
                if (p == pa) {
                    pa.expectError("not-in-room", msg("circle.support.request", roomId));
                }
                f1.expect("ok", msg("host.admit", roomId).put("personId", m.id()));
                p.awaitType("room.admitted");
            }
            for (RoomClient c : List.of(f1, f2, pa, pb)) {
                c.awaitRoster(p -> p.size() == 4 && p.stream().allMatch(x -> "in-room".equals(x.getString("presence"))), "all four in the circle");
            }

            // the asking patient's request: both hosts, on both nodes, are told; the patient gets a plain ok
            pa.expect("ok", msg("circle.support.request", roomId));
            JsonObject onA = f1.awaitType("circle.support.requested");
            JsonObject onB = f2.awaitType("circle.support.requested");
            String requestId = onA.getString("requestId");
            assertEquals(requestId, onB.getString("requestId"));
            assertEquals(asker.id(), onA.getString("patientId"));
            assertTrue(onA.getString("displayName").startsWith("Circle Patient 1"), onA.encode());
            // asked again while open: the same request, the hosts alerted again, no second one
            pa.expect("ok", msg("circle.support.request", roomId));
            assertEquals(requestId, f1.awaitType("circle.support.requested").getString("requestId"));
            assertEquals(requestId, f2.awaitType("circle.support.requested").getString("requestId"));

            // refusals: a facilitator cannot ask; a patient cannot acknowledge, start or end a breakout
            f1.expectError("forbidden", msg("circle.support.request", roomId));
            pb.expectError("forbidden", msg("circle.support.acknowledge", roomId).put("requestId", requestId));
            pa.expectError("forbidden", msg("circle.support.acknowledge", roomId).put("requestId", requestId));
            pb.expectError("forbidden", msg("circle.breakout.start", roomId).put("patientId", asker.id()));
            pb.expectError("forbidden", msg("circle.breakout.end", roomId).put("breakoutId", "bo123"));
            f1.expectError("not-found", msg("circle.support.acknowledge", roomId).put("requestId", "sr-unknown"));
            f1.expectError("invalid-message", msg("circle.support.acknowledge", roomId).put("requestId", "../x"));

            // the co-facilitator (node B) acknowledges: both hosts are told who; the patient only that someone saw it
            f2.expect("ok", msg("circle.support.acknowledge", roomId).put("requestId", requestId));
            JsonObject ackA = f1.awaitType("circle.support.acknowledged");
            assertEquals(co.id(), ackA.getString("acknowledgedBy"));
            assertEquals(asker.id(), ackA.getString("patientId"));
            assertEquals(co.id(), f2.awaitType("circle.support.acknowledged").getString("acknowledgedBy"));
            JsonObject quiet = pa.awaitType("circle.support.acknowledged");
            assertEquals(requestId, quiet.getString("requestId"));
            assertNull(quiet.getString("acknowledgedBy"), "the patient is not told who: " + quiet.encode());
            // a second acknowledgement changes nothing (the first stands)
            f1.expect("ok", msg("circle.support.acknowledge", roomId).put("requestId", requestId));

            // the breakout: the co-facilitator takes the asking patient aside
            f1.expectError("not-found", msg("circle.breakout.start", roomId).put("patientId", co.id()));
            f2.expect("ok", msg("circle.breakout.start", roomId).put("patientId", asker.id()));
            JsonObject started = pa.awaitType("circle.breakout.started");
            String breakoutId = started.getString("breakoutId");
            assertEquals(co.id(), started.getString("peerId"));
            JsonObject hostStarted = f2.awaitType("circle.breakout.started");
            assertEquals(breakoutId, hostStarted.getString("breakoutId"));
            assertEquals(asker.id(), hostStarted.getString("peerId"));
            // everyone's roster says only that the patient is with a facilitator
            for (RoomClient c : List.of(f1, f2, pa, pb)) {
                JsonObject roster = c.awaitRoster(p -> p.stream().anyMatch(x -> asker.id().equals(x.getString("personId"))
                        && x.getBoolean("breakout", false)), "the patient shown in a breakout");
                JsonObject shown = RoomClient.person(roster, asker.id()).orElseThrow();
                if (c == f1 || c == f2) {
                    assertTrue(shown.getJsonObject("supportRequest").getBoolean("acknowledged"), shown.encode());
                } else if (c == pb) {
                    assertFalse(shown.containsKey("supportRequest"), "never to the other patients: " + shown.encode());
                }
            }
            // one breakout per person
            f1.expectError("forbidden", msg("circle.breakout.start", roomId).put("patientId", asker.id()));

            // the circle's media: the two are out of the mesh; signalling passes only between them, only on the breakout's call
            JsonArray peers = pb.expect("rtc.config", msg("rtc.config", roomId)).getJsonArray("peers");
            assertEquals(List.of(lead.id()), peers.getList(), "the other patient's mesh: the lead facilitator only");
            assertTrue(pa.expect("rtc.config", msg("rtc.config", roomId)).getJsonArray("peers").isEmpty());
            JsonObject candidate = new JsonObject().put("candidate", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host")
                    .put("sdpMid", "0").put("sdpMLineIndex", 0);
            pb.expectError("peer-not-in-room", msg("rtc.signal", roomId).put("to", asker.id()).put("candidate", candidate));
            pa.expectError("peer-not-in-room", msg("rtc.signal", roomId).put("to", co.id()).put("candidate", candidate));
            pa.expectError("peer-not-in-room", msg("rtc.signal", roomId).put("to", other.id()).put("breakoutId", breakoutId)
                    .put("candidate", candidate));
            pb.expectError("peer-not-in-room", msg("rtc.signal", roomId).put("to", asker.id()).put("breakoutId", breakoutId)
                    .put("candidate", candidate));
            f2.expect("ok", msg("rtc.signal", roomId).put("to", asker.id()).put("breakoutId", breakoutId).put("candidate", candidate));
            JsonObject relayed = pa.awaitType("rtc.signal");
            assertEquals(breakoutId, relayed.getString("breakoutId"));
            assertEquals(co.id(), relayed.getString("from"));
            pa.expect("ok", msg("rtc.signal", roomId).put("to", co.id()).put("breakoutId", breakoutId).put("candidate", candidate));
            assertEquals(breakoutId, f2.awaitType("rtc.signal").getString("breakoutId"));
            // the rest of the circle still talks: the lead facilitator and the other patient
            f1.expect("ok", msg("rtc.signal", roomId).put("to", other.id()).put("candidate", candidate));
            assertFalse(pb.awaitType("rtc.signal").containsKey("breakoutId"));

            // the lead facilitator (not in it) ends it: exactly the two are told, both back in the circle's mesh
            f1.expectError("not-found", msg("circle.breakout.end", roomId).put("breakoutId", "bo-unknown"));
            f1.expect("ok", msg("circle.breakout.end", roomId).put("breakoutId", breakoutId));
            assertEquals(breakoutId, pa.awaitType("circle.breakout.ended").getString("breakoutId"));
            assertEquals(breakoutId, f2.awaitType("circle.breakout.ended").getString("breakoutId"));
            for (RoomClient c : List.of(f1, f2, pa, pb)) {
                c.awaitRoster(p -> p.size() == 4 && p.stream().noneMatch(x -> x.getBoolean("breakout", false)), "everyone back in the circle");
            }
            assertEquals(3, pa.expect("rtc.config", msg("rtc.config", roomId)).getJsonArray("peers").size());

            // a barrier: a chat line sent after everything above reaches the other patient (node A) after it all
            f1.expect("ok", msg("chat.send", roomId).put("text", "barrier"));
            pb.await(m -> "chat.message".equals(m.getString("type")) && "barrier".equals(m.getString("text")), "the barrier line");
            f1.await(m -> "chat.message".equals(m.getString("type")) && "barrier".equals(m.getString("text")), "the barrier line");
            // the other patient never received anything about the request or the breakout
            assertEquals(0, pb.count(CircleSupportTest::aboutSupport), "nothing about it reached the other patient");
            // and the lead facilitator, who was not in the breakout, got nothing of it but the roster's flag
            assertEquals(0, f1.count(type("circle.breakout.started").or(type("circle.breakout.ended"))));
            assertEquals(0, f1.count(m -> m.containsKey("breakoutId") && "rtc.signal".equals(m.getString("type"))));
            assertEquals(1, f1.count(type("circle.support.acknowledged")), "acknowledged once");
        }

        // on record: who did what on which appointment, refusals too; no text anywhere
        for (String action : List.of("room.support.request", "room.support.acknowledge", "room.breakout.start", "room.breakout.end")) {
            Eventually.within(Duration.ofSeconds(10), action + " audited", () -> {
                JsonObject page = api.get("/api/audit?action=" + action + "&resourceId=" + circle.appointmentId(), admin).json();
                JsonArray items = page.getJsonArray("items");
                assertTrue(items.stream().map(JsonObject.class::cast).anyMatch(i -> "success".equals(i.getString("outcome"))), page.encode());
                assertTrue(items.stream().map(JsonObject.class::cast).anyMatch(i -> "denied".equals(i.getString("outcome"))), page.encode());
            });
        }
    }

    @Test
    @DisplayName("a patient back during a breakout is told of it again; a breakout whose patient leaves the room ends by itself for the host")
    void breakoutEndsWhenThePatientLeaves() {
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 1);
        String roomId = circle.roomId();
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member patient = circle.patients().get(0);
        try (RoomClient f1 = RoomClient.connect(nodeA.baseUrl(), lead.token());
             RoomClient p = RoomClient.connect(nodeB.baseUrl(), patient.token())) {
            f1.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), lead.token())));
            p.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), patient.token())));
            p.expect("ok", OpenRoom.gate(roomId));
            f1.expect("ok", msg("host.admit", roomId).put("personId", patient.id()));
            p.awaitType("room.admitted");
            f1.expect("ok", msg("circle.breakout.start", roomId).put("patientId", patient.id()));
            String breakoutId = f1.awaitType("circle.breakout.started").getString("breakoutId");
            assertEquals(breakoutId, p.awaitType("circle.breakout.started").getString("breakoutId"));
            // the patient's page reloads (a new socket, on the other node): told of the breakout again, to call back
            try (RoomClient again = RoomClient.connect(nodeA.baseUrl(), patient.token())) {
                again.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), patient.token())));
                JsonObject resumed = again.awaitType("circle.breakout.started");
                assertEquals(breakoutId, resumed.getString("breakoutId"));
                assertEquals(lead.id(), resumed.getString("peerId"));
                assertEquals(lead.id(), resumed.getString("hostId"));
                again.expect("ok", msg("room.leave", roomId));
            }
            assertEquals(breakoutId, f1.awaitWithin(Duration.ofSeconds(10), type("circle.breakout.ended"), "the breakout ended for the host")
                    .getString("breakoutId"));
            f1.awaitRoster(r -> r.size() == 1 && !r.get(0).getBoolean("breakout", false), "the host back in the circle");
        }
    }

    @Test
    @DisplayName("through a media server, a breakout takes the two out of the circle's conference and back")
    void breakoutThroughTheBridge() throws java.io.IOException {
        try (app.hearth.signaling.colibri.FakeBridge bridge = new app.hearth.signaling.colibri.FakeBridge();
             TestNode node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500", "HEARTH_JVB_URLS", bridge.base().toString()))) {
            ApiClient local = new ApiClient(node.baseUrl());
            OpenRoom.Circle circle = OpenRoom.bookCircle(local, local.accessToken("admin@demo.hearth", "hearth-demo"), 2);
            String roomId = circle.roomId();
            OpenRoom.Member lead = circle.facilitators().get(0);
            try (RoomClient host = RoomClient.connect(node.baseUrl(), lead.token());
                 RoomClient p1 = RoomClient.connect(node.baseUrl(), circle.patients().get(0).token());
                 RoomClient p2 = RoomClient.connect(node.baseUrl(), circle.patients().get(1).token())) {
                host.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(local, circle.appointmentId(), lead.token())));
                List<RoomClient> all = List.of(host, p1, p2);
                for (int i = 0; i < 2; i++) {
                    RoomClient p = i == 0 ? p1 : p2;
                    OpenRoom.Member m = circle.patients().get(i);
                    p.expect("room.joined", new JsonObject().put("type", "room.join")
                            .put("joinTicket", OpenRoom.joinTicket(local, circle.appointmentId(), m.token())));
                    p.expect("ok", OpenRoom.gate(roomId));
                    host.expect("ok", msg("host.admit", roomId).put("personId", m.id()));
                    p.awaitType("room.admitted");
                }
                for (int i = 0; i < 3; i++) {
                    RoomClient c = all.get(i);
                    c.expect("ok", msg("rtc.bridge.join", roomId));
                    CircleBridgeTest.offer(c, true);
                    c.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", CircleBridgeTest.answer(i)));
                }
                Eventually.within(Duration.ofSeconds(10), "three endpoints", () -> assertEquals(3, bridge.endpointCount()));

                // the facilitator takes the first patient aside: both leave the conference; the other patient's
                // offer loses both their sources
                String p1Audio = "a=ssrc:" + CircleBridgeTest.ssrc(1829374650L, 1) + " ";
                String hostAudio = "a=ssrc:" + CircleBridgeTest.ssrc(1829374650L, 0) + " ";
                host.expect("ok", msg("circle.breakout.start", roomId).put("patientId", circle.patients().get(0).id()));
                p2.await(m -> "rtc.bridge.offer".equals(m.getString("type")) && !m.getString("sdp").contains(p1Audio)
                        && !m.getString("sdp").contains(hostAudio), "the other patient's offer without the two");
                Eventually.within(Duration.ofSeconds(10), "one endpoint left", () -> assertEquals(1, bridge.endpointCount()));

                // back: both ask for a connection again and get one, with the other patient's sources
                host.expect("ok", msg("circle.breakout.end", roomId).put("breakoutId",
                        host.awaitType("circle.breakout.started").getString("breakoutId")));
                for (RoomClient c : List.of(host, p1)) {
                    c.awaitType("circle.breakout.ended");
                    c.expect("ok", msg("rtc.bridge.join", roomId));
                    assertTrue(CircleBridgeTest.offer(c, true).getString("sdp").contains("a=ssrc:" + CircleBridgeTest.ssrc(1829374650L, 2) + " "));
                }
                Eventually.within(Duration.ofSeconds(10), "three endpoints again", () -> assertEquals(3, bridge.endpointCount()));
            }
        }
    }
}
