package app.hearth.gateway.api;

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
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Clinics are isolated, and within a clinic people see only whom they may")
class ClinicIsolationTest {

    static TestNode node;
    static ApiClient api;
    static String adminB;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        // a second clinic, written straight into the store through the MongoDB Java Driver
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ClinicRepository(store).insertIfAbsent(new Clinic("clinic-b", "Other Clinic", "Europe/Berlin"));
            PersonRepository people = new PersonRepository(store);
            Instant now = Instant.now();
            people.insert(new Person("b-admin", "clinic-b", Role.ADMIN, "Admin B", "admin@b.example", null, null, null,
                    null, PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("b-patient", "clinic-b", Role.PATIENT, "Patient B", "patient@b.example", null, null,
                    null, null, PersonStatus.ACTIVE, now), "test");
            new CredentialRepository(store).setPasswordHash("b-admin", PasswordHasher.recommended().hash("clinic b password"), now);
        }
        adminB = api.accessToken("admin@b.example", "clinic b password");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static void assertNotFound(ApiClient.Reply reply) {
        assertEquals(404, reply.status(), reply.body());
        assertEquals("person-not-found", reply.problemType());
    }

    @Test
    @DisplayName("clinic B's admin gets 404 for clinic A's people and sees none of them or their audit entries")
    void otherClinicIsInvisible() {
        assertNotFound(api.get("/api/people/demo-patient-1", adminB));
        assertNotFound(api.post("/api/people/demo-patient-1/set-password-link", adminB, null, ""));
        List<String> ids = api.get("/api/people", adminB).json().getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("id")).toList();
        assertEquals(List.of("b-admin", "b-patient"), ids);
        ApiClient.Reply create = api.postJson("/api/people", adminB, new JsonObject().put("role", "patient")
                .put("displayName", "Cross Clinic").put("email", "cross@b.example").put("therapistId", "demo-therapist-1"));
        assertEquals(400, create.status());
        assertEquals("unknown-therapist", create.problemType());

        String adminA = api.accessToken("admin@demo.hearth", "hearth-demo");
        assertNotFound(api.get("/api/people/b-patient", adminA));
        assertTrue(api.get("/api/audit", adminB).json().getJsonArray("items").stream()
                .allMatch(o -> "clinic-b".equals(((JsonObject) o).getString("clinicId"))));
        assertFalse(api.get("/api/audit", adminA).body().contains("clinic-b"));
    }

    @Test
    @DisplayName("a therapist sees their own patients only; a patient sees only themselves")
    void withinTheClinic() {
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        assertNotFound(api.get("/api/people/demo-patient-3", therapist));
        assertEquals(200, api.get("/api/people/demo-patient-1", therapist).status());
        List<String> mine = api.get("/api/people?role=patient", therapist).json().getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("id")).sorted().toList();
        assertEquals(List.of("demo-patient-1", "demo-patient-2"), mine);
        assertEquals(403, api.get("/api/people?role=admin", therapist).status());

        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        assertNotFound(api.get("/api/people/demo-patient-2", patient));
        assertEquals("demo-patient-1", api.get("/api/people/demo-patient-1", patient).json().getString("id"));
        assertEquals(403, api.get("/api/people", patient).status());
    }
}
