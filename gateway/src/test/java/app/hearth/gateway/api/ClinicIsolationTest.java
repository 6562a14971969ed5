package app.hearth.gateway.api;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Clinics are isolated, and within a clinic people see only whom they may")
class ClinicIsolationTest {

    static final String CLINIC_B = "clinic-b";

    static TestNode node;
    static ApiClient api;
    static String adminA;
    static String adminB;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        // A second clinic with an admin and a patient, written straight into the store through the
        // MongoDB Java Driver and the booking repositories (the API has no "create clinic").
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            assertTrue(new ClinicRepository(store).insertIfAbsent(new Clinic(CLINIC_B, "Other Clinic", "Europe/Berlin")));
            PersonRepository people = new PersonRepository(store);
            Instant now = Instant.now();
            people.insert(new Person("b-admin", CLINIC_B, Role.ADMIN, "Admin B", "admin@b.example", null, null, null,
                    null, PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("b-patient", CLINIC_B, Role.PATIENT, "Patient B", "patient@b.example", null, null,
                    null, null, PersonStatus.ACTIVE, now), "test");
            new CredentialRepository(store).setPasswordHash("b-admin", PasswordHasher.recommended().hash("clinic b password"), now);
        }
        adminB = api.accessToken("admin@b.example", "clinic b password");
        adminA = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static void assertPersonNotFound(ApiClient.Reply reply) {
        assertProblem(reply, 404, "person-not-found");
    }

    static List<String> ids(JsonArray items) {
        return items.stream().map(o -> ((JsonObject) o).getString("id")).sorted().toList();
    }

    static List<String> peopleIds(String token, String query) {
        ApiClient.Reply reply = api.get("/api/people" + query, token);
        assertEquals(200, reply.status(), reply.body());
        return ids(reply.json().getJsonArray("items"));
    }

    @Test
    @DisplayName("clinic B's admin gets 404 person-not-found for clinic A's patient, exactly as for an id that does not exist")
    void otherClinicPersonIsNotFound() {
        // when admin B reads a demo-clinic patient and an id nobody has
        ApiClient.Reply foreign = api.get("/api/people/demo-patient-1", adminB);
        ApiClient.Reply missing = api.get("/api/people/no-such-person", adminB);

        // then both are the same 404: nothing reveals that the foreign id exists
        assertPersonNotFound(foreign);
        assertPersonNotFound(missing);
        assertEquals(missing.body(), foreign.body());
        // and the other way round
        assertPersonNotFound(api.get("/api/people/b-patient", adminA));
    }

    @Test
    @DisplayName("clinic B's admin cannot issue a set-password link for clinic A's patient → 404")
    void otherClinicLinkIsNotFound() {
        assertPersonNotFound(api.post("/api/people/demo-patient-1/set-password-link", adminB, null, ""));
        assertPersonNotFound(api.post("/api/people/demo-admin/set-password-link", adminB, null, ""));
    }

    @Test
    @DisplayName("clinic B's admin lists only clinic B's people, whatever the role filter")
    void listsOnlyOwnClinic() {
        assertEquals(List.of("b-admin", "b-patient"), peopleIds(adminB, ""));
        assertEquals(List.of("b-patient"), peopleIds(adminB, "?role=patient"));
        assertEquals(List.of(), peopleIds(adminB, "?role=therapist"));
        assertTrue(peopleIds(adminA, "").stream().allMatch(id -> id.startsWith("demo-")), "clinic A lists no clinic B people");
    }

    @Test
    @DisplayName("each admin's audit log holds their own clinic's entries only")
    void auditLogsAreSeparate() {
        // given activity in both clinics: each admin signed in, and clinic A's admin read a patient
        assertEquals(200, api.get("/api/people/demo-patient-1", adminA).status());

        // when each admin reads the audit log
        JsonArray pageB = api.get("/api/audit?limit=200", adminB).json().getJsonArray("items");
        JsonArray pageA = api.get("/api/audit?limit=200", adminA).json().getJsonArray("items");

        // then clinic B's page has its own sign-in and nothing of clinic A
        assertFalse(pageB.isEmpty(), "admin B's sign-in is audited");
        for (Object o : pageB) {
            JsonObject entry = (JsonObject) o;
            assertEquals(CLINIC_B, entry.getString("clinicId"), entry.encode());
            assertFalse(entry.getString("actorId").startsWith("demo-"), entry.encode());
            assertFalse(String.valueOf(entry.getString("resourceId")).startsWith("demo-"), entry.encode());
        }
        assertTrue(pageA.stream().anyMatch(o -> "demo-patient-1".equals(((JsonObject) o).getString("resourceId"))));
        assertTrue(pageA.stream().allMatch(o -> "demo".equals(((JsonObject) o).getString("clinicId"))));
        // and filtering by clinic A's ids from clinic B finds nothing
        assertEquals(0, api.get("/api/audit?resourceId=demo-patient-1", adminB).json().getJsonArray("items").size());
        assertEquals(0, api.get("/api/audit?actorId=demo-admin", adminB).json().getJsonArray("items").size());
    }

    @Test
    @DisplayName("clinic B's admin cannot give a new patient a therapist of clinic A → 400 unknown-therapist, nothing stored")
    void foreignTherapistIsUnknown() {
        // when admin B adds a patient naming demo-therapist-1
        ApiClient.Reply create = api.postJson("/api/people", adminB, new JsonObject().put("role", "patient")
                .put("displayName", "Cross Clinic").put("email", "cross@b.example").put("therapistId", "demo-therapist-1"));

        // then the therapist does not exist as far as clinic B is concerned, and no patient was added
        assertProblem(create, 400, "unknown-therapist", "therapistId");
        assertEquals(List.of("b-admin", "b-patient"), peopleIds(adminB, ""));
    }

    @Test
    @DisplayName("a therapist sees their own patients only: another therapist's patient → 404, the list has patients 1 and 2")
    void therapistSeesOwnPatients() {
        // given therapist@ cares for demo-patient-1 and -2, therapist2@ for -3 and -4
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");

        // then another therapist's patient is not found, their own is
        assertPersonNotFound(api.get("/api/people/demo-patient-3", therapist));
        assertPersonNotFound(api.get("/api/people/demo-patient-4", therapist));
        assertEquals(200, api.get("/api/people/demo-patient-1", therapist).status());
        // and the list holds exactly their own patients, with or without the role filter
        assertEquals(List.of("demo-patient-1", "demo-patient-2"), peopleIds(therapist, ""));
        assertEquals(List.of("demo-patient-1", "demo-patient-2"), peopleIds(therapist, "?role=patient"));
        assertProblem(api.get("/api/people?role=admin", therapist), 403, "role-not-allowed");
        // and no clinic B id is reachable either
        assertPersonNotFound(api.get("/api/people/b-patient", therapist));
    }

    @Test
    @DisplayName("a patient sees only themselves: another patient → 404, listing people → 403")
    void patientSeesOnlyThemselves() {
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");

        assertPersonNotFound(api.get("/api/people/demo-patient-2", patient));
        assertPersonNotFound(api.get("/api/people/b-patient", patient));
        assertEquals("demo-patient-1", api.get("/api/people/demo-patient-1", patient).json().getString("id"));
        assertEquals("demo-patient-1", api.get("/api/me", patient).json().getString("id"));
        assertProblem(api.get("/api/people", patient), 403, "role-not-allowed");
    }
}
