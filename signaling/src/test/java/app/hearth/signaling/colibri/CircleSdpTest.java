package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.jitsi.xmpp.extensions.jingle.CandidatePacketExtension;
import org.jitsi.xmpp.extensions.jingle.CandidateType;
import org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SDP between a browser and the bridge")
class CircleSdpTest {

    static final Source JVB_A = new Source("jvb-a0", "jvb", "audio", List.of(1611746211L), List.of());
    static final Source JVB_V = new Source("jvb-v0", "jvb", "video", List.of(2879691875L), List.of());
    static final Source EP2_A = new Source("ep2-a0", "ep2", "audio", List.of(33333333L), List.of());
    static final Source EP2_V = new Source("ep2-v0", "ep2", "video", List.of(44444444L, 44444445L),
            List.of(new Source.SsrcGroup("FID", List.of(44444444L, 44444445L))));

    static IceUdpTransportPacketExtension recordedTransport() throws ColibriException {
        return ColibriMessages.transportOf(ColibriMessages.read(Samples.text("colibri2/create-answer.json")), "ep1");
    }

    static List<CircleSdp.Slot> slots() {
        return List.of(new CircleSdp.Slot("0", "audio", true, JVB_A), new CircleSdp.Slot("1", "video", true, JVB_V),
                new CircleSdp.Slot("2", "audio", false, EP2_A), new CircleSdp.Slot("3", "video", false, EP2_V),
                new CircleSdp.Slot("4", "video", false, null));
    }

    /** The lines of the m-section with this mid. */
    static List<String> section(String sdp, String mid) {
        String[] parts = sdp.split("(?=m=)");
        return Arrays.stream(parts).filter(p -> p.contains("a=mid:" + mid + "\r\n")).findFirst()
                .map(p -> List.of(p.split("\r\n"))).orElseThrow(() -> new AssertionError("no m-line with mid " + mid + " in\n" + sdp));
    }

    @Test
    @DisplayName("the offer from a recorded bridge answer has the session lines, BUNDLE of all mids and every transport line in every m-line")
    void offerTransport() throws Exception {
        String sdp = CircleSdp.offer(42, 3, recordedTransport(), slots());
        assertTrue(sdp.startsWith("v=0\r\no=- 42 3 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2 3 4\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=msid-semantic: WMS *\r\n"));
        assertTrue(sdp.contains("\r\na=extmap-allow-mixed\r\n"));
        assertTrue(sdp.endsWith("\r\n"));
        for (String mid : List.of("0", "1", "2", "3", "4")) {
            List<String> m = section(sdp, mid);
            for (String line : List.of("c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:b5mmi1k81a9a5k",
                    "a=ice-pwd:i8u588kp8lhuscms4438g4imd",
                    "a=fingerprint:sha-256 A4:62:5F:98:82:F2:2C:AE:56:80:FA:E0:5C:0C:01:84:28:50:43:5F:84:FD:78:E4:8A:BF:CC:9D:08:2E:BE:F7",
                    "a=setup:actpass", "a=rtcp-mux",
                    "a=candidate:1 1 udp 2130706431 10.99.0.1 10000 typ host generation 0", "a=end-of-candidates")) {
                assertTrue(m.contains(line), "mid " + mid + " has " + line + ":\n" + String.join("\n", m));
            }
        }
    }

    @Test
    @DisplayName("audio m-lines: opus with FEC and transport-cc, audio level and transport-cc extensions; video: VP8 with rtx, nack, pli, fir")
    void offerCodecs() throws Exception {
        String sdp = CircleSdp.offer(42, 3, recordedTransport(), slots());
        List<String> audio = section(sdp, "0");
        assertEquals("m=audio 9 UDP/TLS/RTP/SAVPF 111", audio.get(0));
        for (String line : List.of("a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtcp-fb:111 transport-cc",
                "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")) {
            assertTrue(audio.contains(line), line);
        }
        List<String> video = section(sdp, "1");
        assertEquals("m=video 9 UDP/TLS/RTP/SAVPF 100 96", video.get(0));
        for (String line : List.of("a=rtpmap:100 VP8/90000", "a=rtcp-fb:100 ccm fir", "a=rtcp-fb:100 nack", "a=rtcp-fb:100 nack pli",
                "a=rtcp-fb:100 transport-cc", "a=fmtp:100 x-google-start-bitrate=800", "a=rtpmap:96 rtx/90000", "a=fmtp:96 apt=100",
                "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                "a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")) {
            assertTrue(video.contains(line), line);
        }
        assertFalse(sdp.contains("sdes:mid"), "no mid header extension: browsers demultiplex the bridge's forwarded packets by SSRC");
    }

    @Test
    @DisplayName("sources: own m-lines sendrecv with the bridge's feedback source, others' sources sendonly with ssrc/msid/FID lines, a free m-line inactive")
    void offerSources() throws Exception {
        String sdp = CircleSdp.offer(42, 3, recordedTransport(), slots());
        List<String> ownAudio = section(sdp, "0");
        assertTrue(ownAudio.contains("a=sendrecv"));
        assertTrue(ownAudio.contains("a=ssrc:1611746211 msid:jvb jvb-a0"));
        List<String> audio = section(sdp, "2");
        assertTrue(audio.contains("a=sendonly"));
        assertTrue(audio.contains("a=msid:ep2 ep2-a0"));
        assertTrue(audio.contains("a=ssrc:33333333 cname:ep2"));
        assertTrue(audio.contains("a=ssrc:33333333 msid:ep2 ep2-a0"));
        List<String> video = section(sdp, "3");
        assertTrue(video.contains("a=sendonly"));
        assertTrue(video.contains("a=ssrc-group:FID 44444444 44444445"));
        for (long ssrc : List.of(44444444L, 44444445L)) {
            assertTrue(video.contains("a=ssrc:" + ssrc + " cname:ep2"), "same cname for audio and video: lip sync");
            assertTrue(video.contains("a=ssrc:" + ssrc + " msid:ep2 ep2-v0"));
        }
        List<String> free = section(sdp, "4");
        assertTrue(free.contains("a=inactive"));
        assertTrue(free.stream().noneMatch(l -> l.startsWith("a=ssrc") || l.startsWith("a=msid")));
        List<String> recvonly = section(CircleSdp.offer(42, 1, recordedTransport(),
                List.of(new CircleSdp.Slot("0", "audio", true, null), new CircleSdp.Slot("1", "video", true, null))), "1");
        assertTrue(recvonly.contains("a=recvonly"), "own m-line without a bridge source: the bridge only receives");
    }

    @Test
    @DisplayName("a Chromium answer: ICE credentials, fingerprint with setup active, candidates (mDNS host, srflx), its two sources with FID, none from recvonly m-lines")
    void chromiumAnswer() {
        CircleSdp.BrowserAnswer answer = CircleSdp.parseAnswer("ep1", Samples.text("sdp/chromium-answer.sdp"));
        IceUdpTransportPacketExtension transport = answer.transport();
        assertEquals("Xq3v", transport.getUfrag());
        assertEquals("R2d8kQ0pLm9sTz4vWx7yAb1c", transport.getPassword());
        DtlsFingerprintPacketExtension fingerprint = transport.getChildExtensionsOfType(DtlsFingerprintPacketExtension.class).get(0);
        assertEquals("active", fingerprint.getSetup());
        assertEquals("sha-256", fingerprint.getHash());
        assertEquals("7F:3A:91:0C:5E:B2:44:D8:1A:6F:C3:28:9B:E0:57:12:AD:64:F9:3E:80:C5:1B:72:D6:09:4E:B8:23:FA:6C:95", fingerprint.getFingerprint());
        List<CandidatePacketExtension> candidates = transport.getCandidateList();
        assertEquals(2, candidates.size());
        assertEquals("3f2c9a1e-8b7d-4c1a-9e2f-5d6c7b8a9f01.local", candidates.get(0).getIP());
        assertEquals(CandidateType.host, candidates.get(0).getType());
        assertEquals(CandidateType.srflx, candidates.get(1).getType());
        assertEquals(54321, candidates.get(1).getPort());
        assertEquals("0.0.0.0", candidates.get(1).getRelAddr());
        assertEquals(List.of(new Source("ep1-a0", "ep1", "audio", List.of(1829374650L), List.of()),
                new Source("ep1-v0", "ep1", "video", List.of(2390817264L, 3871205569L),
                        List.of(new Source.SsrcGroup("FID", List.of(2390817264L, 3871205569L))))), answer.sources());
    }

    @Test
    @DisplayName("an answer without sending m-lines (camera and microphone off) has no sources")
    void noSources() {
        String sdp = Samples.text("sdp/chromium-answer.sdp").replace("a=sendrecv", "a=recvonly");
        assertTrue(CircleSdp.parseAnswer("ep1", sdp).sources().isEmpty());
    }

    @Test
    @DisplayName("garbage is refused with a reason: not SDP, no ICE, no or bad fingerprint, setup actpass, too large, too many candidates, bad SSRC")
    void refusals() {
        String good = Samples.text("sdp/chromium-answer.sdp");
        List<String> bad = List.of("garbage", "v=0\r\ns=-\r\n", good.replaceAll("a=ice-ufrag:Xq3v\r\n", ""),
                good.replaceAll("a=fingerprint:[^\r]*\r\n", ""), good.replace("a=fingerprint:sha-256 7F", "a=fingerprint:sha-256 ZZ"),
                good.replace("a=setup:active", "a=setup:actpass"), good + "a=x:" + "y".repeat(70_000) + "\r\n",
                good.replace("a=ssrc:1829374650 cname", "a=ssrc:99999999999 cname"),
                good.replace("a=ice-ufrag:Xq3v", "a=ice-ufrag:X q3v<script>"));
        for (String sdp : bad) {
            assertThrows(IllegalArgumentException.class, () -> CircleSdp.parseAnswer("ep1", sdp),
                    sdp.length() > 80 ? sdp.substring(0, 80) : sdp);
        }
        StringBuilder flood = new StringBuilder(good);
        for (int i = 0; i < 40; i++) {
            flood.append("a=candidate:").append(i).append(" 1 udp 1 192.0.2.").append(i).append(" 9 typ host\r\n");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CircleSdp.parseAnswer("ep1", flood.toString()));
        assertTrue(e.getMessage().contains("candidates"));
    }

    @Test
    @DisplayName("trickled candidates as RTCIceCandidate.candidate gives them: host, srflx with raddr, tcp with tcptype; junk refused")
    void candidates() {
        CandidatePacketExtension tcp = CircleSdp.parseCandidate(
                "candidate:4 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0 ufrag Xq3v network-id 1");
        assertEquals("tcp", tcp.getProtocol());
        assertEquals("active", tcp.getTcpType());
        CandidatePacketExtension srflx = CircleSdp.parseCandidate("a=candidate:2 1 UDP 1686052607 198.51.100.23 61000 typ srflx raddr 10.0.0.5 rport 61000");
        assertEquals("udp", srflx.getProtocol());
        assertEquals(61000, srflx.getRelPort());
        for (String junk : List.of("", "candidate:", "candidate:1 1 udp x 1.2.3.4 9 typ host", "candidate:1 1 udp 1 1.2.3.4 9 typ bogus",
                "candidate:1 1 udp 1 <img> 9 typ host", "candidate:1 1 udp 1 1.2.3.4 99999 typ host", "hello")) {
            assertThrows(IllegalArgumentException.class, () -> CircleSdp.parseCandidate(junk), junk);
        }
    }
}
