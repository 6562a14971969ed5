package app.hearth.gateway.mail;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each person's optional mail (docs/adr/0029) against a real node and a real SMTP server: the
 * preferences API (self, admin of the clinic, others refused), a turned-off reminder not sent, and
 * the unsubscribe link of a delivered message working over HTTP without signing in.
 */
@DisplayName("Email preferences and unsubscribe links")
class MailPreferencesTest {

    static MailNode mail;
    static TestSmtp smtp;
    static TestNode node;
    static ApiClient api;
    static String admin;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        mail = MailNode.start(Map.of("HEARTH_DEMO_BOOK_NOW", "true"));
        smtp = mail.smtp();
        node = mail.node();
        api = mail.api();
        admin = mail.admin();
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ClinicRepository(store).insertIfAbsent(new Clinic("clinic-b", "Other Clinic", "Europe/Berlin"));
            PersonRepository people = new PersonRepository(store);
            Instant now = Instant.now();
            people.insert(new Person("b-patient", "clinic-b", Role.PATIENT, "Patient B", "patient@b.example", null, null,
                    null, null, PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("b-admin", "clinic-b", Role.ADMIN, "Admin B", "admin@b.example", null, null, null,
                    null, PersonStatus.ACTIVE, now), "test");
            new CredentialRepository(store).setPasswordHash("b-admin", PasswordHasher.recommended().hash("clinic b password"), now);
        }
    }

    @AfterAll
    static void stop() {
        if (mail != null) {
            mail.close();
        }
    }

    static JsonObject all(boolean on) {
        return new JsonObject().put("reminder", on).put("measure-due", on).put("patient-waiting", on);
    }

    @Test
    @DisplayName("a person reads and changes their own; an admin those of their clinic (audited); others 403, another clinic's person 404, alerts cannot be named")
    void preferencesApi() {
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        String patientId = api.get("/api/me", patient).json().getString("id");

        ApiClient.Reply mine = api.get("/api/me/mail-preferences", patient);
        assertEquals(200, mine.status(), mine.body());
        assertEquals(all(true), mine.json());
        ApiClient.Reply changed = api.put("/api/me/mail-preferences", patient, new JsonObject().put("reminder", false));
        assertEquals(200, changed.status(), changed.body());
        assertEquals(all(true).put("reminder", false), changed.json());
        assertEquals(changed.json(), api.get("/api/people/" + patientId + "/mail-preferences", patient).json(), "the same by id");

        assertEquals(changed.json(), api.get("/api/people/" + patientId + "/mail-preferences", admin).json());
        ApiClient.Reply byAdmin = api.put("/api/people/" + patientId + "/mail-preferences", admin, new JsonObject().put("reminder", true)
                .put("measure-due", false));
        assertEquals(200, byAdmin.status(), byAdmin.body());
        assertEquals(all(true).put("measure-due", false), api.get("/api/me/mail-preferences", patient).json());

        assertProblem(api.get("/api/people/" + patientId + "/mail-preferences", therapist), 403, "forbidden");
        assertProblem(api.put("/api/people/" + patientId + "/mail-preferences", therapist, new JsonObject().put("reminder", false)),
                403, "forbidden");
        assertProblem(api.get("/api/people/b-patient/mail-preferences", admin), 404, "person-not-found");
        assertProblem(api.put("/api/people/b-patient/mail-preferences", admin, all(false)), 404, "person-not-found");
        assertProblem(api.get("/api/people/no-such-person/mail-preferences", admin), 404, "person-not-found");
        String adminB = api.accessToken("admin@b.example", "clinic b password");
        assertProblem(api.get("/api/people/" + patientId + "/mail-preferences", adminB), 404, "person-not-found");

        assertEquals(400, api.put("/api/me/mail-preferences", patient, new JsonObject().put("safety-alert", false)).status(),
                "alerts cannot be turned off");
        assertEquals(400, api.put("/api/me/mail-preferences", patient, new JsonObject().put("booked", false)).status());
        assertEquals(400, api.put("/api/me/mail-preferences", patient, new JsonObject()).status());
        assertEquals(400, api.put("/api/me/mail-preferences", patient, new JsonObject().put("reminder", "no")).status());
        assertEquals(401, api.get("/api/me/mail-preferences", null).status());

        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            List<Document> audit = store.collection("audit_log").find(Filters.and(Filters.eq("resourceId", patientId),
                    Filters.regex("action", "^mail-preferences"))).into(new ArrayList<>());
            assertTrue(audit.stream().anyMatch(d -> "mail-preferences.update".equals(d.getString("action"))
                    && "admin".equals(d.getString("actorRole"))), audit.toString());
            assertTrue(audit.stream().anyMatch(d -> "mail-preferences.read".equals(d.getString("action"))
                    && "admin".equals(d.getString("actorRole"))), audit.toString());
        }
        api.put("/api/me/mail-preferences", patient, all(true));
    }

    /** A new patient of Dr. Okafor's; their person. */
    static JsonObject newPatient(String name) {
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", name).put("email", name.toLowerCase().replace(' ', '.') + "." + System.nanoTime() + "@example.org")
                .put("timeZone", "Europe/London").put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        return created.json().getJsonObject("person");
    }

    @Test
    @DisplayName("reminders turned off → the reminder is suppressed, the booking still sent; reminders on → a link and RFC 8058 headers that unsubscribe over HTTP without signing in")
    void honouredAndUnsubscribed() throws Exception {
        JsonObject quiet = newPatient("Quiet Patient");
        JsonObject loud = newPatient("Loud Patient");
        assertEquals(200, api.put("/api/people/" + quiet.getString("id") + "/mail-preferences", admin,
                new JsonObject().put("reminder", false)).status());
        Instant now = Instant.now();
        Instant start = app.hearth.gateway.testing.DemoDaytime.morningAfter(now.plus(Duration.ofHours(60)));
        Instant startLoud = start.plus(Duration.ofHours(2));
        // one reminder each, due in a few seconds
        Duration offset = Duration.between(now.plus(Duration.ofSeconds(4)), start).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Duration offsetLoud = offset.plus(Duration.ofHours(2));
        String clinicId = quiet.getString("clinicId");
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            store.collection("mail_settings").replaceOne(Filters.eq("_id", clinicId),
                    new Document("_id", clinicId).append("reminderOffsets", List.of(offset.toString(), offsetLoud.toString())),
                    new com.mongodb.client.model.ReplaceOptions().upsert(true));
            try {
                book(quiet.getString("id"), start);
                book(loud.getString("id"), startLoud);
            } finally {
                store.collection("mail_settings").deleteOne(Filters.eq("_id", clinicId));
            }
            Eventually.within(Duration.ofSeconds(30), "the quiet patient's reminders suppressed", () -> assertTrue(
                    store.collection("mail_outbox").countDocuments(Filters.and(Filters.eq("recipientId", quiet.getString("id")),
                            Filters.eq("kind", "reminder"), Filters.eq("state", "pending"))) == 0
                            && store.collection("mail_outbox").countDocuments(Filters.and(Filters.eq("recipientId", quiet.getString("id")),
                            Filters.eq("kind", "reminder"), Filters.eq("state", "suppressed"))) >= 1));
        }
        Eventually.within(Duration.ofSeconds(30), "the reminder", () -> assertTrue(smtp.to(loud.getString("email")).stream()
                .anyMatch(m -> m.subject().startsWith("Reminder"))));
        TestSmtp.Mail reminder = smtp.to(loud.getString("email")).stream().filter(m -> m.subject().startsWith("Reminder"))
                .findFirst().orElseThrow();
        List<TestSmtp.Mail> quietMail = smtp.to(quiet.getString("email"));
        assertTrue(quietMail.stream().anyMatch(m -> m.subject().startsWith("Booked")), "appointment changes always go");
        assertTrue(quietMail.stream().noneMatch(m -> m.subject().startsWith("Reminder")), "no reminder for whom turned them off");

        // the link, in both parts and in the header
        assertEquals("List-Unsubscribe=One-Click", reminder.header("List-Unsubscribe-Post"));
        String header = reminder.header("List-Unsubscribe");
        Matcher inHeader = Pattern.compile("^<(http://127\\.0\\.0\\.1:\\d+/api/mail/unsubscribe/[A-Za-z0-9_-]+)>$").matcher(header);
        assertTrue(inHeader.matches(), header);
        String link = inHeader.group(1);
        assertTrue(reminder.text().contains(link), reminder.text());
        assertTrue(reminder.html().contains(link), reminder.html());
        TestSmtp.Mail booked = smtp.to(loud.getString("email")).stream().filter(m -> m.subject().startsWith("Booked")).findFirst().orElseThrow();
        assertNull(booked.header("List-Unsubscribe"), "appointment changes carry no unsubscribe link");
        assertFalse(booked.text().contains("/api/mail/unsubscribe/"));
        TestSmtp.Mail invitation = smtp.to(loud.getString("email")).stream().filter(m -> m.subject().contains("invitation")).findFirst().orElseThrow();
        assertNull(invitation.header("List-Unsubscribe"));

        // opening the link asks first and changes nothing
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(link)).header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("appointment reminders") && page.body().contains("<form method=\"post\""), page.body());
        assertEquals(true, reminderOn(loud.getString("id")));
        // the one-click POST (what a mail program sends)
        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(URI.create(link))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(false, reminderOn(loud.getString("id")));
        JsonObject after = api.get("/api/people/" + loud.getString("id") + "/mail-preferences", admin).json();
        assertEquals(all(true).put("reminder", false), after, "only that kind is off");
        // again: still fine (idempotent)
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(link)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        // a forged or cut-short link: a clear error, nothing changed
        String forged = link.substring(0, link.lastIndexOf('/') + 1) + "A".repeat(43);
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(forged))
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, refused.statusCode());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertTrue(new JsonObject(refused.body()).getString("type").endsWith("/unsubscribe-link-not-found"), refused.body());
        HttpResponse<String> refusedPage = HTTP.send(HttpRequest.newBuilder(URI.create(link.substring(0, link.length() - 3)))
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, refusedPage.statusCode());
        assertTrue(refusedPage.body().contains("not valid"), refusedPage.body());
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            assertEquals(0, store.collection("mail_unsubscribe_links").countDocuments(Filters.eq("_id", link.substring(link.lastIndexOf('/') + 1))),
                    "only the digest is stored");
            assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "mail-preferences.unsubscribe"),
                    Filters.eq("resourceId", loud.getString("id")))) >= 1);
        }
    }

    static Boolean reminderOn(String personId) {
        return api.get("/api/people/" + personId + "/mail-preferences", admin).json().getBoolean("reminder");
    }

    static void book(String patientId, Instant start) {
        ApiClient.Reply booked = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new io.vertx.core.json.JsonArray().add("demo-therapist-1")).put("patientId", patientId)
                .put("start", start.toString()));
        assertEquals(201, booked.status(), booked.body());
    }
}
