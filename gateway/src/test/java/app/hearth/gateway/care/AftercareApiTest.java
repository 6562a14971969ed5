package app.hearth.gateway.care;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.booking.schedule.DosingRecord;
import app.hearth.booking.schedule.DosingRecords;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import app.hearth.protocol.EventBusAddresses;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

@DisplayName("Aftercare over the API on a real node: practices on local-date schedules, completions, resources, who may do what")
class AftercareApiTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final String T1 = "demo-therapist-1";
    static final String BREATH = "starter-breath-awareness";
    static final String INSTRUCTIONS = "Before bed, lying down; plaintext-marker-instructions";
    static final String NOTE = "Felt calmer, the grief softer; plaintext-marker-note";

    static TestNode node;
    static ApiClient api;
    static CareFixtures fixtures;
    static String admin;
    static String therapist1;
    static String therapist2;
    static String adminB;
    static String therapistB;
    static final List<JsonObject> careEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        node = TestNode.start(java.util.Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        fixtures = new CareFixtures(node, api);
        try (Store store = store()) {
            new ClinicRepository(store).insertIfAbsent(new Clinic("clinic-b", "Other Clinic", "Europe/Berlin"));
            Instant now = Instant.now();
            PersonRepository people = new PersonRepository(store);
            CredentialRepository credentials = new CredentialRepository(store);
            String hash = PasswordHasher.recommended().hash("clinic b password");
            people.insert(new Person("b-admin", "clinic-b", Role.ADMIN, "Admin B", "admin@b.example", null, null, null, null,
                    PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("b-therapist", "clinic-b", Role.THERAPIST, "Therapist B", "therapist@b.example", null,
                    "Europe/Berlin", null, null, PersonStatus.ACTIVE, now), "test");
            credentials.setPasswordHash("b-admin", hash, now);
            credentials.setPasswordHash("b-therapist", hash, now);
        }
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        therapist1 = api.accessToken("therapist@demo.hearth", "hearth-demo");
        therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        adminB = api.accessToken("admin@b.example", "clinic b password");
        therapistB = api.accessToken("therapist@b.example", "clinic b password");
        node.node().vertx().eventBus().<JsonObject>consumer(EventBusAddresses.CARE_EVENTS, m -> careEvents.add(m.body()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Store store() {
        return Store.connect(node.storeUri(), node.databaseName());
    }

    static LocalDate today() {
        return LocalDate.now(NEW_YORK);
    }

    static String plan(String patientId) {
        return "/api/care/patients/" + patientId + "/aftercare";
    }

    static String practices(String patientId) {
        return plan(patientId) + "/practices";
    }

    static String practice(String patientId, String practiceId, String part) {
        return practices(patientId) + "/" + practiceId + (part == null ? "" : "/" + part);
    }

    static JsonObject daily(LocalDate start, int days) {
        return new JsonObject().put("kind", "daily").put("startDate", start.toString()).put("days", days);
    }

    static JsonObject assignment(String exerciseId, JsonObject schedule) {
        return new JsonObject().put("exerciseId", exerciseId).put("schedule", schedule);
    }

    static JsonObject ok(ApiClient.Reply reply, int status) {
        assertEquals(status, reply.status(), reply.body());
        return reply.json();
    }

    /** A patient of therapist 1 with a daily breath practice from {@code start}; returns {patientId, token, practiceId}. */
    static String[] patientWithPractice(LocalDate start, int days) {
        String p = fixtures.patient("demo", T1);
        String token = fixtures.signIn(p);
        JsonObject created = ok(api.postJson(practices(p), therapist1, assignment(BREATH, daily(start, days))), 201);
        return new String[] {p, token, created.getString("id")};
    }

    static JsonObject completion(LocalDate date, String state) {
        return new JsonObject().put("date", date.toString()).put("state", state);
    }

    static JsonObject practiceIn(JsonObject plan, String practiceId) {
        return plan.getJsonArray("practices").stream().map(o -> (JsonObject) o).filter(p -> practiceId.equals(p.getString("id")))
                .findFirst().orElseThrow(() -> new AssertionError(practiceId + " not in " + plan.encode()));
    }

    static List<String> states(JsonObject practice) {
        return practice.getJsonArray("occurrences").stream().map(o -> (JsonObject) o)
                .map(o -> o.getString("date") + " " + o.getString("state")).toList();
    }

    static long count(String collection, String patientId) {
        try (Store store = store()) {
            return store.collection(collection).countDocuments(Filters.eq("patientId", patientId));
        }
    }

    // ------------------------------------------------------------------ assigning and reading

    @Test
    @DisplayName("the therapist assigns a daily practice; patient and therapist read the plan with today's item; the admin gets "
            + "403; another therapist, patient or clinic 404; the patient and their therapist are told it changed")
    void assignAndRead() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        JsonObject created = ok(api.postJson(practices(p), therapist1, assignment(BREATH, daily(today(), 14))
                .put("instructions", INSTRUCTIONS)), 201);
        assertEquals(BREATH, created.getJsonObject("exercise").getString("id"));
        assertEquals("Breath awareness", created.getJsonObject("exercise").getString("title"));
        assertEquals("mindfulness", created.getJsonObject("exercise").getString("kind"));
        assertTrue(created.getJsonObject("exercise").getInteger("totalSeconds") > 60, created.encode());
        assertEquals(daily(today(), 14), created.getJsonObject("schedule"));
        assertEquals(INSTRUCTIONS, created.getString("instructions"));
        assertEquals(new JsonObject().put("id", T1).put("displayName", "Dr. Maya Okafor"), created.getJsonObject("assignedBy"));
        assertNull(created.getValue("endedAt"));
        assertNull(created.getValue("resume"));
        assertEquals(new JsonObject().put("done", 0).put("skipped", 0).put("missed", 0).put("due", 1).put("upcoming", 13),
                created.getJsonObject("adherence"));
        assertEquals(14, created.getJsonArray("occurrences").size());

        for (String token : new String[] {patient, therapist1}) {
            JsonObject view = ok(api.get(plan(p), token), 200);
            assertEquals(today().toString(), view.getString("today"));
            assertEquals("America/New_York", view.getString("zone"));
            assertEquals(created, practiceIn(view, created.getString("id")));
            assertEquals(new JsonArray().add(new JsonObject().put("practiceId", created.getString("id")).put("date", today().toString())
                    .put("state", "due").put("title", "Breath awareness")), view.getJsonArray("todayItems"));
            assertEquals(new JsonArray(), view.getJsonArray("resources"));
        }
        assertProblem(api.get(plan(p), admin), 403, "clinical-content-not-allowed");
        assertProblem(api.get(plan(p), adminB), 403, "clinical-content-not-allowed");
        String other = fixtures.signIn(fixtures.patient("demo", T1));
        for (String token : new String[] {therapist2, other, therapistB}) {
            assertProblem(api.get(plan(p), token), 404, "patient-not-found");
            assertProblem(api.postJson(practices(p), token, assignment(BREATH, daily(today(), 3))), 404, "patient-not-found");
        }
        assertProblem(api.get(plan("no-such-patient"), therapist1), 404, "patient-not-found");
        // the patient reads their plan but does not write it; the admin neither
        assertProblem(api.postJson(practices(p), patient, assignment(BREATH, daily(today(), 3))), 403, "forbidden");
        assertProblem(api.postJson(practices(p), admin, assignment(BREATH, daily(today(), 3))), 403, "clinical-content-not-allowed");
        assertEquals(1, count("care_practices", p));

        Eventually.within(Duration.ofSeconds(5), "an aftercare record-changed event", () -> assertTrue(careEvents.stream()
                .anyMatch(e -> p.equals(e.getString("patientId")) && "aftercare".equals(e.getString("record")))));
        JsonObject event = careEvents.stream().filter(e -> p.equals(e.getString("patientId"))).findFirst().orElseThrow();
        assertEquals(new JsonArray().add(p).add(T1), event.getJsonArray("recipients"));
        assertFalse(event.encode().contains("plaintext-marker"), event.encode());
        try (Store store = store()) {
            assertEquals(1, store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.aftercare.practice.create"),
                    Filters.eq("resourceId", p), Filters.eq("outcome", "success"))));
            assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.aftercare.read"),
                    Filters.eq("actorId", "demo-therapist-2"), Filters.eq("resourceId", p), Filters.eq("outcome", "denied"))) >= 1);
            assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.aftercare.read"),
                    Filters.eq("actorId", "demo-admin"), Filters.eq("outcome", "denied"))) >= 1);
            assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.aftercare.read"),
                    Filters.eq("actorId", p), Filters.eq("outcome", "success"))) >= 1);
        }
    }

    @Test
    @DisplayName("an unknown, archived or someone else's private exercise is 400 unknown-exercise; a bad schedule 400 "
            + "invalid-schedule naming its part; nothing stored")
    void badAssignments() {
        String p = fixtures.patient("demo", T1);
        assertProblem(api.postJson(practices(p), therapist1, assignment("no-such-exercise", daily(today(), 3))), 400,
                "unknown-exercise", "exerciseId");
        String archived = ok(api.postJson("/api/exercises/" + BREATH + "/copy", therapist1, new JsonObject()), 201).getString("id");
        ok(api.postJson("/api/exercises/" + archived + "/archive", therapist1, new JsonObject().put("archived", true)), 200);
        assertProblem(api.postJson(practices(p), therapist1, assignment(archived, daily(today(), 3))), 400, "unknown-exercise", "exerciseId");
        String othersPrivate = ok(api.postJson("/api/exercises/" + BREATH + "/copy", therapist2, new JsonObject()), 201).getString("id");
        assertProblem(api.postJson(practices(p), therapist1, assignment(othersPrivate, daily(today(), 3))), 400, "unknown-exercise",
                "exerciseId");

        assertProblem(api.postJson(practices(p), therapist1, assignment(BREATH, new JsonObject().put("kind", "weekly").put("days", 3))),
                400, "invalid-schedule", "schedule.kind");
        assertProblem(api.postJson(practices(p), therapist1, assignment(BREATH, daily(today(), 0))), 400, "invalid-schedule", "schedule.days");
        assertProblem(api.postJson(practices(p), therapist1, assignment(BREATH, daily(today(), 91))), 400, "invalid-schedule",
                "schedule.days");
        assertProblem(api.postJson(practices(p), therapist1, assignment(BREATH, new JsonObject().put("kind", "daily").put("days", 3))),
                400, "invalid-schedule", "schedule.startDate");
        assertProblem(api.postJson(practices(p), therapist1, assignment(BREATH, daily(today(), 3).put("startDate", "03/12/2027"))),
                400, "invalid-schedule", "schedule.startDate");
        assertProblem(api.postJson(practices(p), therapist1, assignment(BREATH, new JsonObject().put("kind", "after-dosing").put("days", 15))),
                400, "invalid-schedule", "schedule.days");
        // the contract's own checks: a schedule of the wrong shape
        assertProblem(api.postJson(practices(p), therapist1, assignment(BREATH, daily(today(), 3).put("every", "monday"))), 400,
                "invalid-request");
        assertEquals(0, count("care_practices", p));
    }

    // ------------------------------------------------------------------ completions

    @Test
    @DisplayName("the patient marks today done with a rating and a note (201); adherence counts it, yesterday is missed; a "
            + "future date or one off the schedule is 409 practice-not-due; a second submit 409 practice-already-recorded")
    void completions() {
        String[] x = patientWithPractice(today().minusDays(1), 3);
        String p = x[0];
        String patient = x[1];
        String id = x[2];
        JsonObject before = practiceIn(ok(api.get(plan(p), patient), 200), id);
        assertEquals(List.of(today().minusDays(1) + " missed", today() + " due", today().plusDays(1) + " upcoming"), states(before));

        JsonObject done = ok(api.postJson(practice(p, id, "completions"), patient, completion(today(), "done").put("rating", 4)
                .put("note", NOTE)), 201);
        assertEquals(today().toString(), done.getString("date"));
        assertEquals("done", done.getString("state"));
        assertEquals(4, done.getInteger("rating"));
        assertEquals(NOTE, done.getString("note"));
        assertNotNull(done.getString("recordedAt"));

        JsonObject view = ok(api.get(plan(p), therapist1), 200);
        JsonObject after = practiceIn(view, id);
        assertEquals(new JsonObject().put("done", 1).put("skipped", 0).put("missed", 1).put("due", 0).put("upcoming", 1),
                after.getJsonObject("adherence"));
        assertEquals(List.of(today().minusDays(1) + " missed", today() + " done", today().plusDays(1) + " upcoming"), states(after));
        assertEquals(NOTE, after.getJsonArray("occurrences").getJsonObject(1).getString("note"), "the therapist reads the note");
        assertEquals("done", view.getJsonArray("todayItems").getJsonObject(0).getString("state"));

        assertProblem(api.postJson(practice(p, id, "completions"), patient, completion(today().plusDays(1), "done")), 409,
                "practice-not-due", "date");
        assertProblem(api.postJson(practice(p, id, "completions"), patient, completion(today().minusDays(2), "done")), 409,
                "practice-not-due", "date");
        assertProblem(api.postJson(practice(p, id, "completions"), patient, completion(today(), "skipped")), 409,
                "practice-already-recorded", "date");
        // only the patient records; bad input is refused by the contract
        assertProblem(api.postJson(practice(p, id, "completions"), therapist1, completion(today(), "done")), 403,
                "clinical-content-not-allowed");
        assertProblem(api.postJson(practice(p, id, "completions"), patient, completion(today(), "done").put("rating", 6)), 400,
                "invalid-request", "rating");
        assertProblem(api.postJson(practice(p, id, "completions"), patient, completion(today(), "maybe")), 400, "invalid-request", "state");
        assertProblem(api.postJson(practice(p, id, "completions"), patient, completion(today(), "done").put("note", "x".repeat(1001))),
                400, "invalid-request", "note");
        assertProblem(api.postJson(practice(p, "no-such-practice", "completions"), patient, completion(today(), "done")), 404,
                "practice-not-found");
        assertEquals(1, count("care_practice_records", p));

        // a missed date may still be recorded late, as skipped
        ok(api.postJson(practice(p, id, "completions"), patient, completion(today().minusDays(1), "skipped")), 201);
        assertEquals(new JsonObject().put("done", 1).put("skipped", 1).put("missed", 0).put("due", 0).put("upcoming", 1),
                practiceIn(ok(api.get(plan(p), patient), 200), id).getJsonObject("adherence"));
    }

    @Test
    @DisplayName("racing submits of one date: exactly one 201, the others 409, one record stored")
    void concurrentCompletions() throws Exception {
        String[] x = patientWithPractice(today(), 1);
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int n = i;
                replies.add(pool.submit(() -> {
                    go.await();
                    return api.postJson(practice(x[0], x[2], "completions"), x[1], completion(today(), "done").put("rating", 1 + n % 5));
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<ApiClient.Reply> f : replies) {
                ApiClient.Reply r = f.get(60, TimeUnit.SECONDS);
                if (r.status() == 201) {
                    created++;
                } else {
                    assertProblem(r, 409, "practice-already-recorded");
                }
            }
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count("care_practice_records", x[0]));
    }

    @Test
    @DisplayName("an ended practice keeps its past dates (missed) and loses today's and the future ones; it can no longer be "
            + "recorded; only the therapist changes it")
    void endedPractice() {
        String[] x = patientWithPractice(today().minusDays(2), 10);
        String p = x[0];
        String id = x[2];
        assertProblem(api.patch(practice(p, id, null), x[1], new JsonObject().put("ended", true)), 403, "forbidden");
        assertProblem(api.patch(practice(p, "no-such-practice", null), therapist1, new JsonObject().put("ended", true)), 404,
                "practice-not-found");
        assertProblem(api.patch(practice(p, id, null), therapist2, new JsonObject().put("ended", true)), 404, "patient-not-found");
        JsonObject ended = ok(api.patch(practice(p, id, null), therapist1, new JsonObject().put("ended", true)), 200);
        assertNotNull(ended.getString("endedAt"));
        assertEquals(List.of(today().minusDays(2) + " missed", today().minusDays(1) + " missed"), states(ended));
        assertEquals(new JsonObject().put("done", 0).put("skipped", 0).put("missed", 2).put("due", 0).put("upcoming", 0),
                ended.getJsonObject("adherence"));
        JsonObject view = ok(api.get(plan(p), x[1]), 200);
        assertEquals(new JsonArray(), view.getJsonArray("todayItems"));
        assertProblem(api.postJson(practice(p, id, "completions"), x[1], completion(today(), "done")), 409, "practice-not-due", "date");

        // instructions and schedule of another practice change; blank instructions clear them
        String[] y = patientWithPractice(today(), 3);
        JsonObject changed = ok(api.patch(practice(y[0], y[2], null), therapist1, new JsonObject().put("instructions", INSTRUCTIONS)
                .put("schedule", daily(today(), 5))), 200);
        assertEquals(INSTRUCTIONS, changed.getString("instructions"));
        assertEquals(5, changed.getJsonArray("occurrences").size());
        assertNull(ok(api.patch(practice(y[0], y[2], null), therapist1, new JsonObject().put("instructions", "")), 200)
                .getValue("instructions"));
        assertProblem(api.patch(practice(y[0], y[2], null), therapist1, new JsonObject().put("schedule", daily(today(), 100))), 400,
                "invalid-schedule", "schedule.days");
    }

    @Test
    @DisplayName("after-dosing: dates start on the local date the attended dosing ended, for the given number of days")
    void afterDosing() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        JsonObject afterDosing = new JsonObject().put("kind", "after-dosing").put("days", 2);
        JsonObject none = ok(api.postJson(practices(p), therapist1, assignment(BREATH, afterDosing)), 201);
        assertEquals(List.of(), states(none), "no dosing yet");
        // a dosing that ended a moment ago (its local date is today, unless this runs in the minute after midnight)
        Instant end = Instant.now().minusSeconds(30);
        try (Store store = store()) {
            new DosingRecords(store).save(new DosingRecord(OpaqueTokens.newId(), "demo", p, true, DosingRecord.Route.IM,
                    end.minus(Duration.ofHours(2)), end, "Dr. Supervising", null, "demo-admin", end));
        }
        LocalDate endDate = LocalDate.ofInstant(end, NEW_YORK);
        JsonObject view = practiceIn(ok(api.get(plan(p), patient), 200), none.getString("id"));
        assertEquals(List.of(endDate + (endDate.equals(today()) ? " due" : " missed"), endDate.plusDays(1)
                + (endDate.equals(today()) ? " upcoming" : " due")), states(view));
    }

    // ------------------------------------------------------------------ the exercise, progress

    @Test
    @DisplayName("the patient fetches the exercise of their practice as the library shows it, also after it was archived; "
            + "not another patient's; progress is saved and resumed, last write wins")
    void exerciseAndProgress() {
        String copy = ok(api.postJson("/api/exercises/" + BREATH + "/copy", therapist1, new JsonObject()), 201).getString("id");
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        String id = ok(api.postJson(practices(p), therapist1, assignment(copy, daily(today(), 7))), 201).getString("id");
        JsonObject library = ok(api.get("/api/exercises/" + copy, therapist1), 200);
        assertEquals(library, ok(api.get(practice(p, id, "exercise"), patient), 200));
        assertFalse(library.getJsonArray("steps").isEmpty());
        ok(api.postJson("/api/exercises/" + copy + "/archive", therapist1, new JsonObject().put("archived", true)), 200);
        JsonObject archived = ok(api.get(practice(p, id, "exercise"), patient), 200);
        assertTrue(archived.getBoolean("archived"));
        assertEquals(library.getJsonArray("steps"), archived.getJsonArray("steps"));
        assertEquals(200, api.get(practice(p, id, "exercise"), therapist1).status());
        assertProblem(api.get("/api/exercises/" + copy, patient), 403, "forbidden");

        // another patient: not through their own plan (no such practice there), not through this one
        String q = fixtures.patient("demo", T1);
        String other = fixtures.signIn(q);
        assertProblem(api.get(practice(q, id, "exercise"), other), 404, "practice-not-found");
        assertProblem(api.get(practice(p, id, "exercise"), other), 404, "patient-not-found");
        assertProblem(api.get(practice(p, id, "exercise"), admin), 403, "clinical-content-not-allowed");

        JsonObject position = new JsonObject().put("date", today().toString()).put("positionMs", 42_000);
        assertEquals(204, api.put(practice(p, id, "progress"), patient, position).status());
        assertEquals(position, practiceIn(ok(api.get(plan(p), patient), 200), id).getJsonObject("resume"));
        JsonObject later = new JsonObject().put("date", today().toString()).put("positionMs", 90_500);
        assertEquals(204, api.put(practice(p, id, "progress"), patient, later).status());
        assertEquals(later, practiceIn(ok(api.get(plan(p), therapist1), 200), id).getJsonObject("resume"));
        assertProblem(api.put(practice(p, id, "progress"), therapist1, position), 403, "clinical-content-not-allowed");
        assertProblem(api.put(practice(p, id, "progress"), patient, position.copy().put("positionMs", -1)), 400, "invalid-request",
                "positionMs");
        assertProblem(api.put(practice(p, id, "progress"), patient, position.copy().put("date", "today")), 400, "invalid-request", "date");
        assertProblem(api.put(practice(p, "no-such-practice", "progress"), patient, position), 404, "practice-not-found");
        assertProblem(api.put(practice(p, id, "progress"), other, position), 404, "patient-not-found");
    }

    @Test
    @DisplayName("a playlist practice: the patient gets its tracks with their audio ids and may fetch the audio itself")
    void playlistAudio() throws Exception {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        String id = ok(api.postJson(practices(p), therapist1, assignment("starter-playlist-settling",
                new JsonObject().put("kind", "after-dosing").put("days", 3))), 201).getString("id");
        JsonObject exercise = ok(api.get(practice(p, id, "exercise"), patient), 200);
        assertEquals("playlist", exercise.getString("kind"));
        String audioId = exercise.getJsonArray("tracks").getJsonObject(0).getString("audioId");
        java.net.http.HttpResponse<Void> audio = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(node.baseUrl() + "/api/audio/" + audioId)).header("Authorization", "Bearer " + patient)
                        .header("Range", "bytes=0-1023").timeout(Duration.ofSeconds(60)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertEquals(206, audio.statusCode());
    }

    // ------------------------------------------------------------------ resources

    @Test
    @DisplayName("resources: the demo clinic has three; staff write, patients read (403 on writes); archived ones drop out for "
            + "patients and plans; another clinic's are 404")
    void resources() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        JsonArray seeded = ok(api.get("/api/care/resources", patient), 200).getJsonArray("items");
        List<String> titles = seeded.stream().map(o -> ((JsonObject) o).getString("title")).toList();
        for (String title : List.of("Rest after your dosing", "Integration between sessions", "If you are in crisis")) {
            assertTrue(titles.contains(title), titles.toString());
        }
        JsonObject crisis = seeded.stream().map(o -> (JsonObject) o).filter(r -> "crisis".equals(r.getString("category")))
                .findFirst().orElseThrow();
        assertTrue(crisis.getString("body").contains("988") && crisis.getString("body").contains("911"), crisis.encode());
        assertEquals(0, ok(api.get("/api/care/resources", adminB), 200).getJsonArray("items").size(), "the other clinic has none");

        JsonObject draft = new JsonObject().put("title", "Sleep after a session").put("summary", "Wind down gently")
                .put("category", "rest").put("body", "Dim the lights.\n\nNo screens after nine.");
        assertProblem(api.postJson("/api/care/resources", patient, draft), 403, "forbidden");
        JsonObject created = ok(api.postJson("/api/care/resources", therapist1, draft), 201);
        String rid = created.getString("id");
        assertEquals(T1, created.getString("updatedBy"));
        assertFalse(created.getBoolean("archived"));
        assertEquals(created, ok(api.get("/api/care/resources/" + rid, patient), 200));
        JsonObject edited = ok(api.put("/api/care/resources/" + rid, admin, draft.copy().put("title", "Sleeping after a session")), 200);
        assertEquals("Sleeping after a session", edited.getString("title"));
        assertEquals("demo-admin", edited.getString("updatedBy"));
        assertProblem(api.put("/api/care/resources/" + rid, patient, draft), 403, "forbidden");
        assertProblem(api.postJson("/api/care/resources/" + rid + "/archive", patient, new JsonObject().put("archived", true)), 403,
                "forbidden");
        assertProblem(api.postJson("/api/care/resources", therapist1, draft.copy().put("category", "tips")), 400, "invalid-request",
                "category");
        assertProblem(api.postJson("/api/care/resources", therapist1, draft.copy().put("title", "x".repeat(121))), 400,
                "invalid-request", "title");
        for (String token : new String[] {adminB, therapistB}) {
            assertProblem(api.get("/api/care/resources/" + rid, token), 404, "resource-not-found");
            assertProblem(api.put("/api/care/resources/" + rid, token, draft), 404, "resource-not-found");
            assertProblem(api.postJson("/api/care/resources/" + rid + "/archive", token, new JsonObject().put("archived", true)), 404,
                    "resource-not-found");
        }
        assertProblem(api.get("/api/care/resources/no-such-resource", patient), 404, "resource-not-found");

        // assigned to the plan, shown there; archived, it drops out of the plan and of the patient's list
        JsonObject planned = ok(api.put(plan(p) + "/resources", therapist1, new JsonObject().put("resourceIds",
                new JsonArray().add(rid).add("demo-resource-crisis"))), 200);
        assertEquals(List.of(rid, "demo-resource-crisis"), planned.getJsonArray("resources").stream()
                .map(o -> ((JsonObject) o).getString("id")).toList());
        assertEquals(planned.getJsonArray("resources"), ok(api.get(plan(p), patient), 200).getJsonArray("resources"));
        assertProblem(api.put(plan(p) + "/resources", therapist1, new JsonObject().put("resourceIds", new JsonArray().add("nope"))), 400,
                "unknown-resource", "resourceIds.0");
        assertProblem(api.put(plan(p) + "/resources", patient, new JsonObject().put("resourceIds", new JsonArray())), 403, "forbidden");
        assertTrue(ok(api.postJson("/api/care/resources/" + rid + "/archive", therapist1, new JsonObject().put("archived", true)), 200)
                .getBoolean("archived"));
        assertEquals(List.of("demo-resource-crisis"), ok(api.get(plan(p), patient), 200).getJsonArray("resources").stream()
                .map(o -> ((JsonObject) o).getString("id")).toList());
        assertProblem(api.get("/api/care/resources/" + rid, patient), 404, "resource-not-found");
        assertFalse(ok(api.get("/api/care/resources?includeArchived=true", patient), 200).encode().contains(rid));
        assertFalse(ok(api.get("/api/care/resources", therapist1), 200).encode().contains(rid));
        assertTrue(ok(api.get("/api/care/resources?includeArchived=true", therapist1), 200).encode().contains(rid));
        assertEquals(200, api.get("/api/care/resources/" + rid, admin).status());
        assertProblem(api.put(plan(p) + "/resources", therapist1, new JsonObject().put("resourceIds", new JsonArray().add(rid))), 400,
                "unknown-resource", "resourceIds.0");
    }

    @Test
    @DisplayName("the demo resources are seeded once: a second node starting on the same store adds none and changes none")
    void seedIsIdempotent() {
        List<Document> before;
        try (Store store = store()) {
            before = demoResources(store);
        }
        assertEquals(3, before.size());
        java.util.Map<String, String> settings = new java.util.HashMap<>(node.storeSettings());
        settings.put("HEARTH_DEMO_SEED", "true");
        try (TestNode second = TestNode.start(settings)) {
            assertEquals(401, new ApiClient(second.baseUrl()).get("/api/care/resources", null).status(), "the second node serves");
        }
        try (Store store = store()) {
            assertEquals(before, demoResources(store));
        }
    }

    static List<Document> demoResources(Store store) {
        return store.collection("care_resources").find(Filters.regex("_id", "^demo-resource-")).sort(new Document("_id", 1))
                .into(new ArrayList<>());
    }

    // ------------------------------------------------------------------ bad input, and the store

    @Test
    @DisplayName("malformed JSON is 400 malformed-json on every aftercare write; nothing stored")
    void malformedJson() {
        String[] x = patientWithPractice(today(), 3);
        assertProblem(api.post(practices(x[0]), therapist1, "application/json", "{\"exerciseId\": \"" + BREATH + "\", "), 400,
                "malformed-json");
        assertProblem(api.post(practice(x[0], x[2], "completions"), x[1], "application/json", "{\"date\": \"2026-"), 400,
                "malformed-json");
        assertProblem(api.putRaw(practice(x[0], x[2], "progress"), x[1], "application/json", "{positionMs: 1}"), 400, "malformed-json");
        assertProblem(api.post("/api/care/resources", therapist1, "application/json", "[{"), 400, "malformed-json");
        assertProblem(api.post(practice(x[0], x[2], "completions"), x[1], "text/plain", "done"), 415, "unsupported-media-type");
        assertEquals(1, count("care_practices", x[0]));
        assertEquals(0, count("care_practice_records", x[0]));
    }

    @Test
    @DisplayName("a raw store read shows no plaintext of instructions or notes: sealed, with identifiers, dates and states plain")
    void sealedAtRest() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        String id = ok(api.postJson(practices(p), therapist1, assignment(BREATH, daily(today(), 3)).put("instructions", INSTRUCTIONS)),
                201).getString("id");
        ok(api.postJson(practice(p, id, "completions"), patient, completion(today(), "done").put("rating", 5).put("note", NOTE)), 201);
        try (Store store = store()) {
            Document practiceDoc = store.collection("care_practices").find(Filters.eq("_id", id)).first();
            Document record = store.collection("care_practice_records").find(Filters.eq("practiceId", id)).first();
            assertTrue(practiceDoc.getString("instructions").startsWith("v1:"), practiceDoc.toJson());
            assertTrue(record.getString("note").startsWith("v1:"), record.toJson());
            assertEquals(today().toString(), record.getString("date"));
            assertEquals("done", record.getString("state"));
            for (Document d : List.of(practiceDoc, record)) {
                String dump = d.toJson();
                assertFalse(dump.contains("plaintext-marker") || dump.contains("Before bed") || dump.contains("grief"), dump);
            }
        }
        // and what was read back through the API is the plaintext
        assertEquals(INSTRUCTIONS, practiceIn(ok(api.get(plan(p), patient), 200), id).getString("instructions"));
    }
}
