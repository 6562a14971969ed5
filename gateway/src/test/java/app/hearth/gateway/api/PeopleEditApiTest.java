package app.hearth.gateway.api;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.gateway.rooms.SessionSockets;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.store.Store;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * People over time (issues 14 and 17): admins edit people and their therapist assignments, and
 * deactivate them, which ends every session of theirs at once; the audit log reads with names.
 */
@DisplayName("People over time: edit, assignments, deactivation, and an audit log with names")
class PeopleEditApiTest {

    static final Duration WITHIN = Duration.ofSeconds(10);
    static final String T1 = "demo-therapist-1";
    static final String T2 = "demo-therapist-2";

    static TestNode node;
    static ApiClient api;
    static String admin;
    static String therapist1;
    static String therapist2;
    static AtomicInteger counter = new AtomicInteger();

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ClinicRepository(store).insertIfAbsent(new Clinic("clinic-b", "Other Clinic", "Europe/Berlin"));
            new PersonRepository(store).insert(new Person("b-patient", "clinic-b", Role.PATIENT, "Patient B",
                    "patient@b.example", null, null, null, null, PersonStatus.ACTIVE, Instant.now()), "test");
        }
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        therapist1 = api.accessToken("therapist@demo.hearth", "hearth-demo");
        therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** A new patient of therapist 1 who has set a password; returns the person as the API shows it. */
    static JsonObject newPatient(String name, String password) {
        String email = "p" + counter.incrementAndGet() + "-" + System.nanoTime() + "@example.org";
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", name).put("email", email).put("therapistId", T1));
        assertEquals(201, created.status(), created.body());
        if (password != null) {
            String url = created.json().getJsonObject("setPasswordLink").getString("url");
            String ticket = url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
            assertEquals(204, api.postJson("/api/auth/set-password", null,
                    new JsonObject().put("ticket", ticket).put("password", password)).status());
        }
        return api.get("/api/people/" + created.json().getJsonObject("person").getString("id"), admin).json();
    }

    static ApiClient.Reply patch(String token, String id, JsonObject body) {
        return api.patch("/api/people/" + id, token, body);
    }

    @Test
    @DisplayName("an admin edits each field; the version moves; null clears phone and contact; the audit names fields, not values")
    void editEachField() {
        JsonObject p = newPatient("Casey Edit", null);
        String id = p.getString("id");
        assertEquals(1, p.getInteger("version"));
        assertEquals(new JsonArray().add(T1), p.getJsonArray("therapistIds"));

        ApiClient.Reply edited = patch(admin, id, new JsonObject().put("version", 1).put("displayName", "  Casey Edited ")
                .put("email", "casey.edited." + System.nanoTime() + "@example.org").put("phone", "+1 555 0100")
                .put("emergencyContact", new JsonObject().put("name", "Kim Edit").put("phone", "+1 555 0199").put("relationship", "sister"))
                .put("therapistIds", new JsonArray().add(T2).add(T1)));
        assertEquals(200, edited.status(), edited.body());
        JsonObject after = edited.json();
        assertEquals("Casey Edited", after.getString("displayName"));
        assertEquals("+1 555 0100", after.getString("phone"));
        assertEquals("Kim Edit", after.getJsonObject("emergencyContact").getString("name"));
        assertEquals(new JsonArray().add(T2).add(T1), after.getJsonArray("therapistIds"));
        assertEquals(T2, after.getString("therapistId"), "the first assigned therapist is the primary one");
        assertEquals(2, after.getInteger("version"));
        assertEquals(after, api.get("/api/people/" + id, admin).json(), "a later read says the same");

        ApiClient.Reply cleared = patch(admin, id, new JsonObject().put("version", 2).putNull("phone").putNull("emergencyContact"));
        assertEquals(200, cleared.status(), cleared.body());
        assertFalse(cleared.json().containsKey("phone"));
        assertFalse(cleared.json().containsKey("emergencyContact"));
        assertEquals(3, cleared.json().getInteger("version"));

        JsonObject audit = api.get("/api/audit?resourceId=" + id + "&action=person.update", admin).json();
        JsonArray items = audit.getJsonArray("items");
        assertEquals(2, items.size(), audit.encodePrettily());
        JsonObject first = items.getJsonObject(1);
        assertEquals(List.of("displayName", "email", "phone", "emergencyContact", "therapistIds"),
                first.getJsonArray("changed").getList());
        assertEquals("Alex Morgan", first.getString("actorName"));
        assertEquals("Casey Edited", first.getString("resourceLabel"));
        assertFalse(audit.encode().contains("555"), "no contact data in the audit log");
        assertFalse(audit.encode().contains("Kim Edit"), "no contact data in the audit log");
    }

    @Test
    @DisplayName("invalid edits: blank name, bad email, bad phone, no version, therapists for a therapist, unknown or deactivated therapist → 400")
    void validation() {
        String id = newPatient("Val Idation", null).getString("id");
        assertProblem(patch(admin, id, new JsonObject().put("version", 1).put("displayName", "   ")), 400, "invalid-request", "displayName");
        assertEquals(400, patch(admin, id, new JsonObject().put("version", 1).put("email", "not-an-email")).status());
        assertEquals(400, patch(admin, id, new JsonObject().put("version", 1).put("phone", "call me maybe")).status());
        assertProblem(patch(admin, id, new JsonObject().put("displayName", "No Version")), 400, "invalid-request", "version");
        assertEquals(400, patch(admin, id, new JsonObject().put("version", 1).put("unknownField", 1)).status());
        assertProblem(patch(admin, id, new JsonObject().put("version", 1).put("therapistIds", new JsonArray().add("nobody"))),
                400, "unknown-therapist", "therapistIds");
        assertProblem(patch(admin, id, new JsonObject().put("version", 1).put("therapistIds", new JsonArray().add("demo-patient-1"))),
                400, "unknown-therapist", "therapistIds");
        assertProblem(patch(admin, T2, new JsonObject().put("version", 1).put("therapistIds", new JsonArray().add(T1))),
                400, "field-not-for-role", "therapistIds");
        assertProblem(patch(admin, T2, new JsonObject().put("version", 1)
                        .put("emergencyContact", new JsonObject().put("name", "X").put("phone", "123"))),
                400, "field-not-for-role", "emergencyContact");
        // nothing of it was applied
        assertEquals(1, api.get("/api/people/" + id, admin).json().getInteger("version"));
    }

    @Test
    @DisplayName("an email someone else has (in any case) → 409 email-taken; one's own email again is fine")
    void duplicateEmail() {
        JsonObject p = newPatient("Dup Email", null);
        assertProblem(patch(admin, p.getString("id"), new JsonObject().put("version", 1).put("email", "Patient1@Demo.Hearth")),
                409, "email-taken", "email");
        ApiClient.Reply same = patch(admin, p.getString("id"), new JsonObject().put("version", 1).put("email", p.getString("email")));
        assertEquals(200, same.status(), same.body());
        assertEquals(1, same.json().getInteger("version"), "nothing changed, nothing moved");
    }

    @Test
    @DisplayName("therapists read but do not edit (403); patients edit nothing (403); another clinic's id → 404")
    void rolesAndClinics() {
        JsonObject p = newPatient("Role Check", "role check passphrase");
        String id = p.getString("id");
        assertEquals(200, api.get("/api/people/" + id, therapist1).status());
        assertProblem(patch(therapist1, id, new JsonObject().put("version", 1).put("displayName", "X")), 403, "role-not-allowed");
        String patient = api.accessToken(p.getString("email"), "role check passphrase");
        assertProblem(patch(patient, id, new JsonObject().put("version", 1).put("displayName", "X")), 403, "role-not-allowed");
        assertProblem(api.post("/api/people/" + id + "/deactivate", therapist1, null, ""), 403, "role-not-allowed");
        assertProblem(api.post("/api/people/" + id + "/deactivate", patient, null, ""), 403, "role-not-allowed");
        assertProblem(api.post("/api/people/" + id + "/reactivate", therapist1, null, ""), 403, "role-not-allowed");
        assertProblem(patch(admin, "b-patient", new JsonObject().put("version", 1).put("displayName", "X")), 404, "person-not-found");
        assertProblem(api.post("/api/people/b-patient/deactivate", admin, null, ""), 404, "person-not-found");
        assertProblem(api.post("/api/people/b-patient/reactivate", admin, null, ""), 404, "person-not-found");
        assertEquals("Role Check", api.get("/api/people/" + id, admin).json().getString("displayName"));
    }

    @Test
    @DisplayName("a stale version or a double submit → 409 person-edit-conflict and one edit applied; If-Match works too")
    void staleAndDoubleSubmit() throws Exception {
        String id = newPatient("Double Submit", null).getString("id");
        JsonObject form = new JsonObject().put("version", 1).put("displayName", "Double Submitted");
        List<CompletableFuture<ApiClient.Reply>> both = List.of(
                CompletableFuture.supplyAsync(() -> patch(admin, id, form)),
                CompletableFuture.supplyAsync(() -> patch(admin, id, form)));
        List<Integer> statuses = both.stream().map(CompletableFuture::join).map(ApiClient.Reply::status).sorted().toList();
        assertEquals(List.of(200, 409), statuses);
        assertProblem(patch(admin, id, form), 409, "person-edit-conflict", "version");
        JsonObject now = api.get("/api/people/" + id, admin).json();
        assertEquals(2, now.getInteger("version"));
        assertEquals("Double Submitted", now.getString("displayName"));

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> viaIfMatch = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/people/" + id))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json").header("If-Match", "\"2\"")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"displayName\":\"Matched\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, viaIfMatch.statusCode(), viaIfMatch.body());
        HttpResponse<String> staleIfMatch = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/people/" + id))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json").header("If-Match", "\"2\"")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"displayName\":\"Stale\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, staleIfMatch.statusCode(), staleIfMatch.body());
        assertEquals("Matched", api.get("/api/people/" + id, admin).json().getString("displayName"));
    }

    @Test
    @DisplayName("deactivate → the token gets 401 on the next request, the socket closes 4401, refresh and sign-in refused, "
            + "gone from lists; reactivate → sign-in works again")
    void deactivateAndReactivate() {
        JsonObject p = newPatient("Dee Activated", "deactivation passphrase");
        String id = p.getString("id");
        JsonObject pair = api.login(p.getString("email"), "deactivation passphrase");
        String token = pair.getString("accessToken");
        assertEquals(200, api.get("/api/me", token).status());
        try (RoomClient socket = RoomClient.connect(node.baseUrl(), token)) {
            ApiClient.Reply deactivated = api.post("/api/people/" + id + "/deactivate", admin, null, "");
            assertEquals(200, deactivated.status(), deactivated.body());
            assertEquals("deactivated", deactivated.json().getString("status"));

            // the very next request with the token is refused (same node: no waiting)
            assertProblem(api.get("/api/me", token), 401, "unauthenticated");
            assertEquals(SessionSockets.CLOSE_SESSION_REVOKED, socket.awaitClose(WITHIN));
        }
        assertProblem(api.postJson("/api/auth/refresh", null, new JsonObject().put("refreshToken", pair.getString("refreshToken"))),
                401, "refresh-token-invalid");
        assertProblem(api.postJson("/api/auth/login", null, new JsonObject().put("email", p.getString("email"))
                .put("password", "deactivation passphrase")), 403, "account-deactivated");
        assertProblem(api.postJson("/api/auth/login", null, new JsonObject().put("email", p.getString("email"))
                .put("password", "a wrong passphrase")), 401, "bad-credentials");
        assertFalse(api.get("/api/people?role=patient", admin).body().contains(id), "not offered in lists (booking choices)");
        assertFalse(api.get("/api/people", therapist1).body().contains(id));
        assertTrue(api.get("/api/people?role=patient&includeDeactivated=true", admin).body().contains(id));
        String start = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS).toString();
        assertProblem(api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add(T1)).put("patientId", id).put("start", start)), 400, "unknown-patient");
        assertEquals(200, api.post("/api/people/" + id + "/deactivate", admin, null, "").status(), "again: no change");
        assertProblem(api.post("/api/people/" + id + "/set-password-link", admin, null, ""), 409, "person-deactivated");

        ApiClient.Reply reactivated = api.post("/api/people/" + id + "/reactivate", admin, null, "");
        assertEquals(200, reactivated.status(), reactivated.body());
        assertEquals("active", reactivated.json().getString("status"));
        String again = api.accessToken(p.getString("email"), "deactivation passphrase");
        assertEquals(200, api.get("/api/me", again).status());
        assertProblem(api.get("/api/me", token), 401, "unauthenticated");

        JsonArray audit = api.get("/api/audit?personId=" + id + "&action=person", admin).json().getJsonArray("items");
        List<String> actions = audit.stream().map(e -> ((JsonObject) e).getString("action")).toList();
        assertTrue(actions.containsAll(List.of("person.deactivate", "person.reactivate", "person.create")), actions.toString());
        assertTrue(actions.stream().allMatch(a -> a.toString().startsWith("person.")), actions.toString());
    }

    @Test
    @DisplayName("an admin cannot deactivate themselves; someone with upcoming appointments → 409 naming them")
    void deactivationRefusals() {
        assertProblem(api.post("/api/people/demo-admin/deactivate", admin, null, ""), 409, "cannot-deactivate-self");
        String id = newPatient("Has Bookings", null).getString("id");
        Instant start = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ScheduleStore(store).insert(new Appointment("upcoming-" + id, clinicOf(id),
                    AppointmentType.PREPARATION, Appointment.Status.BOOKED, start, start.plus(1, ChronoUnit.HOURS), List.of(T1), id,
                    null, "room-" + id, null, 1, List.of(), List.of()));
        }
        JsonObject problem = assertProblem(api.post("/api/people/" + id + "/deactivate", admin, null, ""), 409,
                "person-has-upcoming-appointments");
        assertTrue(problem.getString("detail").contains("upcoming-" + id), problem.encode());
        assertEquals("invited", api.get("/api/people/" + id, admin).json().getString("status"));
    }

    static String clinicOf(String id) {
        return api.get("/api/people/" + id, admin).json().getString("clinicId");
    }

    @Test
    @DisplayName("unassigning a therapist takes effect at once: their course and person reads of the patient → 404")
    void unassign() {
        String id = newPatient("Reassigned Patient", null).getString("id");
        assertEquals(200, api.get("/api/care/patients/" + id + "/course", therapist1).status());
        assertEquals(404, api.get("/api/care/patients/" + id + "/course", therapist2).status());

        assertEquals(200, patch(admin, id, new JsonObject().put("version", 1).put("therapistIds", new JsonArray().add(T2))).status());

        assertEquals(404, api.get("/api/care/patients/" + id + "/course", therapist1).status());
        assertProblem(api.get("/api/people/" + id, therapist1), 404, "person-not-found");
        assertFalse(api.get("/api/people", therapist1).body().contains(id));
        assertEquals(200, api.get("/api/care/patients/" + id + "/course", therapist2).status());
        assertTrue(api.get("/api/people", therapist2).body().contains(id));
    }

    @Test
    @DisplayName("the audit log names actors and what was touched, filters by person, action family and date range; admins only")
    void auditNamesAndFilters() {
        String id = newPatient("Audit Named", null).getString("id");
        assertEquals(200, patch(admin, id, new JsonObject().put("version", 1).put("phone", "+1 555 0142")).status());
        assertEquals(200, api.get("/api/people/" + id, therapist1).status()); // a read by the therapist

        JsonArray byPerson = api.get("/api/audit?personId=" + id, admin).json().getJsonArray("items");
        assertTrue(byPerson.size() >= 3, byPerson.encodePrettily());
        for (Object o : byPerson) {
            JsonObject e = (JsonObject) o;
            assertEquals("Audit Named", e.getString("resourceLabel"), e.encode());
        }
        assertTrue(byPerson.stream().anyMatch(o -> "Dr. Maya Okafor".equals(((JsonObject) o).getString("actorName"))));
        assertTrue(byPerson.stream().anyMatch(o -> "Alex Morgan".equals(((JsonObject) o).getString("actorName"))));

        // as actor: the therapist's own entries
        JsonArray asActor = api.get("/api/audit?personId=" + T1 + "&limit=200", admin).json().getJsonArray("items");
        assertTrue(asActor.stream().allMatch(o -> T1.equals(((JsonObject) o).getString("actorId"))
                || T1.equals(((JsonObject) o).getString("resourceId"))));

        // a family of actions, and a date range
        JsonArray updates = api.get("/api/audit?action=person.update&personId=" + id, admin).json().getJsonArray("items");
        assertEquals(1, updates.size());
        String future = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        assertEquals(0, api.get("/api/audit?personId=" + id + "&from=" + future, admin).json().getJsonArray("items").size());
        String past = Instant.now().minus(1, ChronoUnit.HOURS).toString();
        assertEquals(byPerson.size(), api.get("/api/audit?personId=" + id + "&from=" + past + "&to=" + future, admin)
                .json().getJsonArray("items").size());

        // appointments read as "appointment on <date>"
        JsonArray appointments = api.get("/api/audit?action=appointment&limit=20", admin).json().getJsonArray("items");
        for (Object o : appointments) {
            String label = ((JsonObject) o).getString("resourceLabel");
            assertTrue(label == null || label.startsWith("appointment on ") || label.equals("an appointment"), label);
        }

        assertEquals(403, api.get("/api/audit", therapist1).status());
    }
}
