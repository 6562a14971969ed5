package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.signaling.colibri.FakeBridge;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Circles through a media server, wired end to end: two nodes of one cluster, a fake Jitsi
 * Videobridge that enforces what the real one does, and sockets standing in for browsers. Offers are
 * pushed by the server, answers and candidates go back to the circle's driving node wherever the
 * participant is connected, and a departed driving node's circle is rebuilt by the survivor.
 */
@DisplayName("Circles through Jitsi Videobridge: server-driven offers across a two-node cluster")
class CircleBridgeTest {

    static FakeBridge bridge;
    static TestNode nodeA;
    static TestNode nodeB;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() throws IOException {
        bridge = new FakeBridge();
        TestNode[] pair = TestNode.startPair("circle-bridge", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500",
                "HEARTH_JVB_URLS", bridge.base().toString(), "HEARTH_JVB_HEALTH_INTERVAL", "PT1S"));
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
        bridge.close();
    }

    static JsonObject msg(String type, String roomId) {
        return new JsonObject().put("type", type).put("roomId", roomId);
    }

    /** Chromium's answer (its first two m-lines: own audio and video), with this participant's own SSRCs and ICE credentials. */
    static String answer(int n) {
        String sample;
        try (InputStream in = CircleBridgeTest.class.getResourceAsStream("/sdp/chromium-answer.sdp")) {
            sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int third = sample.indexOf("\r\nm=audio", sample.indexOf("\r\nm=video"));
        return sample.substring(0, third + 2).replace("a=group:BUNDLE 0 1 2 3", "a=group:BUNDLE 0 1")
                .replace("Xq3v", "Xq3v" + n).replace("1829374650", ssrc(1829374650L, n))
                .replace("2390817264", ssrc(2390817264L, n)).replace("3871205569", ssrc(3871205569L, n));
    }

    static String ssrc(long base, int n) {
        return Long.toString(base + n);
    }

    static JsonObject offer(RoomClient client, boolean newConnection) {
        return client.awaitWithin(Duration.ofSeconds(15), m -> "rtc.bridge.offer".equals(m.getString("type"))
                && m.getBoolean("newConnection") == newConnection, (newConnection ? "a new-connection" : "a renegotiation") + " offer");
    }

    @Test
    @DisplayName("offers carry the others' sources; answers renegotiate the others; leaving removes a source; bad input is refused; a dead driving node's circle comes back on the survivor")
    void circleThroughTheBridge() {
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 2);
        String roomId = circle.roomId();
        OpenRoom.Member facilitator = circle.facilitators().get(0);
        OpenRoom.Member first = circle.patients().get(0);
        OpenRoom.Member second = circle.patients().get(1);
        List<RoomClient> sockets = new ArrayList<>();
        try {
            // the facilitator on node B (which will drive the circle), the patients on node A
            RoomClient host = RoomClient.connect(nodeB.baseUrl(), facilitator.token());
            RoomClient p1 = RoomClient.connect(nodeA.baseUrl(), first.token());
            RoomClient p2 = RoomClient.connect(nodeA.baseUrl(), second.token());
            sockets.addAll(List.of(host, p1, p2));
            host.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), facilitator.token())));
            for (int i = 0; i < 2; i++) {
                RoomClient p = i == 0 ? p1 : p2;
                OpenRoom.Member m = circle.patients().get(i);
                p.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), m.token())));
                p.expect("ok", OpenRoom.gate(roomId));
                host.expect("ok", msg("host.admit", roomId).put("personId", m.id()));
                p.awaitType("room.admitted");
            }

            // with a bridge configured a circle goes through it, whatever its size
            JsonObject config = p1.expect("rtc.config", msg("rtc.config", roomId));
            assertEquals("sfu", config.getString("mode"));
            assertTrue(config.getJsonArray("peers").isEmpty());

            // the host asks first (node B drives the circle from then on); a participant not yet joined
            // to the bridge cannot answer; garbage is refused
            host.expect("ok", msg("rtc.bridge.join", roomId));
            String hostOffer = offer(host, true).getString("sdp");
            p1.expectError("media-not-joined", msg("rtc.bridge.answer", roomId).put("sdp", answer(1)));
            assertTrue(hostOffer.contains("a=setup:actpass") && hostOffer.contains("a=mid:0") && hostOffer.contains("a=mid:1"), hostOffer);
            host.expectError("invalid-message", msg("rtc.bridge.answer", roomId).put("sdp", "v=0\r\nnot an answer"));
            host.expectError("invalid-message", msg("rtc.bridge.candidate", roomId).put("candidate", "rm -rf /"));
            host.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", answer(0)));
            host.expect("ok", msg("rtc.bridge.candidate", roomId)
                    .put("candidate", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"));
            host.expect("ok", msg("rtc.bridge.candidate", roomId).put("candidate", ""));

            // the first patient (other node) joins: its offer has the host's sources, and the host's
            // renegotiation gains the patient's once the patient has answered
            p1.expect("ok", msg("rtc.bridge.join", roomId));
            String p1Offer = offer(p1, true).getString("sdp");
            assertTrue(p1Offer.contains("a=ssrc:" + ssrc(1829374650L, 0) + " "), "the host's audio in the patient's offer");
            assertTrue(p1Offer.contains("a=ssrc-group:FID " + ssrc(2390817264L, 0) + " " + ssrc(3871205569L, 0)), p1Offer);
            assertTrue(p1Offer.contains("msid:" + facilitator.id() + " "), "streams are named by person: " + p1Offer);
            p1.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", answer(1)));
            String hostRenegotiated = offer(host, false).getString("sdp");
            assertTrue(hostRenegotiated.contains("a=ssrc:" + ssrc(1829374650L, 1) + " "), hostRenegotiated);
            assertEquals(1, bridge.conferences.size());
            assertEquals(2, bridge.endpointCount());

            // the patient turns the camera off: the host's offer loses their video source; on again, it is back
            p1.expect("ok", msg("media.state", roomId).put("media", new JsonObject().put("audio", true).put("video", false)
                    .put("screen", false).put("quality", "good")));
            String cameraOff = offer(host, false).getString("sdp");
            assertFalse(cameraOff.contains("a=ssrc:" + ssrc(2390817264L, 1) + " "), cameraOff);
            assertTrue(cameraOff.contains("a=ssrc:" + ssrc(1829374650L, 1) + " "), "the audio stays: " + cameraOff);
            p1.expect("ok", msg("media.state", roomId).put("media", new JsonObject().put("audio", true).put("video", true)
                    .put("screen", false).put("quality", "good")));
            assertTrue(offer(host, false).getString("sdp").contains("a=ssrc:" + ssrc(2390817264L, 1) + " "), "the video is back");

            // someone outside the circle's bridge (a 1:1 room) is told to use peer-to-peer signaling
            OpenRoom oneToOne = OpenRoom.book(api, admin);
            RoomClient[] pair = oneToOne.inSession(nodeA.baseUrl());
            sockets.addAll(List.of(pair));
            assertEquals("p2p", pair[1].expect("rtc.config", msg("rtc.config", oneToOne.roomId)).getString("mode"));
            pair[1].expectError("forbidden", msg("rtc.bridge.join", oneToOne.roomId));
            // and nobody can act on a circle they are not admitted to
            pair[1].expectError("not-in-room", msg("rtc.bridge.join", roomId));

            // when the first patient leaves, the host's offer loses their sources and the bridge their endpoint
            p1.expect("ok", msg("room.leave", roomId));
            String afterLeave = offer(host, false).getString("sdp");
            assertFalse(afterLeave.contains("a=ssrc:" + ssrc(1829374650L, 1) + " "), afterLeave);
            assertTrue(afterLeave.contains("a=inactive"), "the freed m-line stays, inactive: " + afterLeave);
            awaitEndpoints(1);

            // when the driving node (B) goes away, the next request on node A rebuilds the circle there:
            // everyone still admitted gets a new connection (the host's seat waits out its reconnect grace)
            nodeB.close();
            nodeB = null;
            p2.awaitRoster(p -> p.stream().anyMatch(x -> facilitator.id().equals(x.getString("personId"))
                    && "reconnecting".equals(x.getString("presence"))), "node A to adopt the host's seat");
            p2.expect("ok", msg("rtc.bridge.join", roomId));
            String rebuilt = offer(p2, true).getString("sdp");
            assertTrue(rebuilt.contains("a=mid:0"), rebuilt);
            assertEquals(2, bridge.conferences.size(), "a new conference next to the orphaned one: " + bridge.conferences.keySet());
            p2.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", answer(2)));
        } finally {
            sockets.forEach(RoomClient::close);
        }
    }

    @Test
    @DisplayName("a bridge that dies takes its circles elsewhere: every participant gets a new-connection offer from the healthy bridge")
    void failover() throws IOException {
        try (FakeBridge first = new FakeBridge(); FakeBridge second = new FakeBridge();
             TestNode node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500",
                     "HEARTH_JVB_URLS", first.base() + "," + second.base(), "HEARTH_JVB_HEALTH_INTERVAL", "PT0.5S"))) {
            ApiClient local = new ApiClient(node.baseUrl());
            OpenRoom.Circle circle = OpenRoom.bookCircle(local, local.accessToken("admin@demo.hearth", "hearth-demo"), 1);
            String roomId = circle.roomId();
            OpenRoom.Member facilitator = circle.facilitators().get(0);
            OpenRoom.Member patient = circle.patients().get(0);
            try (RoomClient host = RoomClient.connect(node.baseUrl(), facilitator.token());
                 RoomClient p = RoomClient.connect(node.baseUrl(), patient.token())) {
                host.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(local, circle.appointmentId(), facilitator.token())));
                p.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(local, circle.appointmentId(), patient.token())));
                p.expect("ok", OpenRoom.gate(roomId));
                host.expect("ok", msg("host.admit", roomId).put("personId", patient.id()));
                p.awaitType("room.admitted");
                host.expect("ok", msg("rtc.bridge.join", roomId));
                offer(host, true);
                host.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", answer(0)));
                p.expect("ok", msg("rtc.bridge.join", roomId));
                offer(p, true);
                p.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", answer(1)));
                FakeBridge used = first.endpointCount() == 2 ? first : second;
                FakeBridge spare = used == first ? second : first;
                assertEquals(2, used.endpointCount());

                // the bridge process dies: within a health check or two, both browsers are told to
                // connect anew, to the circle re-created on the other bridge with both their sources
                used.kill();
                host.awaitWithin(Duration.ofSeconds(15), m -> "rtc.bridge.offer".equals(m.getString("type"))
                        && m.getBoolean("newConnection"), "a new connection after the bridge died");
                p.awaitWithin(Duration.ofSeconds(15), m -> "rtc.bridge.offer".equals(m.getString("type"))
                        && m.getBoolean("newConnection"), "a new connection after the bridge died");
                assertEquals(2, spare.endpointCount(), "both re-allocated on the healthy bridge");
                // and the browsers answer the new offers on the new bridge
                host.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", answer(0).replace("Xq3v0", "Xq3v0b")));
                p.expect("ok", msg("rtc.bridge.answer", roomId).put("sdp", answer(1).replace("Xq3v1", "Xq3v1b")));
            }
        }
    }

    /** A circle's members seated and admitted, the host on one node and the patients on the other. */
    static List<RoomClient> seated(ApiClient local, OpenRoom.Circle circle, TestNode hostNode, TestNode patientNode) {
        String roomId = circle.roomId();
        OpenRoom.Member facilitator = circle.facilitators().get(0);
        List<RoomClient> sockets = new ArrayList<>();
        RoomClient host = RoomClient.connect(hostNode.baseUrl(), facilitator.token());
        sockets.add(host);
        host.expect("room.joined", new JsonObject().put("type", "room.join")
                .put("joinTicket", OpenRoom.joinTicket(local, circle.appointmentId(), facilitator.token())));
        for (OpenRoom.Member m : circle.patients()) {
            RoomClient p = RoomClient.connect(patientNode.baseUrl(), m.token());
            sockets.add(p);
            p.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(local, circle.appointmentId(), m.token())));
            p.expect("ok", OpenRoom.gate(roomId));
            host.expect("ok", msg("host.admit", roomId).put("personId", m.id()));
            p.awaitType("room.admitted");
        }
        return sockets;
    }

    @Test
    @DisplayName("a cold bridge's slow first allocation: the page hears rtc.bridge.error, the timed-out conference is expired (no orphan), and the server's own retry pushes the offer; a failing bridge: every waiting page gets its offer once it recovers, without any roster change")
    void retriesAndNoOrphans() throws IOException, InterruptedException {
        try (FakeBridge fake = new FakeBridge()) {
            TestNode[] pair = TestNode.startPair("circle-bridge-retry", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500",
                    "HEARTH_JVB_URLS", fake.base().toString(), "HEARTH_JVB_HEALTH_INTERVAL", "PT0.5S",
                    "HEARTH_JVB_REQUEST_TIMEOUT", "PT1.5S", "HEARTH_JVB_CONFERENCE_DOMAIN", "circles.clinic.test",
                    "HEARTH_JVB_WS_PUBLIC_BASE", fake.webSocketBase().toString()));
            List<RoomClient> sockets = new ArrayList<>();
            try {
                ApiClient local = new ApiClient(pair[0].baseUrl());
                String token = local.accessToken("admin@demo.hearth", "hearth-demo");
                // pages may open the bridge channel on its public origin (CSP connect-src)
                java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair[0].baseUrl() + "/")).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow()
                        .contains("connect-src 'self' " + fake.webSocketBase() + ";"), page.headers().map().toString());

                // cold: the first POST answers after 4 s, Hearth gives up after 1.5 s
                OpenRoom.Circle cold = OpenRoom.bookCircle(local, token, 1);
                List<RoomClient> coldSockets = seated(local, cold, pair[1], pair[0]);
                sockets.addAll(coldSockets);
                RoomClient host = coldSockets.get(0);
                fake.slowFirstAllocation(Duration.ofSeconds(4));
                host.expect("ok", msg("rtc.bridge.join", cold.roomId()));
                JsonObject error = host.awaitWithin(Duration.ofSeconds(10), m -> "rtc.bridge.error".equals(m.getString("type")),
                        "the bridge's timeout reaches the page");
                // timeout: the bridge answered its health check at once (on a very loaded machine even that
                // can time out, and the bridge is then out of use until the next check: unavailable)
                assertTrue(List.of("media-server-timeout", "media-server-unavailable").contains(error.getString("code")), error.encode());
                assertEquals(cold.roomId(), error.getString("roomId"));
                assertTrue(error.getLong("retryInMs") > 0 && error.getLong("retryInMs") <= 1000, error.encode());
                JsonObject offer = host.awaitWithin(Duration.ofSeconds(10), m -> "rtc.bridge.offer".equals(m.getString("type"))
                        && m.getBoolean("newConnection"), "the server's retry pushes the offer");
                String url = offer.getJsonObject("channel").getString("url");
                assertTrue(url.startsWith(fake.webSocketBase() + "/colibri-ws/"), url);
                host.expect("ok", msg("rtc.bridge.answer", cold.roomId()).put("sdp", answer(0)));
                String conferenceName = "circle-" + cold.roomId() + "@circles.clinic.test";
                String meetingId = fake.meetingIdOf(conferenceName).orElseThrow();
                List<String> posted = fake.requests.stream().filter(r -> r.method().equals("POST"))
                        .map(r -> r.json().getString("meeting-id")).toList();
                assertEquals(2, posted.size(), "the timed-out POST and the retry's");
                assertTrue(fake.requests.stream().anyMatch(r -> r.method().equals("PATCH") && r.path().endsWith("/" + posted.get(0))
                        && Boolean.TRUE.equals(r.json().getValue("expire"))), "the timed-out conference was expired");
                assertEquals(List.of(meetingId), List.copyOf(fake.conferences.keySet()), "only the live conference is left");
                assertEquals(List.of(), List.copyOf(fake.orphans(Duration.ZERO)));
                assertTrue(fake.requests.stream().allMatch(r -> "application/json".equals(r.accept())));

                // a bridge that fails every request: both patients wait, are told, and get their offers once it recovers
                OpenRoom.Circle circle = OpenRoom.bookCircle(local, token, 2);
                List<RoomClient> circleSockets = seated(local, circle, pair[0], pair[1]);
                sockets.addAll(circleSockets);
                fake.failing = true;
                for (RoomClient p : circleSockets.subList(1, 3)) {
                    p.expect("ok", msg("rtc.bridge.join", circle.roomId()));
                    JsonObject failed = p.awaitWithin(Duration.ofSeconds(10), m -> "rtc.bridge.error".equals(m.getString("type")),
                            "the failure reaches the page");
                    assertTrue(List.of("media-server-unavailable", "media-server-refused").contains(failed.getString("code")), failed.encode());
                    assertTrue(failed.getLong("retryInMs") != null && failed.getLong("retryInMs") <= 30_000, failed.encode());
                }
                fake.failing = false;
                for (RoomClient p : circleSockets.subList(1, 3)) {
                    JsonObject recovered = p.awaitWithin(Duration.ofSeconds(20), m -> "rtc.bridge.offer".equals(m.getString("type"))
                            && m.getBoolean("newConnection"), "an offer once the bridge works again, without asking");
                    assertTrue(recovered.getJsonObject("channel").getString("url").contains("/colibri-ws/"), recovered.encode());
                }
                assertEquals(2, fake.endpointsOf(fake.meetingIdOf("circle-" + circle.roomId() + "@circles.clinic.test").orElseThrow()).size());

                // the only bridge turns unhealthy: the circle is lost, both are told and wait; once it is
                // healthy again both get new connections by themselves
                fake.unhealthy = true;
                for (RoomClient p : circleSockets.subList(1, 3)) {
                    JsonObject waitingAgain = p.awaitWithin(Duration.ofSeconds(10), m -> "rtc.bridge.error".equals(m.getString("type"))
                            && "media-server-unavailable".equals(m.getString("code")), "the lost circle reaches the page");
                    assertTrue(waitingAgain.getLong("retryInMs") > 0, waitingAgain.encode());
                }
                fake.unhealthy = false;
                for (RoomClient p : circleSockets.subList(1, 3)) {
                    p.awaitWithin(Duration.ofSeconds(20), m -> "rtc.bridge.offer".equals(m.getString("type"))
                            && m.getBoolean("newConnection"), "a new connection once the bridge is healthy again");
                }
            } finally {
                sockets.forEach(RoomClient::close);
                pair[1].close();
                pair[0].close();
            }
        }
    }

    static void awaitEndpoints(int expected) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (bridge.endpointCount() != expected) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the bridge has " + bridge.endpointCount() + " endpoints, expected " + expected);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
