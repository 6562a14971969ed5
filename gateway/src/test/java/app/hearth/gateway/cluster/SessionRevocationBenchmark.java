package app.hearth.gateway.cluster;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measured, not asserted: how long after a sign-out through node A answers 204 node B refuses the
 * session's access token, and closes its socket; and what an authenticated request costs with the
 * revocation check (a local ReplicatedMap read). Not part of the normal suite (its name does not
 * end in Test); run it with
 * {@code ./mvnw -B verify -pl gateway -am -Dtest=SessionRevocationBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@DisplayName("Benchmark: revocation of a session across a two-node cluster")
class SessionRevocationBenchmark {

    static final int ROUNDS = 30;

    @Test
    void revocationAcrossNodes() {
        TestNode[] pair = TestNode.startPair("revocation-bench", Map.of("HEARTH_LOGINS_PER_ADDRESS", "100000"));
        try (TestNode a = pair[0]; TestNode b = pair[1]) {
            Eventually.within(Duration.ofSeconds(30), "both nodes in one cluster", () -> assertEquals(2,
                    ((HazelcastClusterManager) ((VertxInternal) a.node().vertx()).clusterManager())
                            .getHazelcastInstance().getCluster().getMembers().size()));
            ApiClient apiA = new ApiClient(a.baseUrl());
            ApiClient apiB = new ApiClient(b.baseUrl());
            List<Double> refusedMs = new ArrayList<>();
            List<Double> closedMs = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                JsonObject tokens = apiA.login("patient1@demo.hearth", "hearth-demo");
                String access = tokens.getString("accessToken");
                assertEquals(200, apiB.get("/api/me", access).status());
                try (RoomClient socket = RoomClient.connect(b.baseUrl(), access)) {
                    assertEquals(204, apiA.postJson("/api/auth/logout", null,
                            new JsonObject().put("refreshToken", tokens.getString("refreshToken"))).status());
                    long signedOut = System.nanoTime();
                    long deadline = signedOut + Duration.ofSeconds(10).toNanos();
                    while (apiB.get("/api/me", access).status() != 401) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("node B still accepts the token 10 s after the sign-out");
                        }
                    }
                    refusedMs.add((System.nanoTime() - signedOut) / 1e6);
                    assertEquals(SessionSockets.CLOSE_SESSION_REVOKED, socket.awaitClose(Duration.ofSeconds(10)));
                    closedMs.add((System.nanoTime() - signedOut) / 1e6);
                }
            }
            // the cost of an authenticated request on node B with the check (a warm-up, then 2,000 in a row)
            String access = apiA.accessToken("patient2@demo.hearth", "hearth-demo");
            for (int i = 0; i < 500; i++) {
                apiB.get("/api/me", access);
            }
            List<Double> meMs = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                long start = System.nanoTime();
                assertEquals(200, apiB.get("/api/me", access).status());
                meMs.add((System.nanoTime() - start) / 1e6);
            }
            System.out.printf("REVOCATION sign-out on A (204) -> first 401 on B, ms: %s%n", summary(refusedMs));
            System.out.printf("REVOCATION sign-out on A (204) -> socket on B closed (4401) seen by the client, ms: %s%n", summary(closedMs));
            System.out.printf("REVOCATION GET /api/me on B, sequential, ms: %s%n", summary(meMs));
        }
    }

    static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("n=%d min %.1f / p50 %.1f / p90 %.1f / max %.1f", sorted.size(), sorted.get(0),
                sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.9)), sorted.get(sorted.size() - 1));
    }
}
