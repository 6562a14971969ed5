package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster over one store, each with its sender working the one outbox: every
 * message is delivered exactly once, and a message whose sender died holding its lease is
 * delivered by a live node once the lease runs out.
 */
@DisplayName("Email across a cluster: one outbox, each message exactly once")
class MailClusterTest {

    @Test
    @DisplayName("invitations written on both nodes, sent by whichever claims them: each arrives once; a dead sender's lease is taken over")
    void eachMessageExactlyOnce() throws Exception {
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort())) {
            Map<String, String> settings = new HashMap<>(smtp.settings());
            settings.put("HEARTH_MAIL_POLL_INTERVAL", "PT0.1S");
            TestNode[] pair = TestNode.startPair("mail", settings);
            try (TestNode a = pair[0]; TestNode b = pair[1]) {
                ApiClient apiA = new ApiClient(a.baseUrl());
                ApiClient apiB = new ApiClient(b.baseUrl());
                String tokenA = apiA.accessToken("admin@demo.hearth", "hearth-demo");
                String tokenB = apiB.accessToken("admin@demo.hearth", "hearth-demo");
                List<String> addresses = new ArrayList<>();
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<ApiClient.Reply>> replies = new ArrayList<>();
                    for (int i = 0; i < 16; i++) {
                        String address = "cluster.mail." + i + "." + System.nanoTime() + "@example.org";
                        addresses.add(address);
                        ApiClient api = i % 2 == 0 ? apiA : apiB;
                        String token = i % 2 == 0 ? tokenA : tokenB;
                        replies.add(pool.submit(() -> api.postJson("/api/people", token, new JsonObject().put("role", "patient")
                                .put("displayName", "Cluster Patient").put("email", address))));
                    }
                    for (Future<ApiClient.Reply> reply : replies) {
                        assertEquals(201, reply.get(60, TimeUnit.SECONDS).status());
                    }
                } finally {
                    pool.shutdownNow();
                }

                // a message a dead node claimed (and never sent): its lease runs out in 2 s
                String orphan = "orphan." + System.nanoTime() + "@example.org";
                try (Store store = Store.connect(a.storeUri(), a.databaseName())) {
                    Instant now = Instant.now();
                    store.collection("mail_outbox").insertOne(new Document("_id", "test:orphan:" + now.toEpochMilli())
                            .append("clinicId", "demo").append("recipientId", "nobody").append("to", orphan).append("kind", "invitation")
                            .append("subject", "Left behind").append("text", "text").append("html", "<p>html</p>")
                            .append("attachments", List.of()).append("state", "pending").append("attempts", 1)
                            .append("notBefore", Date.from(now)).append("nextAttemptAt", Date.from(now.minusSeconds(1)))
                            .append("leaseOwner", "dead-node").append("leaseUntil", Date.from(now.plusSeconds(2))));
                    addresses.add(orphan);

                    Eventually.within(Duration.ofSeconds(30), "every message sent", () -> {
                        assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.eq("state", "pending")));
                        for (String address : addresses) {
                            assertEquals(1, smtp.to(address).size(), address);
                        }
                    });
                    Document taken = store.collection("mail_outbox").find(Filters.eq("to", orphan)).first();
                    assertTrue(!"dead-node".equals(taken.getString("sentBy")) && taken.getInteger("attempts") == 2, taken.toJson());
                    // nothing is sent again: a later message is queued and delivered (so the senders have
                    // polled the outbox again since every message above was sent) and still each went once
                    String canary = "canary." + System.nanoTime() + "@example.org";
                    store.collection("mail_outbox").insertOne(new Document("_id", "test:canary:" + System.nanoTime())
                            .append("clinicId", "demo").append("recipientId", "nobody").append("to", canary).append("kind", "invitation")
                            .append("subject", "Later").append("text", "text").append("html", "<p>html</p>")
                            .append("attachments", List.of()).append("state", "pending").append("attempts", 0)
                            .append("notBefore", Date.from(Instant.now())).append("nextAttemptAt", Date.from(Instant.now())));
                    addresses.add(canary);
                    Eventually.within(Duration.ofSeconds(30), "the later message sent", () -> assertEquals(1, smtp.to(canary).size()));
                    for (String address : addresses) {
                        assertEquals(1, smtp.to(address).size(), address);
                    }
                    assertEquals(addresses.size(), smtp.all().size(), "no other mail");
                }
            }
        }
    }
}
