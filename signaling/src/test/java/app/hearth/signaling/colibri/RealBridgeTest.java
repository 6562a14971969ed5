package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Against a real Jitsi Videobridge when HEARTH_TEST_JVB_URL names its private HTTP API (e.g.
 * http://10.99.0.1:8080; the bridge must be on a non-loopback address to offer candidates, and have its
 * colibri WebSockets enabled as in infra/jvb/jvb.conf). When HEARTH_TEST_JVB_WS_BASE names where its
 * WebSockets can be reached from here (e.g. ws://10.99.0.1:9090, no proxy), the channel is opened too.
 * It is part of the normal suite, so its skip shows in every build that has no bridge.
 */
@DisplayName("A real Jitsi Videobridge (HEARTH_TEST_JVB_URL)")
class RealBridgeTest {

    @Test
    @DisplayName("health, a JID-named circle of two (endpoints counted by the bridge's /debug), channel URLs, a leave, and expiry on a real bridge")
    void realBridge() throws Exception {
        String url = System.getenv("HEARTH_TEST_JVB_URL");
        assumeTrue(url != null && !url.isBlank(), "HEARTH_TEST_JVB_URL is not set: skipped, no real bridge to test against");
        String wsBase = System.getenv("HEARTH_TEST_JVB_WS_BASE");
        BridgeConfig config = BridgeConfig.of(List.of(URI.create(url.strip())));
        if (wsBase != null && !wsBase.isBlank()) {
            config = config.withWsPublicBase(URI.create(wsBase.strip()));
        }
        BridgeDebug debug = new BridgeDebug(URI.create(url.strip()));
        try (CircleConferences hearth = new CircleConferences(config)) {
            hearth.checkHealth();
            assertTrue(hearth.bridges().all().get(0).healthy(), "the bridge at " + url + " is unhealthy: "
                    + hearth.bridges().all().get(0).lastFailure());
            String circle = "it" + Long.toHexString(System.nanoTime());
            String name = config.conferenceName(circle);
            Offer first = hearth.join(circle, "ep1").offers().get(0);
            assertTrue(first.sdp().contains("a=fingerprint:sha-256 "));
            assertTrue(first.sdp().contains("a=candidate:"), "a bridge on a non-loopback address offers candidates:\n" + first.sdp());
            assertNotNull(first.channelUrl(), "the bridge advertises no colibri WebSocket: enable videobridge.websockets (infra/jvb/jvb.conf)");
            assertTrue(first.channelUrl().matches("wss?://[^/]+(/.*)?/colibri-ws/[^/]+/[^/]+/ep1\\?pwd=.+"), first.channelUrl());
            assertEquals(1, debug.endpointsOf(name), "the bridge names the conference " + name);

            Offer second = hearth.join(circle, "ep2").offers().stream().filter(o -> o.participantId().equals("ep2")).findFirst().orElseThrow();
            assertNotNull(second.channelUrl());
            CircleUpdate update = hearth.answer(circle, "ep1", CircleConferencesTest.answerOf(1));
            assertEquals(List.of("ep2"), update.offers().stream().map(Offer::participantId).toList());
            hearth.answer(circle, "ep2", CircleConferencesTest.answerOf(2));
            assertEquals(2, debug.endpointsOf(name), "both endpoints on the bridge");

            if (wsBase != null && !wsBase.isBlank()) {
                // the channel: ServerHello first, then the bridge accepts ReceiverVideoConstraints
                CompletableFuture<String> hello = new CompletableFuture<>();
                WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(first.channelUrl()),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                hello.complete(data.toString());
                                ws.request(1);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
                assertTrue(hello.get(10, TimeUnit.SECONDS).contains("\"colibriClass\":\"ServerHello\""));
                socket.sendText("{\"colibriClass\":\"ReceiverVideoConstraints\",\"lastN\":1,\"defaultConstraints\":{\"maxHeight\":360}}", true)
                        .get(10, TimeUnit.SECONDS);
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            }

            assertFalse(hearth.leave(circle, "ep2").moved());
            assertEquals(1, debug.endpointsOf(name));
            hearth.close(circle);
            assertEquals(0, debug.endpointsOf(name), "expired with the circle");
        }
    }
}
