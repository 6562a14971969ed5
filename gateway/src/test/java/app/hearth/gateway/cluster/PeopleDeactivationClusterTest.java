package app.hearth.gateway.cluster;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.rooms.SessionSockets;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Deactivating a person through one node ends their session on the other too (docs/adr/0021). */
@DisplayName("Deactivation in a cluster: the person's token and socket stop working on every node")
class PeopleDeactivationClusterTest {

    static TestNode nodeA;
    static TestNode nodeB;
    static ApiClient apiA;
    static ApiClient apiB;

    @BeforeAll
    static void startTwoNodes() {
        TestNode[] pair = TestNode.startPair("deactivation-test", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        Eventually.within(Duration.ofSeconds(30), "both nodes in one cluster", () -> assertEquals(2,
                ((HazelcastClusterManager) ((VertxInternal) nodeA.node().vertx()).clusterManager())
                        .getHazelcastInstance().getCluster().getMembers().size()));
        apiA = new ApiClient(nodeA.baseUrl());
        apiB = new ApiClient(nodeB.baseUrl());
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
    @DisplayName("deactivated through node A → the access token gets 401 on node B and the socket on node B closes with 4401")
    void deactivateThroughOtherNode() {
        String admin = apiA.accessToken("admin@demo.hearth", "hearth-demo");
        ApiClient.Reply created = apiA.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Clustered Person").put("email", "clustered@example.org").put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().getJsonObject("person").getString("id");
        String url = created.json().getJsonObject("setPasswordLink").getString("url");
        assertEquals(204, apiA.postJson("/api/auth/set-password", null, new JsonObject()
                .put("ticket", url.substring(url.indexOf("#/set-password/") + "#/set-password/".length()))
                .put("password", "clustered passphrase")).status());
        String token = apiB.accessToken("clustered@example.org", "clustered passphrase");
        assertEquals(200, apiB.get("/api/me", token).status());
        try (RoomClient socket = RoomClient.connect(nodeB.baseUrl(), token)) {
            assertEquals(200, apiA.post("/api/people/" + id + "/deactivate", admin, null, "").status());

            Eventually.within(SessionRevocationTest.WITHIN, "the token refused on node B", () ->
                    assertProblem(apiB.get("/api/me", token), 401, "unauthenticated"));
            assertEquals(SessionSockets.CLOSE_SESSION_REVOKED, socket.awaitClose(SessionRevocationTest.WITHIN));
        }
        assertProblem(apiB.postJson("/api/auth/login", null, new JsonObject().put("email", "clustered@example.org")
                .put("password", "clustered passphrase")), 403, "account-deactivated");
    }
}
