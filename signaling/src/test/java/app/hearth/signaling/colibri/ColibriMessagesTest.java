package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Colibri2 JSON Hearth sends, compared with what a real bridge accepted (shared/reference, copied to resources). */
@DisplayName("Colibri2 messages, in the bridge's own format")
class ColibriMessagesTest {

    static String resource(String name) throws IOException {
        try (InputStream in = ColibriMessagesTest.class.getResourceAsStream("/colibri2/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @DisplayName("creating a conference: meeting-id, create, one endpoint with source-names, a transport, opus and VP8 with rtx")
    void allocate() {
        JsonObject request = new JsonObject(ColibriMessages.allocate("7c0b2a4e-1d2f-4c3b-9a55-000000000001", "circle-42@hearth", "ep1", true));
        assertEquals("7c0b2a4e-1d2f-4c3b-9a55-000000000001", request.getString("meeting-id"));
        assertEquals(Boolean.TRUE, request.getValue("create"), "create is a JSON boolean");
        JsonArray endpoints = request.getJsonArray("endpoints");
        assertEquals(1, endpoints.size(), "one endpoint per request");
        JsonObject endpoint = endpoints.getJsonObject(0);
        assertEquals("ep1", endpoint.getString("id"));
        assertEquals(Boolean.TRUE, endpoint.getValue("create"));
        assertTrue(endpoint.getJsonArray("capabilities").contains("source-names"), endpoint.encode());
        assertEquals(Boolean.TRUE, endpoint.getJsonObject("transport").getValue("ice-controlling"));
        JsonArray medias = endpoint.getJsonArray("medias");
        JsonObject audio = medias.getJsonObject(0);
        assertEquals("audio", audio.getString("type"));
        assertEquals("opus", audio.getJsonArray("payload-types").getJsonObject(0).getString("name"));
        assertTrue(audio.getJsonArray("rtp-hdrexts").getJsonObject(0).getValue("id") instanceof Number, "header extension ids are numbers");
        JsonObject video = medias.getJsonObject(1);
        assertEquals(2, video.getJsonArray("payload-types").size());
        assertEquals(Boolean.TRUE, video.getValue("extmap-allow-mixed"));
        assertFalse(new JsonObject(ColibriMessages.allocate("m", "n", "ep2", false)).containsKey("create"), "adding an endpoint creates no conference");
    }

    @Test
    @DisplayName("reads a real bridge's answer: the endpoint's ICE credentials, DTLS fingerprint and candidates")
    void readAnswer() throws Exception {
        IceUdpTransportPacketExtension transport = ColibriMessages.transportOf(ColibriMessages.read(resource("create-answer.json")), "ep1");
        assertEquals("b5mmi1k81a9a5k", transport.getUfrag());
        assertEquals("i8u588kp8lhuscms4438g4imd", transport.getPassword());
        assertEquals(1, transport.getCandidateList().size());
        assertEquals("10.99.0.1", transport.getCandidateList().get(0).getIP());
        assertEquals("actpass", transport.getChildExtensionsOfType(org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension.class)
                .get(0).getSetup());
    }

    @Test
    @DisplayName("expiring: one endpoint, or the whole conference")
    void expire() {
        JsonObject one = new JsonObject(ColibriMessages.expireEndpoint("m1", "ep1"));
        assertEquals(Boolean.TRUE, one.getJsonArray("endpoints").getJsonObject(0).getValue("expire"));
        assertEquals(Boolean.TRUE, new JsonObject(ColibriMessages.expireConference("m1")).getValue("expire"));
    }
}
