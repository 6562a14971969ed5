package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.room.RoomHub;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cross-node path of room delivery (issue 16, docs/adr/0028): a circle with members on two
 * clustered nodes; every line reaches every member exactly once, whichever node sent it, and each
 * node looks only at its own members of the room. A patient admitted a moment ago gets the very
 * next line (the node's known seats are patched by the admission, not only by the later re-read).
 */
@DisplayName("Room fan-out across a two-node cluster")
class RoomFanoutClusterTest {

    static TestNode nodeA;
    static TestNode nodeB;

    @BeforeAll
    static void start() {
        TestNode[] pair = TestNode.startPair("room-fanout", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        Eventually.within(Duration.ofSeconds(30), "both nodes in one cluster", () ->
                assertEquals(2, LiveRoomClusterTest.hazelcast(nodeA).getCluster().getMembers().size()));
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    static JsonObject msg(String type, String roomId) {
        return new JsonObject().put("type", type).put("roomId", roomId);
    }

    static Predicate<JsonObject> chatLine(String text) {
        return m -> "chat.message".equals(m.getString("type")) && text.equals(m.getString("text"));
    }

    /** The host admits the patient; the sender, on node B, sends a line the moment the patient is told; the patient gets it. */
    static void admitThenLine(ApiClient api, OpenRoom.Circle circle, RoomClient host, RoomClient sender, RoomClient client,
            OpenRoom.Member patient) {
        circle.admit(api, host, client, patient);
        String welcome = "welcome " + patient.id();
        sender.expect("ok", msg("chat.send", circle.roomId()).put("text", welcome));
        client.awaitCount(Duration.ofSeconds(10), chatLine(welcome), 1, "the line from node B right after admission");
    }

    @Test
    @DisplayName("members on both nodes: each line, from either node, is delivered once to each member; each node visits only its own")
    void onceToEachAcrossNodes() {
        ApiClient api = new ApiClient(nodeA.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 2);
        String roomId = circle.roomId();
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member co = circle.facilitators().get(1);
        OpenRoom.Member p1 = circle.patients().get(0);
        OpenRoom.Member p2 = circle.patients().get(1);
        RoomHub hubA = nodeA.node().rooms();
        RoomHub hubB = nodeB.node().rooms();
        // the lead and the second patient on node A; the co-facilitator and the first patient on node B
        try (RoomClient f1 = RoomClient.connect(nodeA.baseUrl(), lead.token());
             RoomClient f2 = RoomClient.connect(nodeB.baseUrl(), co.token());
             RoomClient pb = RoomClient.connect(nodeB.baseUrl(), p1.token());
             RoomClient pa = RoomClient.connect(nodeA.baseUrl(), p2.token())) {
            circle.join(api, f1, lead);
            circle.join(api, f2, co);
            for (RoomClient p : List.of(pb, pa)) {
                // at once, from node B: the patient just admitted gets it
                admitThenLine(api, circle, f1, f2, p, p == pb ? p1 : p2);
            }
            List<RoomClient> everyone = List.of(f1, f2, pa, pb);
            for (RoomClient c : everyone) {
                c.awaitRoster(p -> p.size() == 4 && p.stream().allMatch(x -> "in-room".equals(x.getString("presence"))),
                        "all four in the room on both nodes");
            }

            int round = 0;
            for (RoomClient sender : everyone) {
                long visitsA = hubA.deliveryVisits();
                long visitsB = hubB.deliveryVisits();
                String line = "round " + (round++) + " of the circle";
                sender.expect("ok", msg("chat.send", roomId).put("text", line));
                for (RoomClient c : everyone) {
                    c.awaitCount(Duration.ofSeconds(10), chatLine(line), 1, "'" + line + "' on every member");
                }
                // each node looked at its own two members of the room, once
                assertEquals(2, hubA.deliveryVisits() - visitsA, "node A's connections looked at for '" + line + "'");
                assertEquals(2, hubB.deliveryVisits() - visitsB, "node B's connections looked at for '" + line + "'");
            }
            // a closing line from each node, then nothing was delivered twice
            f1.expect("ok", msg("chat.send", roomId).put("text", "last from A"));
            pb.expect("ok", msg("chat.send", roomId).put("text", "last from B"));
            for (RoomClient c : everyone) {
                c.awaitCount(Duration.ofSeconds(10), chatLine("last from A"), 1, "the last line from A");
                c.awaitCount(Duration.ofSeconds(10), chatLine("last from B"), 1, "the last line from B");
                for (int r = 0; r < round; r++) {
                    assertEquals(1, c.count(chatLine("round " + r + " of the circle")), "round " + r + " delivered once");
                }
                assertEquals(1, c.count(chatLine("last from A")));
                assertEquals(1, c.count(chatLine("last from B")));
            }
        }
    }
    @Test
    @DisplayName("patients admitted by a host on one node, each sent a line at once from the other node: every one gets it")
    void admittedOnOneNodeLineFromTheOther() {
        ApiClient api = new ApiClient(nodeA.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 8);
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member co = circle.facilitators().get(1);
        // The admitting host on node A, the sender on node B. A gate answered and admitted at once
        // reaches a node's known seats before their re-read: the admission's patch drops them, and a
        // line from B, which may not have heard of the admission yet, names the room's admitted as B
        // knows them. Each node still owes the line to whom it told "admitted" (RoomHub.Local#toldAdmitted).
        try (RoomClient f1 = RoomClient.connect(nodeA.baseUrl(), lead.token());
             RoomClient f2 = RoomClient.connect(nodeB.baseUrl(), co.token())) {
            circle.join(api, f1, lead);
            circle.join(api, f2, co);
            List<RoomClient> opened = new java.util.ArrayList<>();
            try {
                for (OpenRoom.Member m : circle.patients()) {
                    // alternately on A and on B (on B the known seats a line takes its recipients from
                    // are the ones the admission's patch may have dropped while a read was under way)
                    RoomClient p = RoomClient.connect((opened.size() % 2 == 0 ? nodeA : nodeB).baseUrl(), m.token());
                    opened.add(p);
                    admitThenLine(api, circle, f1, f2, p, m);
                }
            } finally {
                opened.forEach(RoomClient::close);
            }
        }
    }
}
