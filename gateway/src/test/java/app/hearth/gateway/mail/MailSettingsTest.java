package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The clinic's mail settings: defaults, who may change them, validation, and the reminders they shape. */
@DisplayName("Email: the clinic's reminder times and dosing instructions")
class MailSettingsTest {

    @Test
    @DisplayName("defaults 24 h and 1 h; admins change them (therapists read, patients neither); a dosing then gets the new reminders with the instructions")
    void settingsShapeReminders() {
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort());
             TestNode node = TestNode.start(new java.util.HashMap<>(Map.of("HEARTH_SMTP_HOST", "127.0.0.1",
                     "HEARTH_SMTP_PORT", Integer.toString(smtp.port), "HEARTH_SMTP_STARTTLS", "DISABLED",
                     "HEARTH_DEMO_BOOK_NOW", "true")))) {
            ApiClient api = new ApiClient(node.baseUrl());
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
            String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");

            JsonObject defaults = api.get("/api/mail-settings", admin).json();
            assertEquals(new JsonArray().add(1440).add(60), defaults.getJsonArray("reminderOffsetsMinutes"));
            assertTrue(defaults.getString("dosingInstructions").contains("ride home"), defaults.encode());
            assertEquals(200, api.get("/api/mail-settings", therapist).status());
            assertEquals(403, api.get("/api/mail-settings", patient).status());

            JsonObject wanted = new JsonObject().put("reminderOffsetsMinutes", new JsonArray().add(30).add(2880))
                    .put("dosingInstructions", "Bring a friend to drive you home.");
            assertEquals(403, api.put("/api/mail-settings", therapist, wanted).status());
            assertEquals(400, api.put("/api/mail-settings", admin, wanted.copy().put("reminderOffsetsMinutes", new JsonArray().add(2))).status());
            assertEquals(400, api.put("/api/mail-settings", admin, wanted.copy().put("reminderOffsetsMinutes", new JsonArray().add(60).add(60))).status());
            assertEquals(400, api.put("/api/mail-settings", admin, wanted.copy().put("dosingInstructions", "   ")).status());
            assertEquals(400, api.put("/api/mail-settings", admin, wanted.copy().put("extra", 1)).status());
            ApiClient.Reply saved = api.put("/api/mail-settings", admin, wanted);
            assertEquals(200, saved.status(), saved.body());
            assertEquals(new JsonArray().add(2880).add(30), saved.json().getJsonArray("reminderOffsetsMinutes"));
            assertEquals(saved.json(), api.get("/api/mail-settings", therapist).json());

            ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                    .put("displayName", "Settings Patient").put("email", "settings.patient@example.org").put("therapistId", "demo-therapist-1"));
            String patientId = created.json().getJsonObject("person").getString("id");
            Instant start = app.hearth.gateway.testing.DemoDaytime.morningAfter(Instant.now().plus(Duration.ofDays(3)));
            ApiClient.Reply dosing = api.postJson("/api/appointments", admin, new JsonObject().put("type", "dosing")
                    .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", patientId)
                    .put("start", start.toString()).put("location", "Room 2"));
            assertEquals(201, dosing.status(), dosing.body());
            try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
                List<Document> reminders = store.collection("mail_outbox").find(Filters.and(Filters.eq("recipientId", patientId),
                        Filters.eq("kind", "reminder"))).into(new ArrayList<>());
                assertEquals(2, reminders.size(), reminders.toString());
                for (Document r : reminders) {
                    Instant due = r.getDate("notBefore").toInstant();
                    assertTrue(due.equals(start.minus(Duration.ofMinutes(2880))) || due.equals(start.minus(Duration.ofMinutes(30))), due.toString());
                    assertTrue(r.getString("text").contains("Bring a friend to drive you home."), r.getString("text"));
                }
            }
        }
    }
}
