package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.util.List;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Against a real Jitsi Videobridge, when HEARTH_TEST_JVB_URL names its private HTTP API (e.g.
 * http://10.99.0.1:9090); skipped, saying so, otherwise. It is part of the
 * normal suite, so the skip is visible in every build.
 */
@DisplayName("A real Jitsi Videobridge (HEARTH_TEST_JVB_URL)")
class RealBridgeTest {

    @Test
    @DisplayName("health, a conference with two endpoints, and expiry on a real bridge")
    void realBridge() throws Exception {
        String url = System.getenv("HEARTH_TEST_JVB_URL");
        assumeTrue(url != null && !url.isBlank(), "HEARTH_TEST_JVB_URL is not set: no real bridge to test against");
        Bridges bridges = new Bridges(List.of(URI.create(url)), BridgeHttp.jdk());
        bridges.checkHealth();
        assumeTrue(bridges.all().get(0).healthy(), "the bridge at " + url + " reports itself unhealthy");
        CircleConference circle = new CircleConference(bridges, BridgeHttp.jdk(), "hearth-it");
        IceUdpTransportPacketExtension first = circle.allocate("ep1");
        assertNotNull(first.getUfrag());
        assertFalse(first.getCandidateList().isEmpty(), "a bridge on a non-loopback address offers candidates");
        circle.allocate("ep2");
        circle.expire("ep2");
        circle.close();
    }
}
