package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jitsi.xmpp.extensions.colibri2.ConferenceModifiedIQ;
import org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Colibri2 JSON Hearth sends, compared with what a real bridge accepted, and its answers read back. */
@DisplayName("Colibri2 messages, in the bridge's own format")
class ColibriMessagesTest {

    static final String MEETING = "7c0b2a4e-1d2f-4c3b-9a55-000000000001";

    @Test
    @DisplayName("creating a conference is exactly the request a real bridge accepted (meeting-id, booleans, number and string ids, source-names)")
    void createIsTheRecordedRequest() {
        JsonNode sent = Samples.tree(ColibriMessages.allocate(MEETING, "circle-42@hearth", "ep1", true));
        JsonNode recorded = Samples.json("colibri2/create-request.json");
        // the recorded request spelled out rtx's empty feedback list; Jitsi's serializer leaves an empty list out
        ObjectNode rtx = (ObjectNode) recorded.get("endpoints").get(0).get("medias").get(1).get("payload-types").get(1);
        assertEquals(0, rtx.remove("rtcp-fbs").size());
        assertEquals(recorded, sent);
        assertTrue(sent.get("create").isBoolean(), "create is a JSON boolean");
        JsonNode endpoint = sent.get("endpoints").get(0);
        assertTrue(endpoint.get("create").isBoolean());
        assertTrue(endpoint.get("transport").get("ice-controlling").isBoolean());
        assertTrue(endpoint.get("medias").get(0).get("rtp-hdrexts").get(0).get("id").isNumber(), "header-extension ids are numbers");
        assertTrue(endpoint.get("medias").get(0).get("payload-types").get(0).get("id").isTextual(), "payload-type ids are strings");
        assertTrue(endpoint.get("medias").get(1).get("extmap-allow-mixed").isBoolean());
    }

    @Test
    @DisplayName("adding an endpoint: one endpoint, created, with transport and source-names, and no conference creation")
    void addEndpoint() {
        JsonNode sent = Samples.tree(ColibriMessages.allocate(MEETING, "circle-42@hearth", "ep2", false));
        assertEquals(MEETING, sent.get("meeting-id").asText());
        assertFalse(sent.has("create"), "adding an endpoint creates no conference");
        assertFalse(sent.has("name"));
        assertEquals(1, sent.get("endpoints").size());
        JsonNode endpoint = sent.get("endpoints").get(0);
        assertEquals("ep2", endpoint.get("id").asText());
        assertTrue(endpoint.get("create").booleanValue());
        assertEquals("source-names", endpoint.get("capabilities").get(0).asText());
        assertTrue(endpoint.get("transport").isObject());
    }

    @Test
    @DisplayName("a participant's sources are written as the bridge recorded them: names per source, FID group of primary and rtx")
    void sources() {
        List<Source> sources = List.of(new Source("ep2-a0", "ep2", "audio", List.of(33333333L), List.of()),
                new Source("ep2-v0", "ep2", "video", List.of(44444444L, 44444445L),
                        List.of(new Source.SsrcGroup("FID", List.of(44444444L, 44444445L)))));
        JsonNode sent = Samples.tree(ColibriMessages.updateEndpoint(MEETING, "ep2", null, sources));
        JsonNode endpoint = sent.get("endpoints").get(0);
        assertEquals(1, sent.get("endpoints").size());
        assertFalse(endpoint.has("create"));
        assertFalse(endpoint.has("transport"), "no transport when none is given");
        assertEquals(Samples.json("colibri2/add-endpoint-sources.json").get("sources"), endpoint.get("sources"));
    }

    @Test
    @DisplayName("the browser's transport goes to the bridge: ufrag, pwd, fingerprint with setup active, rtcp-mux, candidates")
    void browserTransport() {
        CircleSdp.BrowserAnswer answer = CircleSdp.parseAnswer("ep1", Samples.text("sdp/chromium-answer.sdp"));
        JsonNode sent = Samples.tree(ColibriMessages.updateEndpoint(MEETING, "ep1", answer.transport(), answer.sources()));
        JsonNode transport = sent.get("endpoints").get(0).get("transport").get("transport");
        assertEquals("urn:xmpp:jingle:transports:ice-udp:1", transport.get("xmlns").asText());
        assertEquals("Xq3v", transport.get("ufrag").asText());
        assertEquals("R2d8kQ0pLm9sTz4vWx7yAb1c", transport.get("pwd").asText());
        assertTrue(transport.get("rtcp-mux").booleanValue());
        JsonNode fingerprint = transport.get("fingerprints").get(0);
        assertEquals("sha-256", fingerprint.get("hash").asText());
        assertEquals("active", fingerprint.get("setup").asText());
        assertTrue(fingerprint.get("fingerprint").asText().startsWith("7F:3A:91"));
        assertEquals(2, transport.get("candidates").size());
        JsonNode srflx = transport.get("candidates").get(1);
        assertEquals("srflx", srflx.get("type").asText());
        assertEquals("198.51.100.23", srflx.get("ip").asText());
        assertEquals("0.0.0.0", srflx.get("rel-addr").asText());
        JsonNode sources = sent.get("endpoints").get(0).get("sources");
        assertEquals("ep1-a0", sources.get(0).get("id").asText());
        assertEquals("ep1-v0", sources.get(1).get("id").asText());
        assertEquals("FID", sources.get(1).get("ssrc-groups").get(0).get("semantics").asText());
    }

    @Test
    @DisplayName("expiring one endpoint, and the whole conference, with JSON booleans")
    void expire() {
        JsonNode one = Samples.tree(ColibriMessages.expireEndpoint(MEETING, "ep1"));
        assertEquals(Samples.tree("{\"meeting-id\":\"" + MEETING + "\",\"endpoints\":[{\"id\":\"ep1\",\"expire\":true}]}"), one);
        JsonNode all = Samples.tree(ColibriMessages.expireConference(MEETING));
        assertEquals(Samples.tree("{\"meeting-id\":\"" + MEETING + "\",\"expire\":true}"), all);
    }

    @Test
    @DisplayName("reads a real bridge's answer: the endpoint's ICE credentials, candidates, DTLS fingerprint (actpass) and its feedback sources")
    void readCreateAnswer() throws Exception {
        ConferenceModifiedIQ answer = ColibriMessages.read(Samples.text("colibri2/create-answer.json"));
        IceUdpTransportPacketExtension transport = ColibriMessages.transportOf(answer, "ep1");
        assertEquals("b5mmi1k81a9a5k", transport.getUfrag());
        assertEquals("i8u588kp8lhuscms4438g4imd", transport.getPassword());
        assertEquals(1, transport.getCandidateList().size());
        assertEquals("10.99.0.1", transport.getCandidateList().get(0).getIP());
        assertEquals(10000, transport.getCandidateList().get(0).getPort());
        DtlsFingerprintPacketExtension fingerprint = transport.getChildExtensionsOfType(DtlsFingerprintPacketExtension.class).get(0);
        assertEquals("actpass", fingerprint.getSetup());
        assertEquals("sha-256", fingerprint.getHash());
        assertEquals(List.of(new Source("jvb-a0", "jvb", "audio", List.of(1611746211L), List.of()),
                new Source("jvb-v0", "jvb", "video", List.of(2879691875L), List.of())), ColibriMessages.bridgeSourcesOf(answer));
        assertNull(ColibriMessages.transportOf(answer, "someone-else"));
    }

    @Test
    @DisplayName("reads the bridge's short answers to transport updates and expiry")
    void readShortAnswers() throws Exception {
        assertEquals("ep1", ColibriMessages.read(Samples.text("colibri2/transport-response.json")).getEndpoints().get(0).getId());
        assertTrue(ColibriMessages.read(Samples.text("colibri2/expire-endpoint-response.json")).getEndpoints().get(0).getExpire());
        assertTrue(ColibriMessages.read(Samples.text("colibri2/expire-conference-response.json")).getEndpoints().isEmpty());
    }

    @Test
    @DisplayName("an answer that is not a JSON object is a BAD_ANSWER, not a crash")
    void badAnswers() {
        for (String bad : List.of("", "<html><title>Error 500</title></html>", "[1,2]", "{\"endpoints\":\"x\"}")) {
            ColibriException e = assertThrows(ColibriException.class, () -> ColibriMessages.read(bad), bad);
            assertEquals(ColibriException.Kind.BAD_ANSWER, e.kind());
        }
    }

    @Test
    @org.junit.jupiter.api.DisplayName("the colibri WebSocket URL is read from the transport's web-sockets (jvb's JSON for <web-socket url=…/>); none without it")
    void webSockets() throws Exception {
        String answer = "{\"endpoints\":[{\"id\":\"ep1\",\"transport\":{\"transport\":{\"xmlns\":\"urn:xmpp:jingle:transports:ice-udp:1\","
                + "\"pwd\":\"p\",\"ufrag\":\"u\",\"rtcp-mux\":true,\"fingerprints\":[{\"fingerprint\":\"AA:BB\",\"setup\":\"actpass\",\"hash\":\"sha-256\"}],"
                + "\"web-sockets\":[\"wss://clinic.example/colibri-ws/jvb1/7f3a/ep1?pwd=secret\"]}}}]}";
        org.jitsi.xmpp.extensions.colibri2.ConferenceModifiedIQ iq = ColibriMessages.read(answer);
        org.junit.jupiter.api.Assertions.assertEquals("wss://clinic.example/colibri-ws/jvb1/7f3a/ep1?pwd=secret",
                ColibriMessages.webSocketOf(ColibriMessages.transportOf(iq, "ep1")));
        org.junit.jupiter.api.Assertions.assertNull(ColibriMessages.webSocketOf(ColibriMessages.transportOf(
                ColibriMessages.read(answer.replace(",\"web-sockets\":[\"wss://clinic.example/colibri-ws/jvb1/7f3a/ep1?pwd=secret\"]", "")), "ep1")));
        org.junit.jupiter.api.Assertions.assertNull(ColibriMessages.webSocketOf(null));
    }
}
