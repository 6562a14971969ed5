package app.hearth.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.protocol.EventBusAddresses;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two real nodes on loopback form one Hazelcast cluster, share one store and one key pair, and see
 * each other's events — the production shape, on one machine.
 */
@DisplayName("Two nodes on loopback form one cluster")
class ClusterTest {

    static TestNode nodeA;
    static TestNode nodeB;

    @BeforeAll
    static void startTwoNodes() {
        TestNode[] pair = TestNode.startPair("cluster-test", Map.of());
        nodeA = pair[0];
        nodeB = pair[1];
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

    @Test
    @DisplayName("both nodes report a two-member cluster and a reachable store")
    void readinessShowsBothMembers() {
        for (TestNode node : new TestNode[] {nodeA, nodeB}) {
            ApiClient client = new ApiClient(node.baseUrl());
            Eventually.within(Duration.ofSeconds(20), "node on port " + node.port() + " to see 2 members", () -> {
                ApiClient.Reply ready = client.get("/health/ready", null);
                assertEquals(200, ready.status(), ready.body());
                JsonObject checks = ready.json().getJsonObject("checks");
                assertEquals("UP", checks.getJsonObject("store").getString("status"));
                assertEquals(2, checks.getJsonObject("cluster").getInteger("members"));
            });
        }
    }

    @Test
    @DisplayName("a person added through node A is announced on node B's event bus, and B serves them")
    void eventsCrossNodes() throws Exception {
        // given a listener on node B
        CompletableFuture<JsonObject> seenOnB = new CompletableFuture<>();
        nodeB.node().vertx().eventBus().<JsonObject>consumer(EventBusAddresses.PEOPLE_EVENTS,
                        message -> seenOnB.complete(message.body()))
                .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        // when the admin adds a patient through node A
        ApiClient a = new ApiClient(nodeA.baseUrl());
        String token = a.accessToken("admin@demo.hearth", "hearth-demo");
        ApiClient.Reply created = a.postJson("/api/people", token, new JsonObject()
                .put("role", "patient").put("displayName", "Cluster Patient").put("email", "cluster@example.org"));
        assertEquals(201, created.status(), created.body());
        String personId = created.json().getJsonObject("person").getString("id");

        // then node B hears of it, with identifiers only
        JsonObject event = seenOnB.get(15, TimeUnit.SECONDS);
        assertEquals(personId, event.getString("personId"));
        assertEquals("demo", event.getString("clinicId"));
        assertEquals("created", event.getString("change"));
        assertTrue(!event.containsKey("displayName") && !event.containsKey("email"), "no personal data on the bus");

        // and node B accepts node A's access token and reads the same store
        ApiClient.Reply fromB = new ApiClient(nodeB.baseUrl()).get("/api/people/" + personId, token);
        assertEquals(200, fromB.status(), fromB.body());
        assertEquals("Cluster Patient", fromB.json().getString("displayName"));
    }

}
