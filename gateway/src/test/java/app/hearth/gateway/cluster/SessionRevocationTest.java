package app.hearth.gateway.cluster;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/**
 * A session that ends (sign-out, a reused refresh token, a new password) ends for its access tokens
 * and its sockets on every node within seconds, not when the tokens expire 15 minutes later. Two
 * real nodes in one Hazelcast cluster: the session ends through node A, node B must refuse it.
 */
@DisplayName("Revoked sessions: access tokens and sockets stop working on every node within seconds")
class SessionRevocationTest {

    /** Long enough for a busy 2-core machine; revocation normally arrives within milliseconds. */
    static final Duration WITHIN = Duration.ofSeconds(10);

    static TestNode nodeA;
    static TestNode nodeB;
    static ApiClient apiA;
    static ApiClient apiB;

    @BeforeAll
    static void startTwoNodes() {
        TestNode[] pair = TestNode.startPair("revocation-test", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
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

    static void refusedOn(ApiClient api, String accessToken, String node) {
        Eventually.within(WITHIN, "the access token refused on " + node, () ->
                assertProblem(api.get("/api/me", accessToken), 401, "unauthenticated"));
    }

    static ApiClient.Reply post(ApiClient api, String path, JsonObject body) {
        return api.postJson(path, null, body);
    }

    @Test
    @DisplayName("sign out through node A → the access token gets 401 on node B (and A), the session's socket on B closes "
            + "with 4401, and a ticket issued before cannot open one")
    void signOut() {
        // given a session started on node A, whose token works on node B, with a socket open on node B
        JsonObject pair = apiA.login("patient1@demo.hearth", "hearth-demo");
        String accessToken = pair.getString("accessToken");
        assertEquals(200, apiB.get("/api/me", accessToken).status());
        String unusedTicket = apiB.post("/api/realtime/ticket", accessToken, null, "").json().getString("url");
        // and another session of the same person, which must not be touched
        String otherSession = apiA.accessToken("patient1@demo.hearth", "hearth-demo");
        try (RoomClient socket = RoomClient.connect(nodeB.baseUrl(), accessToken);
             RoomClient otherSocket = RoomClient.connect(nodeB.baseUrl(), otherSession)) {

            // when the person signs out through node A
            assertEquals(204, post(apiA, "/api/auth/logout", new JsonObject().put("refreshToken", pair.getString("refreshToken"))).status());

            // then node B refuses the access token within seconds, and so does node A
            refusedOn(apiB, accessToken, "node B");
            refusedOn(apiA, accessToken, "node A");
            // and the session's socket on node B is closed by the server, saying why
            assertEquals(SessionSockets.CLOSE_SESSION_REVOKED, socket.awaitClose(WITHIN));
            // and a ticket issued to that session before the sign-out opens nothing
            RoomClient.HandshakeRefused refused = assertThrows(RoomClient.HandshakeRefused.class,
                    () -> RoomClient.open(nodeB.baseUrl(), unusedTicket, null).close());
            assertEquals(401, refused.status);
            assertProblem(apiB.post("/api/realtime/ticket", accessToken, null, ""), 401, "unauthenticated");

            // while the person's other session goes on, on both nodes
            assertEquals(200, apiB.get("/api/me", otherSession).status());
            assertEquals(200, apiA.get("/api/me", otherSession).status());
            assertEquals(false, otherSocket.isClosed());
        }
    }

    @Test
    @DisplayName("a refresh token presented twice → the access tokens of its session (old and rotated) get 401 on both nodes")
    void refreshReuse() {
        // given a session that was refreshed once on node A: both its access tokens work on node B
        JsonObject first = apiA.login("patient2@demo.hearth", "hearth-demo");
        ApiClient.Reply rotated = post(apiA, "/api/auth/refresh", new JsonObject().put("refreshToken", first.getString("refreshToken")));
        assertEquals(200, rotated.status(), rotated.body());
        String rotatedAccess = rotated.json().getString("accessToken");
        assertEquals(200, apiB.get("/api/me", first.getString("accessToken")).status());
        assertEquals(200, apiB.get("/api/me", rotatedAccess).status());

        // when the spent refresh token is presented again (on node B: it was copied)
        assertProblem(post(apiB, "/api/auth/refresh", new JsonObject().put("refreshToken", first.getString("refreshToken"))),
                401, "refresh-token-invalid");

        // then every access token of that session is refused, on both nodes
        refusedOn(apiA, rotatedAccess, "node A");
        refusedOn(apiB, rotatedAccess, "node B");
        refusedOn(apiB, first.getString("accessToken"), "node B");
    }

    @Test
    @DisplayName("a new password set through node A → a token minted before it gets 401 on node B, and its socket closes; "
            + "a sign-in with the new password works on both")
    void newPassword() {
        // given a patient with a password and a session whose socket is open on node B
        String admin = apiA.accessToken("admin@demo.hearth", "hearth-demo");
        ApiClient.Reply created = apiA.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Revoked Person").put("email", "revoked@example.org").put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        String personId = created.json().getJsonObject("person").getString("id");
        assertEquals(204, setPassword(ticketOf(created.json().getJsonObject("setPasswordLink").getString("url")),
                "the first passphrase").status());
        String before = apiA.accessToken("revoked@example.org", "the first passphrase");
        assertEquals(200, apiB.get("/api/me", before).status());
        try (RoomClient socket = RoomClient.connect(nodeB.baseUrl(), before)) {

            // when a new password is set through a new link, on node A
            String link = apiA.post("/api/people/" + personId + "/set-password-link", admin, null, "").json().getString("url");
            assertEquals(204, setPassword(ticketOf(link), "the second passphrase").status());

            // then the earlier token is refused on node B, and its socket closes
            refusedOn(apiB, before, "node B");
            assertEquals(SessionSockets.CLOSE_SESSION_REVOKED, socket.awaitClose(WITHIN));
        }
        // and a sign-in with the new password gives a token that works on both nodes
        String after = apiB.accessToken("revoked@example.org", "the second passphrase");
        assertEquals(200, apiA.get("/api/me", after).status());
        assertEquals(200, apiB.get("/api/me", after).status());
    }

    static ApiClient.Reply setPassword(String ticket, String password) {
        return post(apiA, "/api/auth/set-password", new JsonObject().put("ticket", ticket).put("password", password));
    }

    static String ticketOf(String url) {
        return url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
    }
}
