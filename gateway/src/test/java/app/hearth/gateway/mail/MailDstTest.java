package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.notify.MailPolicy;
import app.hearth.notify.MailPreferences;
import app.hearth.notify.MailSender;
import app.hearth.notify.Outbox;
import app.hearth.notify.SenderSettings;
import app.hearth.notify.SmtpSettings;
import app.hearth.notify.UnsubscribeLinks;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reminders across a DST change (docs/adr/0024, addendum): a session at 10:00 on the day New York's
 * clocks change gets its "24 h" reminder at 10:00 the day before on the wall clock (23 or 25 real
 * hours before), its 1 h reminder one real hour before; both times are in the outbox, survive a
 * restart of the node, and a sender whose clock is set to the reminder's time delivers it.
 */
@DisplayName("Email: reminders on the recipient's wall clock across a DST change, kept across a restart")
class MailDstTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    @DisplayName("10:00 on the day the clocks change → the day-before reminder at 10:00 local, 1 h reminder 09:00; after a restart the same; delivered at that time")
    void reminderAcrossDst() throws Exception {
        // the next change of New York's clocks at least three days ahead, whichever way it goes
        ZoneOffsetTransition change = NEW_YORK.getRules().nextTransition(Instant.now().plus(Duration.ofDays(3)));
        ZonedDateTime session = change.getDateTimeAfter().toLocalDate().atTime(LocalTime.of(10, 0)).atZone(NEW_YORK);
        Instant start = session.toInstant();
        Instant dayBefore = session.minusDays(1).toInstant();
        assertNotEquals(start.minus(Duration.ofHours(24)), dayBefore, "the change lies between them");

        Path data = Files.createTempDirectory("hearth-dst-");
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort())) {
            Map<String, String> settings = new HashMap<>(smtp.settings());
            settings.put("HEARTH_DEMO_BOOK_NOW", "true");
            settings.put("HEARTH_DATA_DIR", data.toString());
            String patientId;
            String email;
            List<Document> before;
            try (TestNode node = TestNode.start(settings)) {
                ApiClient api = new ApiClient(node.baseUrl());
                String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
                ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                        .put("displayName", "Dst Patient").put("email", "dst.patient." + System.nanoTime() + "@example.org")
                        .put("timeZone", "America/New_York").put("therapistId", "demo-therapist-1"));
                assertEquals(201, created.status(), created.body());
                patientId = created.json().getJsonObject("person").getString("id");
                email = created.json().getJsonObject("person").getString("email");
                // the next change may be further ahead than the demo's 90-day horizon
                JsonObject hours = api.get("/api/therapists/demo-therapist-1/availability", admin).json();
                ApiClient.Reply widened = api.put("/api/therapists/demo-therapist-1/availability", admin, hours.put("horizonDays", 400));
                assertEquals(200, widened.status(), widened.body());
                ApiClient.Reply booked = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                        .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", patientId)
                        .put("start", start.toString()));
                assertEquals(201, booked.status(), booked.body());
                before = reminders(node, patientId);
                assertEquals(List.of(dayBefore, start.minus(Duration.ofHours(1))),
                        before.stream().map(d -> d.getDate("notBefore").toInstant()).toList(), before.toString());
                assertEquals(dayBefore.atZone(NEW_YORK).toLocalTime(), LocalTime.of(10, 0));
            }
            // the node restarts on the same data: the reminders keep their times
            try (TestNode node = TestNode.start(settings)) {
                List<Document> after = reminders(node, patientId);
                assertEquals(before.stream().map(d -> d.get("notBefore")).toList(), after.stream().map(d -> d.get("notBefore")).toList());
                assertTrue(after.stream().allMatch(d -> "pending".equals(d.getString("state"))));

                // a sender whose clock stands just after the day-before reminder's time sends it, and only it
                Vertx vertx = Vertx.vertx();
                try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
                    Blocking blocking = Blocking.pool(vertx, "dst-test", 2);
                    Clock at = Clock.fixed(dayBefore.plusSeconds(1), ZoneOffset.UTC);
                    MailSender sender = new MailSender(vertx, new Outbox(store), blocking,
                            new SmtpSettings("127.0.0.1", smtp.port, SmtpSettings.StartTls.DISABLED, false, Optional.empty(),
                                    Optional.empty(), "clinic@hearth.test"),
                            new SenderSettings(Duration.ofMillis(200), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1)),
                            "dst-test-sender", at, new MailPolicy(new MailPreferences(store), new UnsubscribeLinks(store), node.baseUrl()));
                    sender.start();
                    try {
                        Eventually.within(Duration.ofSeconds(20), "the day-before reminder", () -> assertEquals(1,
                                smtp.to(email).stream().filter(m -> m.subject().startsWith("Reminder")).count()));
                        TestSmtp.Mail reminder = smtp.to(email).stream().filter(m -> m.subject().startsWith("Reminder")).findFirst().orElseThrow();
                        assertTrue(reminder.subject().contains("tomorrow") && reminder.text().contains("10:00 (America/New_York)"),
                                reminder.subject() + "\n" + reminder.text());
                        List<Document> states = reminders(node, patientId);
                        assertEquals(List.of("sent", "pending"), states.stream().map(d -> d.getString("state")).toList());
                        assertEquals("dst-test-sender", states.get(0).getString("sentBy"));
                    } finally {
                        sender.stop().toCompletionStage().toCompletableFuture().get();
                    }
                } finally {
                    vertx.close().toCompletionStage().toCompletableFuture().get();
                }
            }
        } finally {
            TestNode.deleteRecursively(data);
        }
    }

    /** The patient's reminders, earliest first. */
    static List<Document> reminders(TestNode node, String patientId) {
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            return store.collection("mail_outbox").find(Filters.and(Filters.eq("recipientId", patientId), Filters.eq("kind", "reminder")))
                    .sort(new Document("notBefore", 1)).into(new ArrayList<>());
        }
    }
}
