package app.hearth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.TestNode;
import app.hearth.signaling.colibri.CircleSdp;
import app.hearth.signaling.colibri.ColibriMessages;
import app.hearth.signaling.colibri.Source;
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
        Source jvbAudio = new Source("jvb-a0", Source.BRIDGE, "audio", List.of(1611746211L), List.of());
        Source jvbVideo = new Source("jvb-v0", Source.BRIDGE, "video", List.of(2879691875L), List.of());
        Source ep2Audio = new Source("ep2-a0", "ep2", "audio", List.of(33333333L), List.of());
        Source ep2Video = new Source("ep2-v0", "ep2", "video", List.of(44444444L, 44444445L),
                List.of(new Source.SsrcGroup("FID", List.of(44444444L, 44444445L))));
        Source ep3Video = new Source("ep3-v0", "ep3", "video", List.of(66666666L, 66666667L),
                List.of(new Source.SsrcGroup("FID", List.of(66666666L, 66666667L))));
        String offer = CircleSdp.offer(7, 1, transport, List.of(new CircleSdp.Slot("0", "audio", true, jvbAudio),
                new CircleSdp.Slot("1", "video", true, jvbVideo), new CircleSdp.Slot("2", "audio", false, ep2Audio),
                new CircleSdp.Slot("3", "video", false, ep2Video), new CircleSdp.Slot("4", "video", false, ep3Video),
                new CircleSdp.Slot("5", "audio", false, null)));
        try (TestNode node = TestNode.start(); BrowserSupport browsers = new BrowserSupport();
             BrowserContext context = browsers.newContext(800, 600)) {
            Page page = context.newPage();
            page.navigate(node.baseUrl() + "/#/login");
            String answer = (String) page.evaluate("async (sdp) => {"
                    + " const pc = new RTCPeerConnection(); window.hearthPc = pc; window.hearthStreams = [];"
                    + " pc.ontrack = e => window.hearthStreams.push(e.streams.length ? e.streams[0].id : '-');"
                    + " await pc.setRemoteDescription({ type: 'offer', sdp });"
                    + " const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });"
                    + " media.getTracks().forEach(t => pc.addTrack(t, media));"
                    + " await pc.setLocalDescription(await pc.createAnswer());"
                    + " const streams = pc.getTransceivers().filter(t => t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv').length;"
                    + " return pc.localDescription.sdp + '\\r\\na=x-hearth-transceivers:' + streams; }", offer);
            @SuppressWarnings("unchecked")
            List<String> streamIds = (List<String>) page.evaluate("() => window.hearthStreams");
            assertTrue(streamIds.containsAll(List.of("ep2", "ep3", "jvb")), "remote tracks arrive in streams named by participant: " + streamIds);
            // a renegotiation: ep2 left (its m-lines inactive), ep4's audio takes the free audio m-line; no m-line is removed
            Source ep4Audio = new Source("ep4-a0", "ep4", "audio", List.of(77777777L), List.of());
            String second = CircleSdp.offer(7, 2, transport, List.of(new CircleSdp.Slot("0", "audio", true, jvbAudio),
                    new CircleSdp.Slot("1", "video", true, jvbVideo), new CircleSdp.Slot("2", "audio", false, null),
                    new CircleSdp.Slot("3", "video", false, null), new CircleSdp.Slot("4", "video", false, ep3Video),
                    new CircleSdp.Slot("5", "audio", false, ep4Audio)));
            Object receiving = page.evaluate("async (sdp) => { const pc = window.hearthPc;"
                    + " await pc.setRemoteDescription({ type: 'offer', sdp });"
                    + " await pc.setLocalDescription(await pc.createAnswer());"
                    + " const n = pc.getTransceivers().filter(t => t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv').length;"
                    + " pc.close(); return n; }", second);
            assertEquals(4, ((Number) receiving).intValue(), "own audio and video, ep3's video and ep4's audio");
            assertTrue(answer.contains("a=setup:active"), "the browser is the DTLS client, the bridge the server");
            assertTrue(answer.contains("a=x-hearth-transceivers:5"), "receiving on own audio and video (the bridge's feedback) and the"
                    + " three other participants' sources; the free m-line inactive: " + answer.substring(answer.lastIndexOf("a=x-hearth")));
            CircleSdp.BrowserAnswer read = CircleSdp.parseAnswer("ep1", answer);
            assertTrue(read.transport().getUfrag().length() >= 4);
            assertEquals(List.of("ep1-a0", "ep1-v0"), read.sources().stream().map(Source::name).toList(),
                    "the browser's own sources: " + read.sources());
            assertEquals("sha-256", read.transport().getChildExtensionsOfType(
                    org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension.class).get(0).getHash());
        }
    }
}
