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
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The clinic's SMTP server down for 30 seconds (GreenMail stopped, then started again on the same
 * port): the message waits in the outbox, retried with backoff, and is delivered exactly once when
 * the server is back. Takes about 35 s by design.
 */
@DisplayName("Email: SMTP down for 30 s, then delivered once")
class MailOutageTest {

    @Test
    @DisplayName("an invitation written while the server is down for 30 s is retried and delivered once after it is back, and never again")
    void thirtySecondOutage() {
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort())) {
            Map<String, String> settings = new HashMap<>(smtp.settings());
            settings.put("HEARTH_MAIL_RETRY_BASE", "PT1S");
            settings.put("HEARTH_MAIL_RETRY_MAX", "PT4S");
            try (TestNode node = TestNode.start(settings);
                 Store store = Store.connect(node.storeUri(), node.databaseName())) {
                ApiClient api = new ApiClient(node.baseUrl());
                String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
                smtp.stop();
                Instant down = Instant.now();
                String email = "outage." + System.nanoTime() + "@example.org";
                String personId;
                try {
                    ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                            .put("displayName", "Outage Patient").put("email", email));
                    assertEquals(201, created.status(), created.body());
                    personId = created.json().getJsonObject("person").getString("id");
                    // the outage lasts 30 s; meanwhile the message is tried again and again, never sent
                    Eventually.within(Duration.ofSeconds(45), "30 s of failed attempts", () -> {
                        Document m = store.collection("mail_outbox").find(Filters.eq("recipientId", personId)).first();
                        assertTrue(m != null && "pending".equals(m.getString("state")), String.valueOf(m));
                        assertTrue(m.getInteger("attempts") >= 5 && Duration.between(down, Instant.now()).getSeconds() >= 30,
                                m.getInteger("attempts") + " attempts");
                    });
                } finally {
                    smtp.start();
                }
                Eventually.within(Duration.ofSeconds(20), "delivery after the outage", () -> assertEquals(1, smtp.to(email).size()));
                Document sent = store.collection("mail_outbox").find(Filters.eq("recipientId", personId)).first();
                assertEquals("sent", sent.getString("state"), sent.toJson());
                assertTrue(sent.getString("lastError") != null, "the failures were recorded (class only): " + sent.toJson());

                // never again: a later message is delivered (the sender has polled since) and the first still went once
                String later = "after.outage." + System.nanoTime() + "@example.org";
                assertEquals(201, api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                        .put("displayName", "Later Patient").put("email", later)).status());
                Eventually.within(Duration.ofSeconds(20), "the later message", () -> assertEquals(1, smtp.to(later).size()));
                assertEquals(1, smtp.to(email).size());
            }
        }
    }
}
