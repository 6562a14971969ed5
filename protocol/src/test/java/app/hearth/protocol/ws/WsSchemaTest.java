package app.hearth.protocol.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The room protocol's schema")
class WsSchemaTest {

    static final WsSchema SCHEMA = WsSchema.load();

    @Test
    @DisplayName("lists every message of both directions, each with a description where it is a request")
    void catalogue() {
        assertEquals(Set.of("ping", "room.join", "room.leave", "device.check", "gate.submit", "host.admit", "host.deny",
                "host.remove", "host.end", "chat.send", "lobby.watch", "rtc.config", "rtc.signal", "rtc.bridge.join", "rtc.bridge.answer", "rtc.bridge.candidate",
                "media.state", "exercise.command", "care.watch",
                "circle.support.request", "circle.support.acknowledge", "circle.breakout.start", "circle.breakout.end"), SCHEMA.clientTypes());
        assertEquals(Set.of("welcome", "pong", "ok", "error", "room.joined", "room.roster", "room.admitted", "room.left",
                "chat.message", "lobby.snapshot", "rtc.config", "rtc.signal", "rtc.bridge.offer", "rtc.bridge.error", "exercise.state",
                "care.watching", "care.alert", "care.alert.acknowledged", "care.changed",
                "circle.support.requested", "circle.support.acknowledged", "circle.breakout.started", "circle.breakout.ended",
                "room.waiting.seen"),
                SCHEMA.serverTypes());
        JsonObject defs = SCHEMA.document().getJsonObject("$defs");
        for (String type : SCHEMA.clientTypes()) {
            assertTrue(defs.getJsonObject("client." + type).containsKey("description"), type + " is described");
        }
    }

    @Test
    @DisplayName("accepts a valid request and names the offending field of an invalid one")
    void validation() {
        assertEquals(Optional.empty(), SCHEMA.checkClient(new JsonObject().put("type", "host.admit").put("id", "1")
                .put("roomId", "room-1").put("personId", "p_2")));

        WsSchema.Violation missing = SCHEMA.checkClient(new JsonObject().put("type", "host.admit").put("id", "1")
                .put("roomId", "room-1")).orElseThrow();
        assertEquals(WsErrorCode.INVALID_MESSAGE, missing.code());
        assertTrue(missing.message().contains("host.admit"), missing.message());

        WsSchema.Violation badId = SCHEMA.checkClient(new JsonObject().put("type", "host.admit").put("id", "1")
                .put("roomId", "../../etc").put("personId", "p")).orElseThrow();
        assertEquals("/roomId", badId.field(), badId.message());

        WsSchema.Violation gate = SCHEMA.checkClient(new JsonObject().put("type", "gate.submit").put("id", "1")
                .put("roomId", "r").put("address", "1 Main St").put("emergencyContact", new JsonObject().put("name", "K")
                        .put("phone", "555")).put("privateAndNotDriving", false)).orElseThrow();
        assertEquals("/privateAndNotDriving", gate.field(), gate.message());
    }

    @Test
    @DisplayName("refuses unknown types, extra fields and messages without a type")
    void refusals() {
        assertEquals(WsErrorCode.UNKNOWN_TYPE, SCHEMA.checkClient(new JsonObject().put("type", "room.explode").put("id", "1"))
                .orElseThrow().code());
        assertEquals(WsErrorCode.INVALID_MESSAGE, SCHEMA.checkClient(new JsonObject().put("id", "1")).orElseThrow().code());
        assertFalse(SCHEMA.checkClient(new JsonObject().put("type", "ping").put("id", "1").put("clientTime", 5)
                .put("sneaky", "extra")).isEmpty());
        assertFalse(SCHEMA.checkServer(new JsonObject().put("type", "ok")).isEmpty(), "a reply without its id");
    }

    @Test
    @DisplayName("names the field of an extra or missing property and of a nested value, and asserts date-time formats")
    void whereAndFormats() {
        JsonObject chat = new JsonObject().put("type", "chat.message").put("roomId", "room-1")
                .put("from", new JsonObject().put("personId", "p_1").put("displayName", "Ari")).put("text", "hello")
                .put("sentAt", "2026-12-04T18:00:00Z");
        assertEquals(Optional.empty(), SCHEMA.checkServer(chat.copy()));
        assertEquals("/sentAt", SCHEMA.checkServer(chat.copy().put("sentAt", "yesterday")).orElseThrow().field(),
                "an instant that is no date-time");
        assertEquals("/from/displayName", SCHEMA.checkServer(chat.copy().put("from", new JsonObject().put("personId", "p_1")))
                .orElseThrow().field(), "a nested required property");
        assertEquals("/from/displayName", SCHEMA.checkServer(chat.copy().put("from", new JsonObject().put("personId", "p_1")
                .put("displayName", 5))).orElseThrow().field(), "a nested value of the wrong type");
        WsSchema.Violation extra = SCHEMA.checkClient(new JsonObject().put("type", "ping").put("id", "1").put("clientTime", 5)
                .put("sneaky", "extra")).orElseThrow();
        assertEquals("/sneaky", extra.field(), extra.message());
        WsSchema.Violation blank = SCHEMA.checkClient(new JsonObject().put("type", "chat.send").put("id", "1").put("roomId", "room-1")
                .put("text", "")).orElseThrow();
        assertEquals("/text", blank.field(), blank.message());
        assertTrue(blank.message().startsWith("'chat.send' is not valid at /text: "), blank.message());
    }

    @Test
    @DisplayName("rtc.bridge.offer carries the bridge channel's URL or null; rtc.bridge.error carries a code, a message and when the server retries")
    void bridgeChannelAndError() {
        JsonObject offer = new JsonObject().put("type", "rtc.bridge.offer").put("roomId", "r1").put("sdp", "v=0").put("newConnection", true);
        assertEquals(Optional.empty(), SCHEMA.checkServer(offer.copy()), "servers before issue 13 sent no channel");
        assertEquals(Optional.empty(), SCHEMA.checkServer(offer.copy().putNull("channel")));
        assertEquals(Optional.empty(), SCHEMA.checkServer(offer.copy().put("channel",
                new JsonObject().put("url", "wss://clinic.example/colibri-ws/jvb1/abc/p1?pwd=x"))));
        assertTrue(SCHEMA.checkServer(offer.copy().put("channel", new JsonObject().put("url", "https://x"))).isPresent());
        assertTrue(SCHEMA.checkServer(offer.copy().put("channel", new JsonObject())).isPresent());

        JsonObject error = new JsonObject().put("type", "rtc.bridge.error").put("roomId", "r1").put("code", "media-server-timeout")
                .put("message", "The circle's video service is starting up slowly; trying again shortly").put("retryInMs", 1000);
        assertEquals(Optional.empty(), SCHEMA.checkServer(error.copy()));
        assertEquals(Optional.empty(), SCHEMA.checkServer(error.copy().putNull("retryInMs")));
        assertTrue(SCHEMA.checkServer(error.copy().put("code", "oops")).isPresent());
        assertTrue(SCHEMA.checkServer(error.copy().put("retryInMs", -1)).isPresent());
    }
}
