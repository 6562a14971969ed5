package app.hearth.gateway.care;

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
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Measures over the API on a real node: due, answers sealed at rest, trend, and who may see what")
class MeasuresApiTest {

    static TestNode node;
    static ApiClient api;
    static String patient1;
    static String patient2;
    static String patient3;
    static String therapist1;
    static String therapist2;
    static String admin;
    static String adminB;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        try (Store store = store()) {
            new ClinicRepository(store).insertIfAbsent(new Clinic("clinic-b", "Other Clinic", "Europe/Berlin"));
            Instant now = Instant.now();
            new PersonRepository(store).insert(new Person("b-admin", "clinic-b", Role.ADMIN, "Admin B", "admin@b.example", null, null,
                    null, null, PersonStatus.ACTIVE, now), "test");
            new CredentialRepository(store).setPasswordHash("b-admin", PasswordHasher.recommended().hash("clinic b password"), now);
        }
        patient1 = api.accessToken("patient1@demo.hearth", "hearth-demo");
        patient2 = api.accessToken("patient2@demo.hearth", "hearth-demo");
        patient3 = api.accessToken("patient3@demo.hearth", "hearth-demo");
        therapist1 = api.accessToken("therapist@demo.hearth", "hearth-demo");
        therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        adminB = api.accessToken("admin@b.example", "clinic b password");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Store store() {
        return Store.connect(node.storeUri(), node.databaseName());
    }

    static String measures(String patientId) {
        return "/api/care/patients/" + patientId + "/measures";
    }

    static JsonObject answer(String instrument, String occasion, List<Integer> answers) {
        return new JsonObject().put("instrument", instrument).put("occasion", occasion).put("answers", new JsonArray(answers));
    }

    static List<String> due(JsonObject view) {
        return view.getJsonArray("due").stream().map(o -> (JsonObject) o)
                .map(d -> d.getString("instrument") + "@" + d.getString("occasion")).toList();
    }

    static long stored(String patientId) {
        try (Store store = store()) {
            return store.collection("care_measure_responses").countDocuments(Filters.eq("patientId", patientId));
        }
    }

    @Test
    @DisplayName("the instruments are served in their published wording, for every role")
    void instruments() {
        ApiClient.Reply reply = api.get("/api/care/instruments", patient1);
        assertEquals(200, reply.status(), reply.body());
        JsonArray items = reply.json().getJsonArray("items");
        assertEquals(List.of("phq9", "gad7", "pcl5"), items.stream().map(o -> ((JsonObject) o).getString("id")).toList());
        JsonObject phq9 = items.getJsonObject(0);
        assertEquals("Thoughts that you would be better off dead or of hurting yourself in some way",
                phq9.getJsonArray("items").getJsonObject(8).getString("text"));
        assertTrue(phq9.getJsonObject("difficulty").getString("text").startsWith("If you checked off any problems"));
        assertNull(items.getJsonObject(2).getValue("difficulty"));
        assertEquals(401, api.get("/api/care/instruments", null).status());
    }

    @Test
    @DisplayName("a patient answers the PHQ-9 and GAD-7 baseline; the trend shows both, scored and banded, for them and their "
            + "therapist; the admin sees only what is due; the store holds no answers in plaintext")
    void baselineAndTrend() {
        JsonObject before = api.get(measures("demo-patient-1"), patient1).json();
        assertEquals(List.of("phq9@baseline", "gad7@baseline", "pcl5@baseline"), due(before));
        assertEquals(0, before.getJsonArray("responses").size());

        ApiClient.Reply phq = api.postJson(measures("demo-patient-1"), patient1,
                answer("phq9", "baseline", List.of(1, 1, 1, 1, 1, 1, 1, 1, 0)).put("difficulty", 1));
        assertEquals(201, phq.status(), phq.body());
        JsonObject response = phq.json().getJsonObject("response");
        assertEquals(8, response.getInteger("total"));
        assertEquals("mild", response.getJsonObject("severity").getString("band"));
        assertFalse(response.getBoolean("flagged"));
        assertNull(phq.json().getValue("crisis"), "no crisis for item 9 = 0");
        ApiClient.Reply gad = api.postJson(measures("demo-patient-1"), patient1, answer("gad7", "baseline", List.of(2, 2, 2, 2, 2, 2, 2)));
        assertEquals(201, gad.status(), gad.body());
        assertEquals("moderate", gad.json().getJsonObject("response").getJsonObject("severity").getString("band"));

        for (String token : new String[] {patient1, therapist1}) {
            JsonObject view = api.get(measures("demo-patient-1"), token).json();
            assertEquals(List.of("pcl5@baseline"), due(view));
            JsonArray responses = view.getJsonArray("responses");
            assertEquals(List.of("phq9", "gad7"), responses.stream().map(o -> ((JsonObject) o).getString("instrument")).toList());
            assertEquals(List.of(8, 14), responses.stream().map(o -> ((JsonObject) o).getInteger("total")).toList());
            assertEquals(0, view.getJsonArray("dosings").size());
        }
        JsonObject adminView = api.get(measures("demo-patient-1"), admin).json();
        assertEquals(List.of("pcl5@baseline"), due(adminView));
        assertFalse(adminView.containsKey("responses"), adminView.encode());
        assertFalse(adminView.containsKey("dosings"), adminView.encode());

        // the raw document: identifiers, time and the flag in plaintext; answers and total sealed
        try (Store store = store()) {
            Document raw = store.collection("care_measure_responses").find(Filters.and(Filters.eq("patientId", "demo-patient-1"),
                    Filters.eq("instrument", "phq9"))).first();
            assertEquals(java.util.Set.of("_id", "clinicId", "patientId", "instrument", "occasion", "submittedAt", "flagged", "answers"),
                    raw.keySet());
            String sealed = raw.getString("answers");
            assertTrue(sealed.startsWith("v1:"), sealed);
            String dump = raw.toJson();
            assertFalse(dump.contains("[1, 1") || dump.contains("[1,1") || dump.contains("\"total\""), dump);
            // and every read and write went to the audit log
            assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.measure.submit"),
                    Filters.eq("actorId", "demo-patient-1"))) >= 2);
            assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.measures.read"),
                    Filters.eq("actorId", "demo-therapist-1"), Filters.eq("resourceId", "demo-patient-1"))) >= 1);
            assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.measures.due.read"),
                    Filters.eq("actorId", "demo-admin"))) >= 1);
        }
    }

    @Test
    @DisplayName("a double submit stores one, also when the submits race")
    void doubleSubmit() throws Exception {
        ApiClient.Reply first = api.postJson(measures("demo-patient-2"), patient2, answer("pcl5", "baseline", Collections.nCopies(20, 1)));
        assertEquals(201, first.status(), first.body());
        assertProblem(api.postJson(measures("demo-patient-2"), patient2, answer("pcl5", "baseline", Collections.nCopies(20, 2))),
                409, "measure-already-answered");

        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                replies.add(pool.submit(() -> {
                    go.await();
                    return api.postJson(measures("demo-patient-2"), patient2, answer("gad7", "baseline", List.of(1, 0, 1, 0, 1, 0, 1)));
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<ApiClient.Reply> f : replies) {
                ApiClient.Reply r = f.get(60, TimeUnit.SECONDS);
                if (r.status() == 201) {
                    created++;
                } else {
                    assertProblem(r, 409, "measure-already-answered");
                }
            }
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
        try (Store store = store()) {
            assertEquals(1, store.collection("care_measure_responses").countDocuments(Filters.and(
                    Filters.eq("patientId", "demo-patient-2"), Filters.eq("instrument", "gad7"))));
        }
    }

    @Test
    @DisplayName("a wrong count, an answer out of range or a bad difficulty is 400 invalid-answers naming the field; nothing stored")
    void invalidAnswers() {
        long before = stored("demo-patient-3");
        assertProblem(api.postJson(measures("demo-patient-3"), patient3, answer("phq9", "baseline", List.of(0, 0, 0, 0, 0, 0, 0, 0))),
                400, "invalid-answers", "answers");
        assertProblem(api.postJson(measures("demo-patient-3"), patient3, answer("phq9", "baseline", Collections.nCopies(10, 0))),
                400, "invalid-answers", "answers");
        assertProblem(api.postJson(measures("demo-patient-3"), patient3, answer("phq9", "baseline", List.of(0, 0, 4, 0, 0, 0, 0, 0, 0))),
                400, "invalid-answers", "answers[2]");
        assertProblem(api.postJson(measures("demo-patient-3"), patient3, answer("gad7", "baseline", List.of(0, 0, 0, 0, 0, 0, -1))),
                400, "invalid-answers", "answers[6]");
        assertProblem(api.postJson(measures("demo-patient-3"), patient3, answer("gad7", "baseline", Collections.nCopies(7, 0))
                .put("difficulty", 7)), 400, "invalid-answers", "difficulty");
        // not an instrument at all: the contract refuses it
        assertProblem(api.postJson(measures("demo-patient-3"), patient3, answer("beck", "baseline", List.of(0))), 400, "invalid-request");
        assertEquals(before, stored("demo-patient-3"));
    }

    @Test
    @DisplayName("an occasion that is not due is 409 measure-not-due; nothing stored")
    void notDue() {
        long before = stored("demo-patient-3");
        for (String occasion : new String[] {"before-dosing:nope", "after-integration:nope", "follow-up:4w", "whenever"}) {
            assertProblem(api.postJson(measures("demo-patient-3"), patient3, answer("phq9", occasion, Collections.nCopies(9, 0))),
                    409, "measure-not-due", "occasion");
        }
        assertEquals(before, stored("demo-patient-3"));
    }

    @Test
    @DisplayName("another patient, another therapist or another clinic gets 404 as for a made-up id; staff may not answer")
    void access() {
        for (String token : new String[] {patient2, therapist2, adminB}) {
            assertProblem(api.get(measures("demo-patient-1"), token), 404, "patient-not-found");
            assertProblem(api.postJson(measures("demo-patient-1"), token, answer("pcl5", "baseline", Collections.nCopies(20, 0))),
                    token.equals(adminB) ? 403 : 404, token.equals(adminB) ? "clinical-content-not-allowed" : "patient-not-found");
        }
        assertProblem(api.get(measures("no-such-patient"), therapist1), 404, "patient-not-found");
        assertProblem(api.get(measures("demo-therapist-1"), admin), 404, "patient-not-found");
        assertProblem(api.postJson(measures("demo-patient-1"), therapist1, answer("pcl5", "baseline", Collections.nCopies(20, 0))),
                403, "clinical-content-not-allowed");
        assertProblem(api.postJson(measures("demo-patient-1"), admin, answer("pcl5", "baseline", Collections.nCopies(20, 0))),
                403, "clinical-content-not-allowed");
        assertProblem(api.get("/api/care/alerts", patient1), 403, "clinical-content-not-allowed");
        assertProblem(api.get("/api/care/alerts", admin), 403, "clinical-content-not-allowed");
    }

    @Test
    @DisplayName("settings: any role reads them (988 and 911 by default); only an admin changes them, and only to something valid")
    void settings() {
        JsonObject defaults = api.get("/api/care/settings", patient1).json();
        JsonArray crisis = defaults.getJsonArray("crisisResources");
        assertTrue(crisis.getJsonObject(0).getString("contact").contains("988"), crisis.encode());
        assertTrue(crisis.getJsonObject(1).getString("contact").contains("911"), crisis.encode());
        assertEquals(new JsonArray().add(4).add(12), defaults.getJsonObject("cadence").getJsonArray("followUpWeeks"));
        assertEquals(defaults, api.get("/api/care/settings", therapist1).json());

        assertProblem(api.put("/api/care/settings", therapist1, defaults), 403, "forbidden");
        JsonObject badWeeks = defaults.copy();
        badWeeks.getJsonObject("cadence").put("followUpWeeks", new JsonArray().add(0));
        assertProblem(api.put("/api/care/settings", admin, badWeeks), 400, "invalid-care-settings", "cadence.followUpWeeks");
        JsonObject badInstrument = defaults.copy();
        badInstrument.getJsonObject("cadence").put("beforeDosing", new JsonArray().add("beck"));
        assertProblem(api.put("/api/care/settings", admin, badInstrument), 400, "invalid-care-settings", "cadence.beforeDosing");
        JsonObject noCrisis = defaults.copy().put("crisisResources", new JsonArray());
        assertProblem(api.put("/api/care/settings", admin, noCrisis), 400, "invalid-care-settings", "crisisResources");
        JsonObject badThreshold = defaults.copy().put("thresholds", new JsonObject().put("phq9Total", 99).putNull("pcl5Total"));
        assertProblem(api.put("/api/care/settings", admin, badThreshold), 400, "invalid-care-settings", "thresholds.phq9Total");
        assertEquals(defaults, api.get("/api/care/settings", admin).json(), "nothing stored");

        JsonObject changed = defaults.copy();
        changed.getJsonArray("crisisResources").add(new JsonObject().put("name", "Clinic on-call line").put("contact", "+1 555 0199")
                .put("description", "Our clinician on call, day and night"));
        ApiClient.Reply saved = api.put("/api/care/settings", admin, changed);
        assertEquals(200, saved.status(), saved.body());
        assertEquals(changed, api.get("/api/care/settings", patient2).json());
        assertEquals(200, api.put("/api/care/settings", admin, defaults).status());
    }

    @Test
    @DisplayName("the course drives what is due: before a booked dosing, after an ended integration, at follow-up weeks from "
            + "the last attended dosing; the dosing is marked on the trend, and an answered occasion drops out")
    void courseOccasions() {
        Instant now = Instant.now();
        java.time.Duration hours2 = java.time.Duration.ofHours(2);
        Instant pastDose = now.minus(java.time.Duration.ofDays(30));
        Instant nextDose = now.plus(java.time.Duration.ofDays(3));
        Instant integrationStart = now.minus(java.time.Duration.ofDays(1));
        // written straight into the store through booking's repositories (booking in the past is not an API operation)
        try (Store store = store()) {
            app.hearth.booking.schedule.ScheduleStore schedule = new app.hearth.booking.schedule.ScheduleStore(store);
            schedule.insert(appointment("m-dose-past", app.hearth.booking.schedule.AppointmentType.DOSING, pastDose, hours2, null));
            schedule.insert(appointment("m-dose-next", app.hearth.booking.schedule.AppointmentType.DOSING, nextDose, hours2, null));
            schedule.insert(appointment("m-integration", app.hearth.booking.schedule.AppointmentType.INTEGRATION, integrationStart,
                    java.time.Duration.ofMinutes(60), "m-dose-past"));
            new app.hearth.booking.schedule.DosingRecords(store).save(new app.hearth.booking.schedule.DosingRecord("m-dose-past", "demo",
                    "demo-patient-4", true, app.hearth.booking.schedule.DosingRecord.Route.IM, pastDose, pastDose.plus(hours2),
                    "Dr. Supervising", null, "demo-admin", pastDose.plus(hours2)));
        }
        String patient4 = api.accessToken("patient4@demo.hearth", "hearth-demo");
        JsonObject view = api.get(measures("demo-patient-4"), patient4).json();
        List<String> due = due(view);
        for (String expected : List.of("phq9@baseline", "phq9@before-dosing:m-dose-next", "gad7@before-dosing:m-dose-next",
                "phq9@after-integration:m-integration", "gad7@after-integration:m-integration", "phq9@follow-up:4w",
                "pcl5@follow-up:4w")) {
            assertTrue(due.contains(expected), expected + " in " + due);
        }
        assertFalse(due.stream().anyMatch(d -> d.contains("12w")), due.toString());
        assertEquals("m-dose-past", view.getJsonArray("dosings").getJsonObject(0).getString("appointmentId"));
        assertEquals(1, view.getJsonArray("dosings").size(), "the next dosing has not happened");

        ApiClient.Reply answered = api.postJson(measures("demo-patient-4"), patient4,
                answer("phq9", "before-dosing:m-dose-next", List.of(0, 1, 0, 1, 0, 1, 0, 1, 0)));
        assertEquals(201, answered.status(), answered.body());
        List<String> after = due(api.get(measures("demo-patient-4"), patient4).json());
        assertFalse(after.contains("phq9@before-dosing:m-dose-next"), after.toString());
        assertTrue(after.contains("gad7@before-dosing:m-dose-next"), after.toString());
        // the therapist of that patient sees the trend; the admin sees the same due list and nothing else
        assertEquals(after, due(api.get(measures("demo-patient-4"), therapist2).json()));
        assertEquals(after, due(api.get(measures("demo-patient-4"), admin).json()));
    }

    static app.hearth.booking.schedule.Appointment appointment(String id, app.hearth.booking.schedule.AppointmentType type,
                                                               Instant start, java.time.Duration length, String dosingId) {
        return new app.hearth.booking.schedule.Appointment(id, "demo", type, app.hearth.booking.schedule.Appointment.Status.BOOKED,
                start, start.plus(length), List.of("demo-therapist-2"), "demo-patient-4", type.remote() ? null : "Room 1",
                type.remote() ? "room-" + id : null, dosingId, 1, List.of(), List.of());
    }

    @Test
    @DisplayName("a clinic threshold crossed without item 9 also alerts the patient's therapist (only theirs) and shows crisis resources")
    void clinicThreshold() {
        JsonObject defaults = api.get("/api/care/settings", admin).json();
        JsonObject withThresholds = defaults.copy().put("thresholds", new JsonObject().put("phq9Total", 10).put("pcl5Total", 33));
        assertEquals(200, api.put("/api/care/settings", admin, withThresholds).status());
        try {
            ApiClient.Reply reply = api.postJson(measures("demo-patient-3"), patient3,
                    answer("phq9", "baseline", List.of(2, 2, 2, 2, 2, 0, 0, 0, 0)));
            assertEquals(201, reply.status(), reply.body());
            assertTrue(reply.json().getJsonObject("response").getBoolean("flagged"));
            assertEquals("moderate", reply.json().getJsonObject("response").getJsonObject("severity").getString("band"));
            assertTrue(reply.json().getJsonObject("crisis").getJsonArray("resources").size() >= 2, reply.body());
            JsonArray alerts = api.get("/api/care/alerts", therapist2).json().getJsonArray("items");
            assertTrue(alerts.stream().map(o -> (JsonObject) o).anyMatch(a -> "demo-patient-3".equals(a.getString("patientId"))
                    && "phq9-total".equals(a.getString("kind"))), alerts.encode());
            assertTrue(api.get("/api/care/alerts", therapist1).json().getJsonArray("items").stream().map(o -> (JsonObject) o)
                    .noneMatch(a -> "demo-patient-3".equals(a.getString("patientId"))));
            // below the threshold: nothing
            ApiClient.Reply calm = api.postJson(measures("demo-patient-3"), patient3, answer("gad7", "baseline", List.of(3, 3, 3, 3, 3, 3, 3)));
            assertNull(calm.json().getValue("crisis"), "GAD-7 has no threshold: " + calm.body());
        } finally {
            assertEquals(200, api.put("/api/care/settings", admin, defaults).status());
        }
    }
}
