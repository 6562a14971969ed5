package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.security.FieldCipher;
import app.hearth.platform.store.EmbeddedMongoServer;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The node that wrote a message really dies (issue 15): node A runs in a JVM process of its own,
 * sharing the embedded store (over its TCP URI) with node B in this JVM. A's SMTP server accepts
 * connections and never answers, so A claims the invitation it wrote and hangs sending it; A is
 * then killed (destroyForcibly, SIGKILL), and B, running all along, delivers the message exactly
 * once after A's lease runs out.
 */
@DisplayName("Email: the writing node killed mid-send, its message delivered once by the surviving node")
class MailProcessKillTest {

    @Test
    @DisplayName("A (a separate process) writes and claims an invitation, hangs on its SMTP server, is killed; B delivers it once")
    void writerKilled() throws Exception {
        Path root = Files.createTempDirectory("hearth-kill-");
        List<Socket> held = new ArrayList<>();
        Process a = null;
        try (EmbeddedMongoServer storeServer = EmbeddedMongoServer.start(root.resolve("store-node"), 0);
             ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestSmtp smtp = new TestSmtp(TestNode.freePort())) {
            // A's SMTP server: takes the connection, never sends its greeting
            Thread acceptor = new Thread(() -> {
                while (!blackHole.isClosed()) {
                    try {
                        held.add(blackHole.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "black-hole-smtp");
            acceptor.setDaemon(true);
            acceptor.start();
            Path keyset = root.resolve("care-keyset.json");
            Files.writeString(keyset, FieldCipher.newKeysetJson());
            String database = "hearth";

            int portA = TestNode.freePort();
            Map<String, String> envA = new HashMap<>(Map.of("MONGO_URI", storeServer.connectionString(), "HEARTH_MONGO_DATABASE", database,
                    "HEARTH_DATA_DIR", Files.createDirectories(root.resolve("a")).toString(), "HEARTH_HTTP_HOST", "127.0.0.1",
                    "HEARTH_HTTP_PORT", Integer.toString(portA), "HEARTH_PUBLIC_BASE_URL", "http://127.0.0.1:" + portA,
                    "HEARTH_CLUSTER_ENABLED", "false", "HEARTH_MANAGEMENT_PORT", "0", "HEARTH_DEMO_SEED", "true",
                    "HEARTH_CARE_KEYSET_FILE", keyset.toString()));
            envA.putAll(Map.of("HEARTH_DEMO_BOOK_NOW", "false", "HEARTH_SMTP_HOST", "127.0.0.1",
                    "HEARTH_SMTP_PORT", Integer.toString(blackHole.getLocalPort()), "HEARTH_SMTP_STARTTLS", "DISABLED",
                    "HEARTH_MAIL_POLL_INTERVAL", "PT0.2S", "HEARTH_MAIL_LEASE", "PT20S"));
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), "app.hearth.gateway.HearthMain")
                    .redirectErrorStream(true).redirectOutput(root.resolve("a.log").toFile());
            builder.environment().putAll(envA);
            a = builder.start();
            ApiClient apiA = new ApiClient("http://127.0.0.1:" + portA);
            Process started = a;
            Eventually.within(Duration.ofSeconds(90), "node A (a separate process) ready", () -> {
                assertTrue(started.isAlive(), "node A exited: " + log(root));
                assertEquals(200, apiA.get("/health/ready", null).status());
            });
            String adminA = apiA.accessToken("admin@demo.hearth", "hearth-demo");
            String email = "killed.writer." + System.nanoTime() + "@example.org";
            ApiClient.Reply created = apiA.postJson("/api/people", adminA, new JsonObject().put("role", "patient")
                    .put("displayName", "Orphaned Invitation").put("email", email));
            assertEquals(201, created.status(), created.body());
            String personId = created.json().getJsonObject("person").getString("id");

            try (Store store = Store.connect(storeServer.connectionString(), database)) {
                // A claims its message and hangs on the silent server, holding the lease
                Eventually.within(Duration.ofSeconds(20), "A holding the invitation's lease", () -> {
                    Document m = store.collection("mail_outbox").find(Filters.eq("recipientId", personId)).first();
                    assertTrue(m != null && m.getString("leaseOwner") != null && "pending".equals(m.getString("state")), String.valueOf(m));
                });

                // B: this JVM, the same store, a working SMTP server; up while A still holds the lease
                Map<String, String> envB = new HashMap<>(smtp.settings());
                envB.putAll(Map.of("MONGO_URI", storeServer.connectionString(), "HEARTH_MONGO_DATABASE", database,
                        "HEARTH_CARE_KEYSET_FILE", keyset.toString(), "HEARTH_DEMO_SEED", "false"));
                try (TestNode b = TestNode.start(envB)) {
                    Document leased = store.collection("mail_outbox").find(Filters.eq("recipientId", personId)).first();
                    String ownerA = leased.getString("leaseOwner");
                    assertEquals("pending", leased.getString("state"));
                    assertTrue(leased.getDate("leaseUntil").toInstant().isAfter(java.time.Instant.now()),
                            "A still holds the lease when it is killed: " + leased.toJson());
                    assertTrue(smtp.to(email).isEmpty(), "nothing delivered while A holds it");

                    a.destroyForcibly();
                    assertTrue(a.waitFor(20, TimeUnit.SECONDS), "A is gone");

                    Eventually.within(Duration.ofSeconds(45), "B delivers A's message after A's lease ran out",
                            () -> assertEquals(1, smtp.to(email).size()));
                    Document sent = store.collection("mail_outbox").find(Filters.eq("recipientId", personId)).first();
                    assertEquals("sent", sent.getString("state"), sent.toJson());
                    assertNotEquals(ownerA, sent.getString("sentBy"), "sent by the survivor");
                    assertEquals(2, sent.getInteger("attempts"), "A's claim, then B's: " + sent.toJson());

                    // and only once: a later message through B is delivered, A's still once
                    ApiClient apiB = new ApiClient(b.baseUrl());
                    String adminB = apiB.accessToken("admin@demo.hearth", "hearth-demo");
                    String later = "later." + System.nanoTime() + "@example.org";
                    assertEquals(201, apiB.postJson("/api/people", adminB, new JsonObject().put("role", "patient")
                            .put("displayName", "Later").put("email", later)).status());
                    Eventually.within(Duration.ofSeconds(20), "a later message", () -> assertEquals(1, smtp.to(later).size()));
                    assertEquals(1, smtp.to(email).size());
                }
            }
        } finally {
            if (a != null && a.isAlive()) {
                a.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
            for (Socket s : held) {
                s.close();
            }
            TestNode.deleteRecursively(root);
        }
    }

    static String log(Path root) {
        try {
            return Files.readString(root.resolve("a.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
