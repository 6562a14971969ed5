package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pruning (docs/adr/0029): every node's periodic task deletes mail that is done with and older
 * than HEARTH_MAIL_PRUNE_AFTER, and expired unsubscribe links; what is pending, recent, or a
 * withdrawn reminder of an appointment still ahead (its dedupe key) stays.
 */
@DisplayName("Email: old sent mail is pruned by a periodic task")
class MailPruneTest {

    static Document message(String id, String state, Instant created, Instant sentAt, Instant staleAfter) {
        return new Document("_id", id).append("clinicId", "demo").append("recipientId", "nobody").append("to", "nobody@example.org")
                .append("kind", id.substring(0, id.indexOf(':'))).append("subject", "s").append("text", "t").append("html", "<p>h</p>")
                .append("attachments", List.of()).append("state", state).append("attempts", 1)
                .append("notBefore", Date.from(created)).append("nextAttemptAt", "pending".equals(state) ? Date.from(Instant.now().plus(Duration.ofDays(9))) : null)
                .append("createdAt", Date.from(created)).append("sentAt", sentAt == null ? null : Date.from(sentAt))
                .append("staleAfter", staleAfter == null ? null : Date.from(staleAfter));
    }

    @Test
    @DisplayName("sent 2 h ago (age 1 h) → deleted; sent now, pending, or a withdrawn reminder of a future appointment → kept; expired links deleted")
    void prunes() {
        try (TestNode node = TestNode.start(Map.of("HEARTH_MAIL_PRUNE_AFTER", "PT1H", "HEARTH_MAIL_PRUNE_INTERVAL", "PT0.3S"));
             Store store = Store.connect(node.storeUri(), node.databaseName())) {
            MongoCollection<Document> outbox = store.collection("mail_outbox");
            Instant now = Instant.now();
            Instant old = now.minus(Duration.ofHours(2));
            outbox.insertMany(List.of(
                    message("booked:old-sent:p", "sent", old, old, null),
                    message("reminder:old-expired:p", "expired", old, null, old.plus(Duration.ofMinutes(30))),
                    message("reminder:old-suppressed:p", "suppressed", old, null, old.plus(Duration.ofMinutes(30))),
                    message("booked:new-sent:p", "sent", now, now, null),
                    message("booked:old-pending:p", "pending", old, null, null),
                    message("reminder:future-withdrawn:p", "withdrawn", old, null, now.plus(Duration.ofDays(3)))));
            MongoCollection<Document> links = store.collection("mail_unsubscribe_links");
            links.insertMany(List.of(
                    new Document("_id", "expired-link").append("personId", "p").append("clinicId", "demo").append("kind", "reminder")
                            .append("createdAt", Date.from(old)).append("expiresAt", Date.from(now.minusSeconds(1))),
                    new Document("_id", "live-link").append("personId", "p").append("clinicId", "demo").append("kind", "reminder")
                            .append("createdAt", Date.from(now)).append("expiresAt", Date.from(now.plus(Duration.ofDays(300))))));

            Eventually.within(Duration.ofSeconds(20), "the old messages pruned", () -> {
                assertEquals(List.of("booked:new-sent:p", "booked:old-pending:p", "reminder:future-withdrawn:p"),
                        outbox.find(Filters.regex("_id", ":p$")).map(d -> d.getString("_id")).into(new java.util.ArrayList<>())
                                .stream().sorted().toList());
                assertEquals(List.of("live-link"), links.find().map(d -> d.getString("_id")).into(new java.util.ArrayList<>()));
            });
        }
    }
}
