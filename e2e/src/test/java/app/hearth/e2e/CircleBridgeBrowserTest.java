package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import app.hearth.signaling.colibri.FakeBridge;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A circle whose video goes through a media server, in real Chromium pages: each page opens one
 * connection to the bridge, answers Hearth's offers and receives the others' tracks in streams named by
 * person. Against the fake bridge (the default) no media can flow, so the test checks the negotiation:
 * the bridge learns every page's sources and every page gets every other's. With
 * {@code HEARTH_TEST_JVB_URL} pointing at a real Jitsi Videobridge's private HTTP API, the same
 * scenario also waits for audio and video to arrive on every page.
 */
@DisplayName("A circle through a media server, in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class CircleBridgeBrowserTest {

    static FakeBridge fake;
    static String bridgeUrl;
    static boolean realBridge;
    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() throws IOException {
        Optional<String> real = Optional.ofNullable(System.getenv("HEARTH_TEST_JVB_URL")).filter(s -> !s.isBlank());
        realBridge = real.isPresent();
        if (realBridge) {
            bridgeUrl = real.get();
        } else {
            fake = new FakeBridge();
            bridgeUrl = fake.base().toString();
            System.out.println("CircleBridgeBrowserTest: HEARTH_TEST_JVB_URL not set: negotiation against the fake bridge only,"
                    + " media through a real bridge is not checked");
        }
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500", "HEARTH_JVB_URLS", bridgeUrl));
        browsers = new BrowserSupport();
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (node != null) {
            node.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    /** What the page's bridge connection has: remote streams by person (with their track count), m-lines, states. */
    static JsonObject bridgeState(Page page) {
        Object json = page.evaluate("() => { const m = window.hearthRoom && window.hearthRoom.mesh; const b = m && m.bridge;"
                + " if (!b || !b.pc) return JSON.stringify({});"
                + " const streams = {}; for (const [id, s] of b.streams) streams[id] = s.getTracks().length;"
                + " const sdp = b.pc.remoteDescription ? b.pc.remoteDescription.sdp : '';"
                + " return JSON.stringify({ streams, mlines: (sdp.match(/\\r\\nm=/g) || []).length, signaling: b.pc.signalingState,"
                + " sending: b.pc.getSenders().filter(s => s.track).map(s => s.track.kind).sort().join(','), peers: m.peers.size }); }");
        return new JsonObject(json.toString());
    }

    /** Endpoints of the circle's conference on the real bridge, by its name (circle-<room>@hearth.internal). */
    static int realEndpoints(String roomId) {
        try {
            return new app.hearth.signaling.colibri.BridgeDebug(java.net.URI.create(bridgeUrl))
                    .endpointsOf("circle-" + roomId + "@hearth.internal");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("the real bridge's /debug did not answer", e);
        }
    }

    static boolean hasStreamsOf(Page page, List<String> others) {
        JsonObject state = bridgeState(page);
        JsonObject streams = state.getJsonObject("streams", new JsonObject());
        return "stable".equals(state.getString("signaling"))
                && others.stream().allMatch(id -> streams.getInteger(id, 0) == 2);
    }

    @Test
    @DisplayName("three pages: one bridge connection each, sources learned by the bridge, every page gets the others' audio and video tracks")
    void threePagesThroughTheBridge() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 2);
        OpenRoom.Member lead = circle.facilitators().get(0);
        List<OpenRoom.Member> patients = circle.patients();
        List<String> everyone = List.of(lead.id(), patients.get(0).id(), patients.get(1).id());

        try (BrowserContext hostContext = browsers.newContext(1200, 900);
             BrowserContext firstContext = browsers.newContext(1200, 900);
             BrowserContext secondContext = browsers.newContext(1200, 900)) {
            Page host = hostContext.newPage();
            List<Page> pages = new ArrayList<>(List.of(host, firstContext.newPage(), secondContext.newPage()));

            CircleBrowserTest.signIn(host, node.baseUrl(), lead.email(), OpenRoom.PASSWORD);
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).click();
            assertThat(host.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session")))
                    .isVisible(CircleBrowserTest.within(15));
            for (int i = 0; i < 2; i++) {
                Page patient = pages.get(i + 1);
                CircleBrowserTest.checkIn(patient, node.baseUrl(), patients.get(i).email());
                String name = "Circle Patient " + (i + 1) + " " + patients.get(i).email().replaceAll(".*\\.(\\d+)@.*", "$1");
                CircleBrowserTest.admit(host, name, patient);
            }

            // every page: one connection to the bridge (no peer connections), sending its camera and
            // microphone, receiving the two others' tracks in streams named by them
            for (int i = 0; i < pages.size(); i++) {
                Page page = pages.get(i);
                String self = everyone.get(i);
                List<String> others = everyone.stream().filter(id -> !id.equals(self)).toList();
                CircleBrowserTest.waitUntil(page, "the others' streams through the bridge", () -> hasStreamsOf(page, others), 30_000);
                JsonObject state = bridgeState(page);
                assertEquals(0, state.getInteger("peers"), "no peer-to-peer connections in a bridged circle: " + state);
                assertEquals("audio,video", state.getString("sending"), state.encode());
                assertTrue(state.getInteger("mlines") >= 6, "own audio and video, and two of each from the others: " + state);
                for (String other : others) {
                    assertThat(page.locator("[data-peer=\"" + other + "\"] video")).hasCount(1);
                }
            }
            BrowserSupport.screenshot(host, "circle-bridge-1-host");

            if (realBridge) {
                for (Page page : pages) {
                    CircleBrowserTest.waitUntil(page, "media from both others through the real bridge",
                            () -> CircleBrowserTest.receivingFrom(page, 2), 60_000);
                }
                // the bridge's own view: the circle's conference, by its JID name, has the three endpoints
                assertEquals(3, realEndpoints(circle.roomId()), "endpoints on the real bridge's /debug");
            } else {
                // the bridge knows each page's audio source and its video source (with its RTX pair)
                Map<String, JsonArray> endpoints = fake.conferences.values().iterator().next();
                assertEquals(1, fake.conferences.size());
                assertEquals(3, endpoints.size(), endpoints.keySet().toString());
                for (JsonArray medias : endpoints.values()) {
                    assertEquals(2, medias.size(), "audio and video sources: " + medias.encode());
                }
            }

            // a patient leaves: the others' pages drop their tiles; the bridge drops the endpoint
            Page leaver = pages.get(2);
            leaver.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Leave")).click();
            assertThat(host.locator("[data-peer=\"" + everyone.get(2) + "\"]")).hasCount(0);
            if (!realBridge) {
                CircleBrowserTest.waitUntil(host, "the bridge to expire the leaver's endpoint",
                        () -> fake.conferences.values().stream().mapToInt(Map::size).sum() == 2, 10_000);
            } else {
                CircleBrowserTest.waitUntil(host, "the real bridge to expire the leaver's endpoint",
                        () -> realEndpoints(circle.roomId()) == 2, 10_000);
            }
        }
    }
}
