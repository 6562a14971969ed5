package app.hearth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.TestNode;
import app.hearth.signaling.colibri.CircleSdp;
import app.hearth.signaling.colibri.ColibriMessages;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The SDP Hearth builds for a circle on Jitsi Videobridge, taken by a real Chromium: it accepts the
 * offer (built from a recorded bridge answer and other participants' sources), adds its camera and
 * microphone, answers, and Hearth reads that answer back into what the bridge needs.
 */
@DisplayName("Bridge SDP round trip through a real Chromium")
class BridgeSdpBrowserTest {

    @Test
    @DisplayName("Chromium accepts the offer, answers with setup active and its own sources, and the answer reads back")
    void roundTrip() throws Exception {
        String recorded;
        try (InputStream in = BridgeSdpBrowserTest.class.getResourceAsStream("/colibri2/create-answer.json")) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var transport = ColibriMessages.transportOf(ColibriMessages.read(recorded), "ep1");
        String offer = CircleSdp.offer(transport, List.of(new CircleSdp.RemoteSource("ep2-a0", "audio", 33333333L, null),
                new CircleSdp.RemoteSource("ep2-v0", "video", 44444444L, 44444445L),
                new CircleSdp.RemoteSource("ep3-v0", "video", 66666666L, 66666667L)), 2);
        try (TestNode node = TestNode.start(); BrowserSupport browsers = new BrowserSupport();
             BrowserContext context = browsers.newContext(800, 600)) {
            Page page = context.newPage();
            page.navigate(node.baseUrl() + "/#/login");
            String answer = (String) page.evaluate("async (sdp) => {"
                    + " const pc = new RTCPeerConnection();"
                    + " await pc.setRemoteDescription({ type: 'offer', sdp });"
                    + " const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });"
                    + " media.getTracks().forEach(t => pc.addTrack(t, media));"
                    + " await pc.setLocalDescription(await pc.createAnswer());"
                    + " const streams = pc.getTransceivers().filter(t => t.receiver.track).length;"
                    + " const text = pc.localDescription.sdp; pc.close(); return text + '\\r\\na=x-hearth-transceivers:' + streams; }", offer);
            assertTrue(answer.contains("a=setup:active"), "the browser is the DTLS client, the bridge the server");
            assertTrue(answer.contains("a=x-hearth-transceivers:3"), "one transceiver per m-line: own audio and video (with the first remote ones), one more video: " + answer.substring(answer.lastIndexOf("a=x-hearth")));
            CircleSdp.Answer read = CircleSdp.answer("ep1", answer);
            assertTrue(read.transport().getUfrag().length() >= 4);
            assertTrue(read.sources().audioSsrc() > 0 && read.sources().videoSsrc() > 0, "the browser's own sources: " + read.sources());
            assertEquals("sha-256", read.transport().getChildExtensionsOfType(
                    org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension.class).get(0).getHash());
        }
    }
}
