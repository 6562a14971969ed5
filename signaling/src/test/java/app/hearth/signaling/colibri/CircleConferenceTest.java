package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A circle's conference on Jitsi Videobridge, against a fake bridge that answers like a real one")
class CircleConferenceTest {

    static final String CHROME_ANSWER = String.join("\r\n", "v=0", "o=- 8476321 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
            "a=group:BUNDLE 0 1", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=ice-ufrag:cLnT", "a=ice-pwd:clientpwd0123456789abcdef",
            "a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00",
            "a=setup:active", "a=mid:0", "a=sendrecv", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=ssrc:11111111 cname:x", "a=ssrc:11111111 msid:s a0",
            "a=candidate:842163049 1 udp 1677729535 192.0.2.7 50322 typ srflx raddr 10.0.0.2 rport 50322 generation 0",
            "m=video 9 UDP/TLS/RTP/SAVPF 100 96", "c=IN IP4 0.0.0.0", "a=mid:1", "a=sendrecv", "a=rtcp-mux",
            "a=ssrc-group:FID 22222222 22222223", "a=ssrc:22222222 cname:x", "a=ssrc:22222223 cname:x", "");

    @Test
    @DisplayName("allocates one endpoint per participant (create, then add), takes their answers, expires them, and the conference")
    void lifecycle() throws Exception {
        try (FakeBridge fake = new FakeBridge()) {
            Bridges bridges = new Bridges(List.of(fake.base()), BridgeHttp.jdk());
            CircleConference circle = new CircleConference(bridges, BridgeHttp.jdk(), "circle-42");
            IceUdpTransportPacketExtension first = circle.allocate("ep1");
            IceUdpTransportPacketExtension second = circle.allocate("ep2");
            assertNotEquals(first.getUfrag(), second.getUfrag(), "each endpoint has its own ICE credentials");
            assertEquals(1, fake.conferences.size());
            assertEquals(2, bridges.all().get(0).endpoints());

            circle.answer("ep1", CircleSdp.answer("ep1", CHROME_ANSWER));
            circle.expire("ep2");
            assertEquals(1, bridges.all().get(0).endpoints());
            circle.close();
            assertTrue(fake.conferences.isEmpty(), "the room closed: the conference is expired");
        }
    }

    @Test
    @DisplayName("picks the healthy bridge with the fewest endpoints; an unhealthy one is skipped")
    void selection() throws Exception {
        try (FakeBridge a = new FakeBridge(); FakeBridge b = new FakeBridge()) {
            Bridges bridges = new Bridges(List.of(a.base(), b.base()), BridgeHttp.jdk());
            CircleConference one = new CircleConference(bridges, BridgeHttp.jdk(), "c1");
            one.allocate("x1");
            one.allocate("x2");
            CircleConference two = new CircleConference(bridges, BridgeHttp.jdk(), "c2");
            two.allocate("y1");
            assertNotEquals(one.bridge(), two.bridge(), "the second circle goes to the less loaded bridge");

            a.unhealthy = true;
            b.unhealthy = false;
            bridges.checkHealth();
            CircleConference three = new CircleConference(bridges, BridgeHttp.jdk(), "c3");
            three.allocate("z1");
            assertEquals(b.base(), three.bridge().base());
        }
    }

    @Test
    @DisplayName("a bridge that dies mid-circle: the circle moves to another bridge, every endpoint allocated anew")
    void failover() throws Exception {
        try (FakeBridge a = new FakeBridge(); FakeBridge b = new FakeBridge()) {
            Bridges bridges = new Bridges(List.of(a.base(), b.base()), BridgeHttp.jdk());
            b.unhealthy = true;
            bridges.checkHealth();
            CircleConference circle = new CircleConference(bridges, BridgeHttp.jdk(), "circle-7");
            circle.allocate("ep1");
            circle.allocate("ep2");
            assertEquals(a.base(), circle.bridge().base());

            a.kill();
            b.unhealthy = false;
            bridges.checkHealth();
            ColibriException failed = assertThrows(ColibriException.class, () -> circle.allocate("ep3"));
            assertEquals(-1, failed.status());
            Map<String, IceUdpTransportPacketExtension> moved = circle.moveToAnotherBridge();
            assertEquals(List.of("ep1", "ep2"), List.copyOf(moved.keySet()), "their browsers need new offers");
            assertEquals(b.base(), circle.bridge().base());
            assertEquals(2, b.conferences.values().iterator().next().size());
            assertTrue(!bridges.all().get(0).healthy());
        }
    }

    @Test
    @DisplayName("the bridge's refusals arrive with its reason: wrong content type, unknown conference")
    void refusals() throws Exception {
        try (FakeBridge fake = new FakeBridge()) {
            BridgeHttp http = BridgeHttp.jdk();
            BridgeHttp.Response noJson = http.send("POST", fake.base().resolve("/colibri/v2/conferences"), null);
            assertEquals(415, noJson.status());
            BridgeHttp.Response unknown = http.send("PATCH", fake.base().resolve("/colibri/v2/conferences/nope"),
                    ColibriMessages.expireEndpoint("nope", "ep1"));
            assertEquals(404, unknown.status());
            assertEquals("Conference not found", ColibriException.reason(unknown.body()));
            BridgeHttp.Response noCapability = http.send("POST", fake.base().resolve("/colibri/v2/conferences"),
                    ColibriMessages.allocate("m-1", "c", "ep1", true).replace("\"source-names\"", "\"nothing\""));
            assertEquals(400, noCapability.status());
            assertTrue(ColibriException.reason(noCapability.body()).contains("Source name support is mandatory"));
            Bridges none = new Bridges(List.of(URI.create("http://127.0.0.1:9")), http);
            none.checkHealth();
            assertThrows(ColibriException.class, () -> new CircleConference(none, http, "c").allocate("ep"));
        }
    }

    @Test
    @DisplayName("SDP: the offer carries the bridge's ICE, DTLS and candidates and the others' sources; the answer is read back")
    void sdp() throws Exception {
        IceUdpTransportPacketExtension bridge = ColibriMessages.transportOf(ColibriMessages.read(
                ColibriMessagesTest.resource("create-answer.json")), "ep1");
        String offer = CircleSdp.offer(bridge, List.of(new CircleSdp.RemoteSource("ep2-a0", "audio", 33333333L, null),
                new CircleSdp.RemoteSource("ep2-v0", "video", 44444444L, 44444445L),
                new CircleSdp.RemoteSource("ep3-a0", "audio", 55555555L, null)), 2);
        for (String line : List.of("a=ice-ufrag:b5mmi1k81a9a5k", "a=ice-pwd:i8u588kp8lhuscms4438g4imd",
                "a=fingerprint:sha-256 A4:62:5F:98", "a=setup:actpass", "a=group:BUNDLE 0 1 2",
                "a=candidate:1 1 udp 2130706431 10.99.0.1 10000 typ host generation 0", "a=ssrc-group:FID 44444444 44444445",
                "a=ssrc:33333333 msid:ep2-a0 ep2-a0-track", "a=ssrc:55555555 msid:ep3-a0 ep3-a0-track", "a=sendonly", "a=rtcp-mux")) {
            assertTrue(offer.contains(line), "offer has " + line + "\n" + offer);
        }
        CircleSdp.Answer answer = CircleSdp.answer("ep1", CHROME_ANSWER);
        assertEquals("cLnT", answer.transport().getUfrag());
        assertEquals(11111111L, answer.sources().audioSsrc());
        assertEquals(22222222L, answer.sources().videoSsrc());
        assertEquals(22222223L, answer.sources().videoRtxSsrc());
        assertEquals("192.0.2.7", answer.transport().getCandidateList().get(0).getIP());
        assertThrows(IllegalArgumentException.class, () -> CircleSdp.answer("ep1", "garbage"));
    }
}
