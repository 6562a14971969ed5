package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Against a real Jitsi Videobridge when HEARTH_TEST_JVB_URL names its private HTTP API (e.g.
 * http://10.99.0.1:8080; the bridge must be on a non-loopback address to offer candidates). It is part
 * of the normal suite, so its skip shows in every build that has no bridge.
 */
@DisplayName("A real Jitsi Videobridge (HEARTH_TEST_JVB_URL)")
class RealBridgeTest {

    @Test
    @DisplayName("health, a circle of two with a browser answer each, a leave, and expiry on a real bridge")
    void realBridge() throws Exception {
        String url = System.getenv("HEARTH_TEST_JVB_URL");
        assumeTrue(url != null && !url.isBlank(), "HEARTH_TEST_JVB_URL is not set: skipped, no real bridge to test against");
        try (CircleConferences hearth = new CircleConferences(BridgeConfig.of(List.of(URI.create(url.strip()))))) {
            hearth.checkHealth();
            assertTrue(hearth.bridges().all().get(0).healthy(), "the bridge at " + url + " is unhealthy: "
                    + hearth.bridges().all().get(0).lastFailure());
            String circle = "it" + Long.toHexString(System.nanoTime());
            Offer first = hearth.join(circle, "ep1").offers().get(0);
            assertTrue(first.sdp().contains("a=fingerprint:sha-256 "));
            assertTrue(first.sdp().contains("a=candidate:"), "a bridge on a non-loopback address offers candidates:\n" + first.sdp());
            hearth.join(circle, "ep2");
            CircleUpdate update = hearth.answer(circle, "ep1", CircleConferencesTest.answerOf(1));
            assertEquals(List.of("ep2"), update.offers().stream().map(Offer::participantId).toList());
            hearth.answer(circle, "ep2", CircleConferencesTest.answerOf(2));
            assertFalse(hearth.leave(circle, "ep2").moved());
            hearth.close(circle);
        }
    }
}
