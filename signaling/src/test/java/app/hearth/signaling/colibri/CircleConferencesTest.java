package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Circles on Jitsi Videobridge, against fake bridges that answer like real ones")
class CircleConferencesTest {

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    FakeBridge bridge() throws Exception {
        FakeBridge fake = new FakeBridge();
        closeLater.add(fake);
        return fake;
    }

    CircleConferences hearth(FakeBridge... fakes) {
        return hearth(BridgeHttp.jdk(Duration.ofSeconds(2)), fakes);
    }

    CircleConferences hearth(BridgeHttp http, FakeBridge... fakes) {
        List<URI> urls = Arrays.stream(fakes).map(FakeBridge::base).toList();
        CircleConferences conferences = new CircleConferences(BridgeConfig.of(urls), http, BridgeSelectionStrategy.leastLoaded());
        closeLater.add(conferences);
        return conferences;
    }

    /** A Chromium answer as participant n's browser would send it: its own ufrag and SSRCs (n000001 audio, n000002/3 video+rtx). */
    static String answerOf(int n) {
        return Samples.text("sdp/chromium-answer.sdp").replace("Xq3v", "Br" + n + "x")
                .replace("1829374650", Long.toString(1_000_000L * n + 1)).replace("2390817264", Long.toString(1_000_000L * n + 2))
                .replace("3871205569", Long.toString(1_000_000L * n + 3));
    }

    static Map<String, Offer> byParticipant(CircleUpdate update) {
        return update.offers().stream().collect(Collectors.toMap(Offer::participantId, o -> o));
    }

    static List<String> section(Offer offer, String mid) {
        return CircleSdpTest.section(offer.sdp(), mid);
    }

    static JsonObject lastRequest(FakeBridge fake) {
        return fake.requests.get(fake.requests.size() - 1).json();
    }

    @Nested
    @DisplayName("allocation")
    class Allocation {

        @Test
        @DisplayName("the first participant creates the conference with POST (meeting-id, one endpoint); later ones are added by PATCH, one per request")
        void createThenAdd() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            CircleUpdate first = hearth.join("c42", "ep1");
            hearth.join("c42", "ep2");
            hearth.join("c42", "ep3");

            assertEquals(1, fake.conferences.size());
            String meetingId = fake.conferences.keySet().iterator().next();
            assertEquals(Set.of("ep1", "ep2", "ep3"), fake.endpointsOf(meetingId));
            assertEquals(List.of("POST /colibri/v2/conferences", "PATCH /colibri/v2/conferences/" + meetingId,
                    "PATCH /colibri/v2/conferences/" + meetingId), fake.requests.stream().map(r -> r.method() + " " + r.path()).toList());
            for (FakeBridge.Request request : fake.requests) {
                JsonObject json = request.json();
                assertEquals("application/json", request.contentType());
                assertEquals(meetingId, json.getString("meeting-id"));
                assertEquals(1, json.getJsonArray("endpoints").size(), "one endpoint per request");
            }
            assertEquals(3, hearth.bridges().all().get(0).endpoints());
            assertEquals(List.of("ep1", "ep2", "ep3"), hearth.participants("c42"));

            Offer offer = first.offers().get(0);
            assertEquals("ep1", offer.participantId());
            assertTrue(offer.newConnection(), "a joiner answers in a new RTCPeerConnection");
            assertTrue(offer.sdp().contains("a=ice-ufrag:fk000001\r\n"));
            assertTrue(offer.sdp().contains("a=fingerprint:sha-256 " + fake.fingerprint() + "\r\n"));
            assertTrue(offer.sdp().contains("a=group:BUNDLE 0 1\r\n"), "only its own audio and video while nobody sends");
            assertTrue(offer.sdp().contains("a=ssrc:1611746211 msid:jvb jvb-a0\r\n"), "the bridge's feedback source");
        }

        @Test
        @DisplayName("participant ids must be opaque tokens (they become endpoint ids and source names)")
        void ids() throws Exception {
            CircleConferences hearth = hearth(bridge());
            assertThrows(IllegalArgumentException.class, () -> hearth.join("c1", "Alice Smith"));
            assertThrows(IllegalArgumentException.class, () -> hearth.join("c/1", "ep1"));
        }

        @Test
        @DisplayName("without bridges the manager is disabled and says so")
        void none() {
            CircleConferences hearth = new CircleConferences(BridgeConfig.none());
            closeLater.add(hearth);
            assertFalse(hearth.enabled());
            assertEquals(ColibriException.Kind.NO_BRIDGE, assertThrows(ColibriException.class, () -> hearth.join("c1", "ep1")).kind());
        }
    }

    @Nested
    @DisplayName("answers, joins and leaves")
    class Changes {

        @Test
        @DisplayName("an answer gives the bridge the browser's transport and sources, and the others get offers with them")
        void answerUpdatesOthers() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            hearth.join("c1", "ep1");
            hearth.join("c1", "ep2");
            fake.requests.clear();

            CircleUpdate update = hearth.answer("c1", "ep1", answerOf(1));
            JsonObject patch = fake.requests.get(0).json().getJsonArray("endpoints").getJsonObject(0);
            assertEquals("Br1x", patch.getJsonObject("transport").getJsonObject("transport").getString("ufrag"));
            assertEquals("ep1-v0", patch.getJsonArray("sources").getJsonObject(1).getString("id"));

            assertEquals(List.of("ep2"), update.offers().stream().map(Offer::participantId).toList(), "only the others get offers");
            Offer toEp2 = update.offers().get(0);
            assertFalse(toEp2.newConnection(), "a renegotiation of ep2's connection");
            assertTrue(section(toEp2, "2").contains("a=ssrc:1000001 msid:ep1 ep1-a0"));
            assertTrue(section(toEp2, "3").contains("a=ssrc-group:FID 1000002 1000003"));
            assertTrue(toEp2.sdp().matches("(?s)v=0\r\no=- \\d+ 2 .*"), "version 2 of ep2's session");

            assertTrue(hearth.answer("c1", "ep1", answerOf(1)).offers().isEmpty(), "the same answer again changes nothing");
        }

        @Test
        @DisplayName("a late joiner's first offer already carries everyone's sources")
        void lateJoiner() throws Exception {
            CircleConferences hearth = hearth(bridge());
            hearth.join("c1", "ep1");
            hearth.answer("c1", "ep1", answerOf(1));
            hearth.join("c1", "ep2");
            hearth.answer("c1", "ep2", answerOf(2));
            Offer ep3 = hearth.join("c1", "ep3").offers().get(0);
            assertTrue(ep3.sdp().contains("a=group:BUNDLE 0 1 2 3 4 5\r\n"), ep3.sdp());
            assertTrue(ep3.sdp().contains("a=ssrc:1000001 msid:ep1 ep1-a0"));
            assertTrue(ep3.sdp().contains("a=ssrc:2000002 msid:ep2 ep2-v0"));
        }

        @Test
        @DisplayName("a leaver's endpoint is expired and its m-lines go inactive for the others; the next joiner reuses them")
        void leaveAndReuse() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            for (int n = 1; n <= 3; n++) {
                hearth.join("c1", "ep" + n);
                hearth.answer("c1", "ep" + n, answerOf(n));
            }
            String meetingId = fake.conferences.keySet().iterator().next();
            CircleUpdate left = hearth.leave("c1", "ep2");
            assertEquals(Set.of("ep1", "ep3"), fake.endpointsOf(meetingId));
            assertEquals(Boolean.TRUE, lastRequest(fake).getJsonArray("endpoints").getJsonObject(0).getValue("expire"));
            assertEquals(Set.of("ep1", "ep3"), byParticipant(left).keySet());
            Offer toEp1 = byParticipant(left).get("ep1");
            assertTrue(section(toEp1, "2").contains("a=inactive"), "ep2's audio m-line at ep1");
            assertTrue(section(toEp1, "3").contains("a=inactive"), "ep2's video m-line at ep1");
            assertFalse(toEp1.sdp().contains("msid:ep2 "));
            assertTrue(section(toEp1, "4").contains("a=msid:ep3 ep3-a0"), "ep3 keeps its m-line");

            hearth.join("c1", "ep4");
            Offer again = byParticipant(hearth.answer("c1", "ep4", answerOf(4))).get("ep1");
            assertTrue(again.sdp().contains("a=group:BUNDLE 0 1 2 3 4 5\r\n"), "no new m-lines: ep4 took ep2's\n" + again.sdp());
            assertTrue(section(again, "2").contains("a=ssrc:4000001 msid:ep4 ep4-a0"));
            assertTrue(section(again, "3").contains("a=ssrc-group:FID 4000002 4000003"));
        }

        @Test
        @DisplayName("a participant who turns off camera and microphone (answer without sending) disappears from the others' offers")
        void sourcesRemoved() throws Exception {
            CircleConferences hearth = hearth(bridge());
            hearth.join("c1", "ep1");
            hearth.answer("c1", "ep1", answerOf(1));
            hearth.join("c1", "ep2");
            Offer toEp2 = byParticipant(hearth.answer("c1", "ep1", answerOf(1).replace("a=sendrecv", "a=recvonly"))).get("ep2");
            assertTrue(section(toEp2, "2").contains("a=inactive"));
            assertTrue(section(toEp2, "3").contains("a=inactive"));
        }

        @Test
        @DisplayName("muting takes the source out of the others' offers (source-remove); unmuting brings it back on its m-line (source-add)")
        void mute() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            hearth.join("c1", "ep1");
            hearth.answer("c1", "ep1", answerOf(1));
            hearth.join("c1", "ep2");
            hearth.answer("c1", "ep2", answerOf(2));
            int requests = fake.requests.size();

            Offer cameraOff = byParticipant(hearth.mute("c1", "ep1", true, false)).get("ep2");
            assertTrue(section(cameraOff, "2").contains("a=msid:ep1 ep1-a0"), "the audio stays");
            assertTrue(section(cameraOff, "3").contains("a=inactive"), "the video goes\n" + cameraOff.sdp());
            assertTrue(hearth.mute("c1", "ep1", true, false).offers().isEmpty(), "the same state again changes nothing");
            assertEquals(requests, fake.requests.size(), "nothing to tell the bridge");

            Offer cameraOn = byParticipant(hearth.mute("c1", "ep1", true, true)).get("ep2");
            assertTrue(section(cameraOn, "3").contains("a=ssrc-group:FID 1000002 1000003"), "back on the same m-line\n" + cameraOn.sdp());
            assertFalse(byParticipant(hearth.mute("c1", "ep1", false, true)).get("ep2").sdp().contains("msid:ep1 ep1-a0"), "muted audio goes");
            assertTrue(hearth.mute("c1", "nobody", false, false).offers().isEmpty());
        }

        @Test
        @DisplayName("the last to leave takes the conference with them; a room that closes expires its conference")
        void expiry() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            hearth.join("c1", "ep1");
            hearth.leave("c1", "ep1");
            assertTrue(fake.conferences.isEmpty());
            assertTrue(hearth.bridgeOf("c1").isEmpty());

            hearth.join("c2", "ep1");
            hearth.join("c2", "ep2");
            hearth.close("c2");
            assertTrue(fake.conferences.isEmpty(), "the room closed: the conference is expired");
            assertEquals(Boolean.TRUE, lastRequest(fake).getValue("expire"));
            assertEquals(0, hearth.bridges().all().get(0).endpoints());
            assertEquals(ColibriException.Kind.UNKNOWN_PARTICIPANT,
                    assertThrows(ColibriException.class, () -> hearth.answer("c2", "ep1", answerOf(1))).kind());
        }

        @Test
        @DisplayName("a newer connection of the same person replaces the endpoint; its old sources leave the others' offers")
        void rejoin() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            hearth.join("c1", "ep1");
            hearth.join("c1", "ep2");
            hearth.answer("c1", "ep2", answerOf(2));
            CircleUpdate again = hearth.join("c1", "ep2");
            assertTrue(byParticipant(again).get("ep2").newConnection());
            assertTrue(section(byParticipant(again).get("ep1"), "2").contains("a=inactive"));
            assertEquals(2, fake.endpointCount());
        }

        @Test
        @DisplayName("garbage SDP and candidates are refused before anything is sent to the bridge")
        void garbage() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            hearth.join("c1", "ep1");
            int before = fake.requests.size();
            assertThrows(IllegalArgumentException.class, () -> hearth.answer("c1", "ep1", "v=0\r\nnonsense"));
            assertThrows(IllegalArgumentException.class, () -> hearth.candidate("c1", "ep1", "candidate:junk"));
            assertEquals(before, fake.requests.size());
        }

        @Test
        @DisplayName("trickled candidates after the answer go to the bridge in the endpoint's transport")
        void trickle() throws Exception {
            FakeBridge fake = bridge();
            CircleConferences hearth = hearth(fake);
            hearth.join("c1", "ep1");
            hearth.candidate("c1", "ep1", "candidate:9 1 udp 100 203.0.113.9 40000 typ relay raddr 0.0.0.0 rport 0");
            assertEquals(1, fake.requests.size(), "a candidate before the answer is not sent");
            hearth.answer("c1", "ep1", answerOf(1));
            hearth.candidate("c1", "ep1", "candidate:9 1 udp 100 203.0.113.9 40000 typ relay raddr 0.0.0.0 rport 0");
            JsonObject transport = lastRequest(fake).getJsonArray("endpoints").getJsonObject(0)
                    .getJsonObject("transport").getJsonObject("transport");
            assertEquals("Br1x", transport.getString("ufrag"));
            assertEquals("relay", transport.getJsonArray("candidates").getJsonObject(0).getString("type"));
        }
    }

    @Nested
    @DisplayName("selection and failover")
    class Selection {

        @Test
        @DisplayName("a new circle goes to the healthy bridge with the fewest endpoints; an unhealthy bridge is skipped")
        void leastLoaded() throws Exception {
            FakeBridge a = bridge();
            FakeBridge b = bridge();
            CircleConferences hearth = hearth(a, b);
            hearth.join("c1", "x1");
            hearth.join("c1", "x2");
            hearth.join("c2", "y1");
            assertEquals(b.base(), hearth.bridgeOf("c2").orElseThrow(), "the second circle goes to the less loaded bridge");
            hearth.join("c3", "z1");
            assertEquals(b.base(), hearth.bridgeOf("c3").orElseThrow(), "2 endpoints on a, 1 on b");
            hearth.join("c4", "w1");
            assertEquals(a.base(), hearth.bridgeOf("c4").orElseThrow(), "a tie goes to the first configured");

            b.unhealthy = true;
            hearth.checkHealth();
            assertFalse(hearth.bridges().all().get(1).healthy());
            assertTrue(hearth.bridges().all().get(1).lastFailure().contains("500"));
            hearth.join("c5", "v1");
            assertEquals(a.base(), hearth.bridgeOf("c5").orElseThrow());

            a.unhealthy = true;
            hearth.checkHealth();
            assertEquals(ColibriException.Kind.NO_BRIDGE, assertThrows(ColibriException.class, () -> hearth.join("c6", "u1")).kind());
            b.unhealthy = false;
            hearth.checkHealth();
            assertTrue(hearth.bridges().all().get(1).healthy(), "a bridge whose health returns is used again");
        }

        @Test
        @DisplayName("a bridge that dies mid-circle: its circles move to another bridge and every participant gets a new-connection offer")
        void bridgeDies() throws Exception {
            FakeBridge a = bridge();
            FakeBridge b = bridge();
            CircleConferences hearth = hearth(a, b);
            b.unhealthy = true;
            hearth.checkHealth();
            for (int n = 1; n <= 3; n++) {
                hearth.join("c7", "ep" + n);
                hearth.answer("c7", "ep" + n, answerOf(n));
            }
            assertEquals(a.base(), hearth.bridgeOf("c7").orElseThrow());

            a.kill();
            b.unhealthy = false;
            List<CircleUpdate> updates = hearth.checkHealth();
            assertEquals(1, updates.size());
            CircleUpdate moved = updates.get(0);
            assertTrue(moved.moved());
            assertEquals("c7", moved.circleId());
            assertEquals(List.of("ep1", "ep2", "ep3"), moved.offers().stream().map(Offer::participantId).toList());
            assertTrue(moved.offers().stream().allMatch(Offer::newConnection), "new ICE and DTLS: new connections");
            assertTrue(moved.offers().stream().allMatch(o -> o.sdp().contains(b.fingerprint())));
            assertEquals(b.base(), hearth.bridgeOf("c7").orElseThrow());
            assertEquals(3, b.endpointCount());
            assertFalse(hearth.bridges().all().get(0).healthy());
            assertEquals(0, hearth.bridges().all().get(0).endpoints());
            assertEquals(3, hearth.bridges().all().get(1).endpoints());

            CircleUpdate answered = hearth.answer("c7", "ep1", answerOf(1));
            assertEquals(2, answered.offers().size(), "the circle carries on on the new bridge");
        }

        @Test
        @DisplayName("a request that fails (5xx) takes the bridge out of use and moves the circle at once")
        void requestFails() throws Exception {
            FakeBridge a = bridge();
            FakeBridge b = bridge();
            CircleConferences hearth = hearth(a, b);
            hearth.join("c8", "ep1");
            hearth.join("c8", "ep2");
            hearth.join("other", "ep9");
            assertEquals(b.base(), hearth.bridgeOf("other").orElseThrow());
            a.failing = true;
            CircleUpdate update = hearth.answer("c8", "ep1", answerOf(1));
            assertTrue(update.moved());
            assertEquals(2, update.offers().size());
            assertEquals(b.base(), hearth.bridgeOf("c8").orElseThrow());
            assertFalse(hearth.bridges().all().get(0).healthy());
        }

        @Test
        @DisplayName("a bridge that forgot the conference (404, e.g. restarted): the circle is re-created")
        void conferenceLost() throws Exception {
            FakeBridge a = bridge();
            CircleConferences hearth = hearth(a);
            hearth.join("c9", "ep1");
            hearth.join("c9", "ep2");
            a.conferences.clear();
            CircleUpdate update = hearth.answer("c9", "ep2", answerOf(2));
            assertTrue(update.moved());
            assertEquals(1, a.conferences.size());
            assertEquals(2, a.endpointCount());
            assertTrue(hearth.bridges().all().get(0).healthy(), "a 404 is not the bridge's ill health");
        }

        @Test
        @DisplayName("with no bridge left, the circle is reported lost")
        void lost() throws Exception {
            FakeBridge a = bridge();
            CircleConferences hearth = hearth(a);
            hearth.join("c10", "ep1");
            a.kill();
            List<CircleUpdate> updates = hearth.checkHealth();
            assertTrue(updates.get(0).lost());
            assertTrue(updates.get(0).offers().isEmpty());
            assertTrue(hearth.bridgeOf("c10").isEmpty());
        }

        @Test
        @DisplayName("periodic health checks report a move to the listener")
        void periodic() throws Exception {
            FakeBridge a = bridge();
            FakeBridge b = bridge();
            CircleConferences hearth = new CircleConferences(new BridgeConfig(List.of(a.base(), b.base()), Duration.ofMillis(50),
                    Duration.ofSeconds(2)));
            closeLater.add(hearth);
            hearth.join("c11", "ep1");
            URI first = hearth.bridgeOf("c11").orElseThrow();
            CompletableFuture<CircleUpdate> moved = new CompletableFuture<>();
            hearth.startHealthChecks(moved::complete);
            (first.equals(a.base()) ? a : b).unhealthy = true;
            CircleUpdate update = moved.get(10, TimeUnit.SECONDS); // waits for the health checks to move circle c11
            assertTrue(update.moved());
            assertNotEquals(first, hearth.bridgeOf("c11").orElseThrow());
        }
    }

    @Nested
    @DisplayName("the fake bridge refuses like the real one")
    class Refusals {

        final BridgeHttp http = BridgeHttp.jdk(Duration.ofSeconds(2));

        @Test
        @DisplayName("415 without a JSON content type; 400 errors (JSON, as Hearth accepts JSON) for bad JSON types, a missing capability, an existing conference, two endpoints; 404 unknown conference; 400 empty for an unknown endpoint; health 500")
        void errors() throws Exception {
            FakeBridge fake = bridge();
            URI conferences = fake.base().resolve("/colibri/v2/conferences");
            URI conference = fake.base().resolve("/colibri/v2/conferences/m-1");
            assertEquals(415, http.exchange("POST", conferences, null).status());

            String create = ColibriMessages.allocate("m-1", "circle-1@hearth", "ep1", true);
            BridgeHttp.Response types = http.post(conferences, create.replace("\"create\":true", "\"create\":\"true\""));
            assertEquals(400, types.status());
            assertEquals("Failed to parse ConferenceModify JSON:Expected boolean for create, got STRING",
                    ColibriException.reason(types.body()), "Hearth sends Accept: application/json: Jetty's JSON error");

            BridgeHttp.Response noCapability = http.post(conferences, create.replace("\"source-names\"", "\"nothing\""));
            assertEquals(400, noCapability.status());
            assertTrue(ColibriException.reason(noCapability.body()).endsWith("Failed to create conference: Source name support is mandatory."));

            assertEquals(200, http.post(conferences, create).status());
            BridgeHttp.Response exists = http.post(conferences, create);
            assertEquals(400, exists.status());
            assertTrue(ColibriException.reason(exists.body()).contains("Conference already exists for ID: m-1"));

            assertEquals(404, http.patch(fake.base().resolve("/colibri/v2/conferences/nope"), ColibriMessages.expireEndpoint("nope", "ep1")).status());
            BridgeHttp.Response unknownEndpoint = http.patch(conference, ColibriMessages.expireEndpoint("m-1", "ghost"));
            assertEquals(400, unknownEndpoint.status());
            assertEquals("", ColibriException.reason(unknownEndpoint.body()));

            JsonObject two = new JsonObject(ColibriMessages.allocate("m-1", "c", "ep2", false));
            two.getJsonArray("endpoints").add(new JsonObject(ColibriMessages.allocate("m-1", "c", "ep3", false)).getJsonArray("endpoints").getValue(0));
            assertEquals(400, http.patch(conference, two.encode()).status(), "one endpoint per request");

            fake.unhealthy = true;
            assertEquals(500, http.get(fake.base().resolve("/about/health")).status());
        }

        @Test
        @DisplayName("a refusal reaches the caller as BRIDGE_REFUSED with the bridge's reason, and the bridge stays in use")
        void refusedJoin() throws Exception {
            FakeBridge fake = bridge();
            BridgeHttp broken = (method, uri, json) -> http.exchange(method, uri, json == null ? null : json.replace("\"source-names\"", "\"x\""));
            CircleConferences hearth = hearth(broken, fake);
            ColibriException e = assertThrows(ColibriException.class, () -> hearth.join("c1", "ep1"));
            assertEquals(ColibriException.Kind.BRIDGE_REFUSED, e.kind());
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("Source name support is mandatory."), e.getMessage());
            assertTrue(hearth.bridges().all().get(0).healthy());
            assertTrue(hearth.participants("c1").isEmpty());
        }
    }
}
