package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.room.RoomHub;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Room delivery costs the room's members, not the node's connections (issue 16, docs/adr/0028): a
 * chat line in room A is handed to A's connections only, B's connections (and sockets in no room)
 * are never looked at, and each member gets it exactly once.
 */
@DisplayName("Room fan-out through the per-room index")
class RoomFanoutTest {

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static Predicate<JsonObject> chatLine(String text) {
        return m -> "chat.message".equals(m.getString("type")) && text.equals(m.getString("text"));
    }

    static JsonObject chat(String roomId, String text) {
        return new JsonObject().put("type", "chat.send").put("roomId", roomId).put("text", text);
    }

    @Test
    @DisplayName("a line in room A reaches A's two members once each and looks at no connection of room B or of no room")
    void perRoomDelivery() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom a = OpenRoom.book(api, admin);
        OpenRoom b = OpenRoom.book(api, admin);
        RoomHub hub = node.node().rooms();
        List<RoomClient> idle = new ArrayList<>();
        RoomClient[] inA = a.inSession(node.baseUrl());
        RoomClient[] inB = b.inSession(node.baseUrl());
        try {
            // sockets in no room: a walk over the node's connections would see them
            for (int i = 0; i < 6; i++) {
                idle.add(RoomClient.connect(node.baseUrl(), admin));
            }
            RoomClient therapistA = inA[0];
            RoomClient patientA = inA[1];

            for (int i = 0; i < 3; i++) {
                long before = hub.deliveryVisits();
                String line = "only for room A #" + i;
                patientA.expect("ok", chat(a.roomId, line));
                for (RoomClient member : inA) {
                    member.awaitCount(Duration.ofSeconds(10), chatLine(line), 1, "the line in room A");
                }
                // the delivery looked at room A's two connections on this node, nothing else
                assertEquals(2, hub.deliveryVisits() - before, "connections looked at for one line in room A");
            }

            // room B's members: a later line of their own arrives (events are handled in order), A's never did
            inB[0].expect("ok", chat(b.roomId, "room B's own line"));
            for (RoomClient member : inB) {
                member.awaitCount(Duration.ofSeconds(10), chatLine("room B's own line"), 1, "room B's own line");
                assertEquals(0, member.count(m -> "chat.message".equals(m.getString("type"))
                        && m.getString("text").startsWith("only for room A")), "room A's lines at a member of room B");
            }
            // and each member of A got each line exactly once (its sender included, as before)
            for (RoomClient member : inA) {
                assertEquals(3, member.count(m -> "chat.message".equals(m.getString("type"))
                        && m.getString("text").startsWith("only for room A")), "room A's lines, once each");
                assertEquals(0, member.count(chatLine("room B's own line")), "room B's line at a member of room A");
            }
            for (RoomClient socket : idle) {
                assertEquals(0, socket.count(m -> "chat.message".equals(m.getString("type"))), "chat at a socket in no room");
            }
            assertEquals(2, hub.liveRooms());
            therapistA.expect("ok", chat(a.roomId, "and back"));
            patientA.awaitCount(Duration.ofSeconds(10), chatLine("and back"), 1, "the therapist's line");
        } finally {
            idle.forEach(RoomClient::close);
            for (RoomClient c : inA) {
                c.close();
            }
            for (RoomClient c : inB) {
                c.close();
            }
        }
    }
}
