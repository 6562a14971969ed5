package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The live-rooms story on a real two-node Hazelcast cluster on loopback, with the default timings:
 * the therapist is connected to node A, the patient to node B; then node B dies without a goodbye
 * and node A must clear the patient from every roster within 15 seconds.
 */
@DisplayName("Live rooms across a two-node cluster")
class LiveRoomClusterTest {

    static TestNode nodeA;
    static TestNode nodeB;

    @BeforeAll
    static void startTwoNodes() {
        TestNode[] pair = TestNode.startPair("rooms-test", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        app.hearth.gateway.testing.Eventually.within(Duration.ofSeconds(30), "both nodes in one cluster", () ->
                assertEquals(2, hazelcast(nodeA).getCluster().getMembers().size()));
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

    static com.hazelcast.core.HazelcastInstance hazelcast(TestNode node) {
        return ((HazelcastClusterManager) ((VertxInternal) node.node().vertx()).clusterManager()).getHazelcastInstance();
    }

    static String presenceOf(JsonObject message, String personId) {
        return RoomClient.person(message, personId).map(p -> p.getString("presence")).orElse("gone");
    }

    @Test
    @DisplayName("a patient waiting on node B reaches the therapist on node A at once; admitted, both share the roster; "
            + "when node B dies its people leave node A's rosters within 15 s")
    void acrossNodesAndNodeDeath() {
        ApiClient apiA = new ApiClient(nodeA.baseUrl());
        String admin = apiA.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom room = OpenRoom.book(apiA, admin);
        ApiClient apiB = new ApiClient(nodeB.baseUrl());
        try (RoomClient therapist = RoomClient.connect(nodeA.baseUrl(), room.therapistToken);
             RoomClient patient = RoomClient.connect(nodeB.baseUrl(), room.patientToken)) {
            // given the therapist on node A follows the waiting room
            therapist.expect("lobby.snapshot", new JsonObject().put("type", "lobby.watch").put("scope", "mine"));

            // when the patient on node B checks in
            JsonObject joined = patient.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", joinTicket(apiB, room, room.patientToken)));
            assertEquals("online", joined.getJsonObject("you").getString("presence"));
            long submitted = System.nanoTime();
            patient.expect("ok", room.gate());

            // then node A's therapist sees them waiting (the time is printed; benchmarks measure it properly)
            therapist.await(m -> "lobby.snapshot".equals(m.getString("type")) && RoomClient.participants(m).stream()
                    .anyMatch(e -> "waiting".equals(e.getJsonObject("patient").getString("presence"))), "the patient waiting, across nodes");
            System.out.printf("cross-node waiting-room alert after %d ms%n", (System.nanoTime() - submitted) / 1_000_000);

            // when the therapist admits them and enters
            therapist.expect("ok", new JsonObject().put("type", "host.admit").put("roomId", room.roomId).put("personId", room.patientId));
            patient.awaitType("room.admitted");
            room.join(therapist, room.therapistToken);

            // then both rosters show both, in the room
            for (RoomClient client : new RoomClient[] {therapist, patient}) {
                client.awaitRoster(p -> p.size() == 2 && p.stream().allMatch(x -> "in-room".equals(x.getString("presence"))),
                        "both in the room on both nodes");
            }

            // and the exercise the therapist starts on node A is the same state for the patient on node B
            String itemId = apiA.postJson("/api/exercises", room.therapistToken, new JsonObject().put("kind", "imagery")
                    .put("title", "Safe place").put("steps", new io.vertx.core.json.JsonArray()
                            .add(new JsonObject().put("text", "Picture a place where you feel at ease.").put("durationSeconds", 60))))
                    .json().getString("id");
            therapist.expect("ok", new JsonObject().put("type", "exercise.command").put("roomId", room.roomId).put("version", 0)
                    .put("action", "start").put("itemId", itemId));
            JsonObject onB = patient.awaitType("exercise.state").getJsonObject("state");
            assertEquals(itemId, onB.getString("itemId"));
            assertEquals(1, onB.getInteger("version"));

            // when node B dies abruptly: its Hazelcast member vanishes without leaving, then the rest stops
            long killed = System.nanoTime();
            hazelcast(nodeB).getLifecycleService().terminate();
            nodeB.close();
            nodeB = null;

            // then node A shows the patient reconnecting, then gone, within 15 s of the death
            JsonObject roster = therapist.awaitWithin(Duration.ofSeconds(15), m -> "room.roster".equals(m.getString("type"))
                    && "gone".equals(presenceOf(m, room.patientId)), "node B's patient gone from node A's roster");
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("dead node's participant cleaned from the roster after %d ms%n", tookMs);
            assertTrue(tookMs < 15_000, "cleaned within 15 s, took " + tookMs + " ms");
            assertEquals(1, RoomClient.participants(roster).size(), "only the therapist is left: " + roster.encode());
            assertEquals(room.therapistId, RoomClient.participants(roster).get(0).getString("personId"));
        }
    }

    static String joinTicket(ApiClient api, OpenRoom room, String token) {
        ApiClient.Reply ticket = api.post("/api/appointments/" + room.appointmentId + "/join-ticket", token, null, "");
        assertEquals(201, ticket.status(), ticket.body());
        return ticket.json().getString("ticket");
    }
}
