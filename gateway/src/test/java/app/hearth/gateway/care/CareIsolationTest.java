package app.hearth.gateway.care;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A patient's record: content for the patient and their therapist only; admins a summary; everyone else 404")
class CareIsolationTest {

    static final String CLINIC_B = "clinic-b";
    static final String SECRET = "my-secret-intention-7f3a";

    static TestNode node;
    static ApiClient api;
    static String p;
    static String entryId;
    static String patient;
    static String otherPatient;
    static String therapist;
    static String otherTherapist;
    static String admin;
    static String adminB;
    static String patientB;

    /** One request against some patient's record; the same list runs for every caller. */
    record Call(String name, boolean content, BiFunction<String, String, ApiClient.Reply> send) {
    }

    static final List<Call> CALLS = List.of(
            new Call("GET intake", true, (id, token) -> api.get(url(id, "intake"), token)),
            new Call("PUT intake", true, (id, token) -> api.put(url(id, "intake"), token,
                    new JsonObject().put("answers", new JsonObject().put("goals", "overwritten")))),
            new Call("GET intentions", true, (id, token) -> api.get(url(id, "intentions"), token)),
            new Call("PUT intentions", true, (id, token) -> api.put(url(id, "intentions"), token, new JsonObject()
                    .put("items", new JsonArray().add(new JsonObject().put("text", "overwritten"))).put("version", 1))),
            new Call("GET journal", true, (id, token) -> api.get(url(id, "journal"), token)),
            new Call("POST journal", true, (id, token) -> api.postJson(url(id, "journal"), token, new JsonObject().put("text", "planted"))),
            new Call("GET journal entry", true, (id, token) -> api.get(url(id, "journal/" + entryId), token)),
            new Call("PATCH journal entry", true, (id, token) -> api.patch(url(id, "journal/" + entryId), token,
                    new JsonObject().put("shared", false))),
            new Call("POST consents", true, (id, token) -> api.postJson(url(id, "consents"), token,
                    new JsonObject().put("kind", "telehealth").put("version", 1))),
            new Call("GET consents", false, (id, token) -> api.get(url(id, "consents"), token)),
            new Call("GET course", false, (id, token) -> api.get(url(id, "course"), token)));

    static String url(String patientId, String part) {
        return "/api/care/patients/" + patientId + "/" + part;
    }

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        CareFixtures fixtures = new CareFixtures(node, api);
        p = fixtures.patient("demo", "demo-therapist-1");
        patient = fixtures.signIn(p);
        otherPatient = api.accessToken("patient2@demo.hearth", "hearth-demo"); // also demo-therapist-1's
        therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        otherTherapist = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ClinicRepository(store).insertIfAbsent(new Clinic(CLINIC_B, "Other Clinic", "Europe/Berlin"));
            PersonRepository people = new PersonRepository(store);
            Instant now = Instant.now();
            people.insert(new Person("care-b-admin", CLINIC_B, Role.ADMIN, "Admin B", "care-admin@b.example", null, null, null,
                    null, PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("care-b-patient", CLINIC_B, Role.PATIENT, "Patient B", "care-patient@b.example", null, null,
                    null, null, PersonStatus.ACTIVE, now), "test");
            CredentialRepository credentials = new CredentialRepository(store);
            String hash = PasswordHasher.recommended().hash("clinic b password");
            credentials.setPasswordHash("care-b-admin", hash, now);
            credentials.setPasswordHash("care-b-patient", hash, now);
        }
        adminB = api.accessToken("care-admin@b.example", "clinic b password");
        patientB = api.accessToken("care-patient@b.example", "clinic b password");

        // the record that everybody else tries to reach
        assertEquals(200, api.put(url(p, "intake"), patient, new JsonObject().put("answers", new JsonObject().put("goals", SECRET))).status());
        assertEquals(200, api.put(url(p, "intentions"), patient, new JsonObject()
                .put("items", new JsonArray().add(new JsonObject().put("text", SECRET))).put("version", 0)).status());
        ApiClient.Reply entry = api.postJson(url(p, "journal"), patient, new JsonObject().put("text", SECRET).put("shared", true));
        assertEquals(201, entry.status(), entry.body());
        entryId = entry.json().getString("id");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Every call gets exactly what the same call for a made-up patient id gets: 404 patient-not-found. */
    static void assertLikeMadeUp(String token, String who) {
        assertLikeMadeUp(token, who, false);
    }

    /**
     * As above; for an admin (of another clinic) the content calls are refused by role first, 403
     * for any id, real or made up, so they too reveal nothing.
     */
    static void assertLikeMadeUp(String token, String who, boolean admin) {
        for (Call call : CALLS) {
            ApiClient.Reply real = call.send().apply(p, token);
            ApiClient.Reply madeUp = call.send().apply("no-such-patient", token);
            if (admin && call.content()) {
                assertProblem(real, 403, "clinical-content-not-allowed");
            } else {
                assertProblem(real, 404, "patient-not-found");
            }
            assertEquals(madeUp.status(), real.status(), who + " " + call.name());
            assertEquals(madeUp.body(), real.body(), who + " " + call.name());
        }
    }

    @Test
    @DisplayName("another patient of the same therapist: 404 for every endpoint, as for a made-up id")
    void otherPatient() {
        assertLikeMadeUp(otherPatient, "other patient");
    }

    @Test
    @DisplayName("another therapist of the clinic: 404 for every endpoint, as for a made-up id")
    void otherTherapist() {
        assertLikeMadeUp(otherTherapist, "other therapist");
    }

    @Test
    @DisplayName("another clinic's admin and patient: 404 for every endpoint, as for a made-up id")
    void otherClinic() {
        assertLikeMadeUp(adminB, "clinic B admin", true);
        assertLikeMadeUp(patientB, "clinic B patient");
    }

    @Test
    @DisplayName("the clinic's admin: 403 on content, the course and what is due without any clinical text")
    void admin() {
        for (Call call : CALLS) {
            ApiClient.Reply reply = call.send().apply(p, admin);
            if (call.content()) {
                assertProblem(reply, 403, "clinical-content-not-allowed");
            } else {
                assertEquals(200, reply.status(), call.name() + ": " + reply.body());
                assertFalse(reply.body().contains(SECRET), call.name());
            }
        }
        JsonObject course = api.get(url(p, "course"), admin).json();
        assertEquals(1, course.getJsonObject("journal").getInteger("shared"));
        assertEquals("submitted", course.getJsonObject("intake").getString("status"));
        // the refusals are in the audit log, as denied
        JsonArray audit = api.get("/api/audit?resourceId=" + p + "&limit=200", admin).json().getJsonArray("items");
        assertTrue(audit.stream().map(o -> (JsonObject) o).anyMatch(e -> "care.intake.read".equals(e.getString("action"))
                && "demo-admin".equals(e.getString("actorId")) && "denied".equals(e.getString("outcome"))), audit.encode());
    }

    @Test
    @DisplayName("refused reads and answers of measures and alerts are in the audit log as denied")
    void measuresRefusalsAudited() {
        assertProblem(api.get(url(p, "measures"), otherTherapist), 404, "patient-not-found");
        assertProblem(api.postJson(url(p, "measures"), otherPatient, new JsonObject().put("instrument", "phq9")
                .put("occasion", "baseline").put("answers", new JsonArray(List.of(0, 0, 0, 0, 0, 0, 0, 0, 0)))), 404, "patient-not-found");
        assertProblem(api.get("/api/care/alerts", patient), 403, "clinical-content-not-allowed");
        for (String action : List.of("care.measures.read", "care.measure.submit", "care.alert.read")) {
            JsonArray audit = api.get("/api/audit?action=" + action + "&limit=200", admin).json().getJsonArray("items");
            assertTrue(audit.stream().map(o -> (JsonObject) o).anyMatch(e -> action.equals(e.getString("action"))
                    && "denied".equals(e.getString("outcome"))), action + " denied in " + audit.encode());
        }
    }

    @Test
    @DisplayName("nothing the others tried changed the record; the patient and the therapist still read it")
    void recordUntouched() {
        otherPatient();
        otherTherapist();
        otherClinic();
        admin();
        assertEquals(SECRET, api.get(url(p, "intake"), therapist).json().getJsonObject("answers").getString("goals"));
        JsonObject intentions = api.get(url(p, "intentions"), therapist).json();
        assertEquals(1, intentions.getInteger("version"));
        assertEquals(SECRET, intentions.getJsonArray("items").getJsonObject(0).getString("text"));
        JsonArray journal = api.get(url(p, "journal"), patient).json().getJsonArray("items");
        assertEquals(1, journal.size(), "nothing planted");
        assertTrue(journal.getJsonObject(0).getBoolean("shared"));
        assertEquals(0, api.get(url(p, "consents"), patient).json().getJsonArray("items").size());
        // and every audit entry of the record carries identifiers only
        assertFalse(api.get("/api/audit?limit=500", admin).body().contains(SECRET));
    }
}
