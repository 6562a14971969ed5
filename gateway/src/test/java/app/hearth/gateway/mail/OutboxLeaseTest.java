package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.TestNode;
import app.hearth.notify.Outbox;
import app.hearth.notify.OutboxMessage;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The outbox's own rules against the store over TCP (a database of its own, so the node's sender
 * stays out of it): dedupe, claims that exclude each other, a lapsed lease taken over, only the
 * owner marks, due times honoured, and sent set-password links removed from the store.
 */
@DisplayName("The mail outbox: dedupe, leases, and no readable link after sending")
class OutboxLeaseTest {

    static OutboxMessage message(String id, String text, Instant notBefore) {
        return new OutboxMessage(id, "c1", "p1", "someone@example.org", id.substring(0, id.indexOf(':')), "Subject", text,
                "<p>" + text + "</p>", List.of(), notBefore, null, null);
    }

    @Test
    @DisplayName("one message per key; two claimers never share one; a lapsed lease is taken over; only the owner marks it sent")
    void leases() {
        try (TestNode node = TestNode.start();
             Store store = Store.connect(node.storeUri(), "outbox_test_" + System.nanoTime())) {
            try {
                Outbox outbox = new Outbox(store);
                outbox.ensureIndexes();
                Instant now = Instant.now();
                assertTrue(outbox.enqueue(message("booked:a1:p1", "hello", null), now));
                assertFalse(outbox.enqueue(message("booked:a1:p1", "hello again", null), now), "the same event told twice");
                OutboxMessage reminder = message("reminder:a1:p1:PT1H", "later", now.plusSeconds(3600));
                assertTrue(outbox.enqueue(new OutboxMessage(reminder.id(), "c1", "p1", reminder.to(), "reminder", "Subject", "later",
                        "<p>later</p>", List.of(), reminder.notBefore(), null, "a1"), now));

                Optional<Outbox.Claimed> first = outbox.claim("node-a", now, Duration.ofSeconds(30));
                assertEquals("booked:a1:p1", first.orElseThrow().message().id());
                assertEquals(1, first.get().attempt());
                assertTrue(outbox.claim("node-b", now, Duration.ofSeconds(30)).isEmpty(), "leased, and the reminder is not due");

                // node-a dies: after its lease, node-b takes the message over
                Instant later = now.plusSeconds(31);
                Optional<Outbox.Claimed> taken = outbox.claim("node-b", later, Duration.ofSeconds(30));
                assertEquals("booked:a1:p1", taken.orElseThrow().message().id());
                assertEquals(2, taken.get().attempt());
                assertFalse(outbox.markSent("booked:a1:p1", "node-a", later, true), "a lost lease cannot mark");
                assertTrue(outbox.markSent("booked:a1:p1", "node-b", later, true));
                assertTrue(outbox.claim("node-a", later, Duration.ofSeconds(30)).isEmpty(), "sent messages are not claimed");
                assertEquals("hello", store.collection(Outbox.COLLECTION).find(Filters.eq("_id", "booked:a1:p1")).first().getString("text"),
                        "only link messages are blanked");

                // the reminder: due in an hour, withdrawn before
                assertEquals(1, outbox.withdrawReminders("a1") + outbox.withdrawReminders("nothing"));
                assertTrue(outbox.claim("node-a", now.plusSeconds(7200), Duration.ofSeconds(30)).isEmpty(), "a withdrawn reminder is never due");
            } finally {
                store.drop();
            }
        }
    }

    @Test
    @DisplayName("a sent invitation keeps no readable set-password link in the store (kept only where the dev page shows it)")
    void sentLinksRemoved() {
        try (TestNode node = TestNode.start();
             Store store = Store.connect(node.storeUri(), "outbox_test_" + System.nanoTime())) {
            try {
                Outbox outbox = new Outbox(store);
                Instant now = Instant.now();
                outbox.enqueue(message("invitation:p1:abc", "https://hearth.test/#/set-password/SECRET1", null), now);
                outbox.enqueue(message("set-password-link:p1:def", "https://hearth.test/#/set-password/SECRET2", null), now);
                outbox.enqueue(message("invitation:p2:ghi", "https://hearth.test/#/set-password/SECRET3", null), now);
                for (String keepOrNot : List.of("invitation:p1:abc", "set-password-link:p1:def", "invitation:p2:ghi")) {
                    Outbox.Claimed c = outbox.claim("n", now, Duration.ofSeconds(30)).orElseThrow();
                    assertTrue(outbox.markSent(c.message().id(), "n", now, !c.message().id().equals("invitation:p2:ghi")), keepOrNot);
                }
                for (Document d : store.collection(Outbox.COLLECTION).find()) {
                    boolean kept = d.getString("_id").equals("invitation:p2:ghi");
                    assertEquals(kept, d.getString("text").contains("SECRET"), d.toJson());
                    assertEquals(kept, d.getString("html").contains("SECRET"), d.toJson());
                }
            } finally {
                store.drop();
            }
        }
    }
}
