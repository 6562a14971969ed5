package app.hearth.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.FreezableProxy;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.EmbeddedMongoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The store goes away under a running node, then comes back: clear 503s meanwhile, no crash, recovery after. */
@DisplayName("Store outage")
class StoreOutageTest {

    @Test
    @DisplayName("requests get 503 with Retry-After and readiness turns DOWN while the store is gone; both recover when it returns")
    void outageAndRecovery() throws Exception {
        Path storeDir = Files.createTempDirectory("hearth-outage-store-");
        int storePort = TestNode.freePort();
        EmbeddedMongoServer store = EmbeddedMongoServer.start(storeDir, storePort);
        try (TestNode node = TestNode.start(Map.of("MONGO_URI", store.connectionString(), "HEARTH_DEMO_SEED", "true"))) {
            ApiClient api = new ApiClient(node.baseUrl());
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            assertEquals(200, api.get("/api/people", admin).status());

            // when the store disappears
            store.close();
            ApiClient.Reply during = api.get("/api/people", admin);
            assertEquals(503, during.status(), during.body());
            assertEquals("unavailable", during.problemType());
            assertEquals("5", during.header("Retry-After"));
            ApiClient.Reply ready = api.get("/health/ready", null);
            assertEquals(503, ready.status());
            assertEquals("DOWN", ready.json().getJsonObject("checks").getJsonObject("store").getString("status"));
            assertEquals(200, api.get("/health/live", null).status(), "the node itself is alive");

            // then it comes back on the same port with the same data, and the node recovers by itself
            store = EmbeddedMongoServer.start(storeDir, storePort);
            Eventually.within(Duration.ofSeconds(30), "the node to reach the store again",
                    () -> assertEquals(200, api.get("/api/people", admin).status()));
            assertEquals(200, api.get("/health/ready", null).status());
        } finally {
            store.close();
            TestNode.deleteRecursively(storeDir);
        }
    }

    @Test
    @DisplayName("a store that stops answering (a frozen process still accepts connections) gets requests a prompt 503 with "
            + "Retry-After and readiness DOWN, not a hang; both recover when it answers again")
    void frozenStore() throws Exception {
        Path storeDir = Files.createTempDirectory("hearth-frozen-store-");
        EmbeddedMongoServer store = EmbeddedMongoServer.start(storeDir, TestNode.freePort());
        try (FreezableProxy network = new FreezableProxy(store.port());
             TestNode node = TestNode.start(Map.of("MONGO_URI", "mongodb://127.0.0.1:" + network.port(),
                     "HEARTH_DEMO_SEED", "true", "HEARTH_STORE_TIMEOUT", "PT2S"))) {
            ApiClient api = new ApiClient(node.baseUrl());
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            assertEquals(200, api.get("/api/people", admin).status());

            // when the store stops answering without closing anything
            network.freeze();
            long asked = System.nanoTime();
            ApiClient.Reply during = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                    .put("displayName", "Frozen Store").put("email", "frozen.store@example.org"));
            long tookMs = (System.nanoTime() - asked) / 1_000_000;
            assertEquals(503, during.status(), during.body());
            assertEquals("unavailable", during.problemType());
            assertEquals("5", during.header("Retry-After"));
            // bounded by the store timeout (2 s here), not by how long the store stays frozen
            assertTrue(tookMs < 15_000, "answered after " + tookMs + " ms");
            ApiClient.Reply ready = api.get("/health/ready", null);
            assertEquals(503, ready.status(), ready.body());
            assertEquals("DOWN", ready.json().getJsonObject("checks").getJsonObject("store").getString("status"));
            System.out.printf("frozen store: write answered 503 after %d ms%n", tookMs);

            // then it answers again and the node recovers by itself
            network.thaw();
            Eventually.within(Duration.ofSeconds(30), "the node to reach the store again",
                    () -> assertEquals(200, api.get("/health/ready", null).status()));
            assertEquals(200, api.get("/api/people", admin).status());
        } finally {
            store.close();
            TestNode.deleteRecursively(storeDir);
        }
    }
}
