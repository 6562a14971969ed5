package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.care.measures.CareAlerts;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node that dies between storing a safety alert and queueing its email (docs/adr/0024, addendum
 * "pending notices"): the crash is simulated at the store as it would leave it — the alert with its
 * mail marked as owed and no outbox row — and the node's sweep (every 0.5 s here) must queue and
 * deliver one email per therapist of the patient, however often it is replayed.
 */
@DisplayName("Email: a safety alert whose mail a crash lost is replayed from its marker, once per therapist")
class MailAlertReplayTest {

    static MailNode mail;
    static TestSmtp smtp;
    static TestNode node;
    static ApiClient api;
    static String admin;
    static Store store;
    static String clinicId;

    @BeforeAll
    static void start() {
        mail = MailNode.start(Map.of("HEARTH_MAIL_NOTICE_SWEEP", "PT0.5S"));
        smtp = mail.smtp();
        node = mail.node();
        api = mail.api();
        admin = mail.admin();
        store = Store.connect(node.storeUri(), node.databaseName());
        clinicId = store.collection("people").find(Filters.eq("_id", "demo-therapist-1")).first().getString("clinicId");
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    static MongoCollection<Document> alerts() {
        return store.collection(CareAlerts.COLLECTION);
    }

    static long outboxRows(String alertId) {
        return store.collection("mail_outbox").countDocuments(Filters.regex("_id", "^" + Pattern.quote("safety-alert:" + alertId + ":")));
    }

    static long alertMail(String email, String patientId) {
        return smtp.to(email).stream().filter(m -> m.subject().contains("safety alert") && m.text().contains("/#/patients/" + patientId))
                .count();
    }

    static void awaitMarkerCleared(String alertId) {
        Eventually.within(Duration.ofSeconds(20), "the sweep to queue the alert's mail and clear its marker", () -> {
            Document d = alerts().find(Filters.eq("_id", alertId)).first();
            assertNull(d.get(CareAlerts.MAIL_PENDING), d.toJson());
            assertNull(d.get(CareAlerts.MAIL_LEASE), d.toJson());
        });
    }

    @Test
    @DisplayName("an alert stored with its marker and no outbox row: each current therapist gets one email; a second replay adds nothing")
    void alertLostInTheCrashWindow() {
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Alert Patient").put("email", "alert.patient." + System.nanoTime() + "@example.org")
                .put("timeZone", "Europe/Berlin").put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        String patientId = created.json().getJsonObject("person").getString("id");
        // the patient has two therapists by now; the alert was raised when they had one
        store.collection("people").updateOne(Filters.eq("_id", patientId),
                Updates.set("therapistIds", List.of("demo-therapist-1", "demo-therapist-2")));

        Instant raised = Instant.now().minus(Duration.ofMinutes(5));
        String alertId = OpaqueTokens.newId() + "-phq9-item9";
        // the alert's own insert, as CareAlerts makes it; the node "died" before the outbox write
        alerts().insertOne(new Document("_id", alertId).append("clinicId", clinicId).append("patientId", patientId)
                .append("patientName", "Alert Patient").append("kind", "phq9-item9").append("responseId", OpaqueTokens.newId())
                .append("recipients", List.of("demo-therapist-1")).append("raisedAt", Date.from(raised))
                .append("acknowledgedAt", null).append("acknowledgedBy", null).append(CareAlerts.MAIL_PENDING, Date.from(raised)));

        awaitMarkerCleared(alertId);
        assertEquals(2, outboxRows(alertId), "one row per current therapist");
        Eventually.within(Duration.ofSeconds(20), "the replayed alert mail", () -> {
            assertEquals(1, alertMail("therapist@demo.hearth", patientId));
            assertEquals(1, alertMail("therapist2@demo.hearth", patientId));
        });

        // as if the node died after queueing but before clearing: replayed again, nothing new is queued
        alerts().updateOne(Filters.eq("_id", alertId), Updates.set(CareAlerts.MAIL_PENDING, Date.from(raised)));
        awaitMarkerCleared(alertId);
        assertEquals(2, outboxRows(alertId), "the outbox ids are per alert and therapist");
        // a later alert of the same patient, replayed after this one, proves the sweep ran past it: then
        // each therapist holds exactly two alert emails for this patient, one per alert
        String later = OpaqueTokens.newId() + "-phq9-item9";
        alerts().insertOne(new Document("_id", later).append("clinicId", clinicId).append("patientId", patientId)
                .append("patientName", "Alert Patient").append("kind", "phq9-item9").append("responseId", OpaqueTokens.newId())
                .append("recipients", List.of("demo-therapist-1")).append("raisedAt", Date.from(raised))
                .append("acknowledgedAt", null).append("acknowledgedBy", null).append(CareAlerts.MAIL_PENDING, Date.from(raised)));
        awaitMarkerCleared(later);
        assertEquals(2, outboxRows(later));
        Eventually.within(Duration.ofSeconds(20), "the later alert's mail", () -> {
            assertEquals(2, alertMail("therapist@demo.hearth", patientId));
            assertEquals(2, alertMail("therapist2@demo.hearth", patientId));
        });
        assertEquals(2, outboxRows(alertId));
    }

    @Test
    @DisplayName("an alert raised through the API: its email is queued and its marker cleared; the sweep sends nothing more")
    void normalAlertLeavesNoMarker() {
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        String me = api.get("/api/me", patient).json().getString("id");
        ApiClient.Reply answered = api.postJson("/api/care/patients/" + me + "/measures", patient, new JsonObject()
                .put("instrument", "phq9").put("occasion", "baseline")
                .put("answers", new JsonArray(List.of(1, 2, 1, 1, 0, 1, 0, 0, 2))));
        assertEquals(201, answered.status(), answered.body());
        Document alert = alerts().find(Filters.and(Filters.eq("patientId", me), Filters.eq("kind", "phq9-item9"))).first();
        assertNotNull(alert);
        String alertId = alert.getString("_id");
        awaitMarkerCleared(alertId);
        Eventually.within(Duration.ofSeconds(20), "the alert mail", () -> assertEquals(1, alertMail("therapist@demo.hearth", me)));
        assertEquals(1, outboxRows(alertId));
        assertFalse(alerts().find(Filters.eq("_id", alertId)).first().containsKey(CareAlerts.MAIL_PENDING));
    }

    @Test
    @DisplayName("two sweeps claiming at once: only one gets the alert until its lease runs out")
    void oneSweepHoldsAnAlert() {
        // owed for 30 s only, younger than the node's own grace, so its sweep leaves it to this test
        Instant raised = Instant.now().minus(Duration.ofSeconds(30));
        String alertId = OpaqueTokens.newId() + "-phq9-item9";
        alerts().insertOne(new Document("_id", alertId).append("clinicId", clinicId).append("patientId", "no-such-patient")
                .append("patientName", "x").append("kind", "phq9-item9").append("responseId", OpaqueTokens.newId())
                .append("recipients", List.of("demo-therapist-1")).append("raisedAt", Date.from(raised))
                .append("acknowledgedAt", null).append("acknowledgedBy", null).append(CareAlerts.MAIL_PENDING, Date.from(raised)));
        CareAlerts careAlerts = new CareAlerts(store);
        Instant now = Instant.now();
        java.util.function.Predicate<java.util.Optional<CareAlerts.PendingMail>> ours = o -> o.isPresent() && o.get().alertId().equals(alertId);
        assertTrue(ours.test(careAlerts.claimMailPending(now, now, now.plus(Duration.ofMinutes(2)))), "the first sweep claims it");
        assertFalse(ours.test(careAlerts.claimMailPending(now, now, now.plus(Duration.ofMinutes(2)))), "the second does not, while leased");
        Instant later = now.plus(Duration.ofMinutes(3));
        assertTrue(ours.test(careAlerts.claimMailPending(now, later, later.plus(Duration.ofMinutes(2)))), "after the lease, again");
        careAlerts.clearMailPending(alertId);
        assertFalse(alerts().find(Filters.eq("_id", alertId)).first().containsKey(CareAlerts.MAIL_PENDING));
        assertFalse(ours.test(careAlerts.claimMailPending(later, later, later.plus(Duration.ofMinutes(2)))), "cleared: nothing owed");
    }
}
