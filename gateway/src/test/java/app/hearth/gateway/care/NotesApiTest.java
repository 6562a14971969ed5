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
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import app.hearth.protocol.EventBusAddresses;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Clinical notes: draft → signed → addenda, who reads what, circles split per attendee, sealed at rest")
class NotesApiTest {

    static final String T1 = "demo-therapist-1";
    static final String T2 = "demo-therapist-2";
    static final String T3 = "notes-therapist-3";
    static final String CLINIC_B = "notes-clinic-b";
    static final String T1_NAME = "Dr. Maya Okafor";

    static TestNode node;
    static ApiClient api;
    static CareFixtures fixtures;
    static String admin;
    static String therapist1;
    static String therapist2;
    static String therapist3;
    static String therapistB;
    static final List<JsonObject> careEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        fixtures = new CareFixtures(node, api);
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        therapist1 = api.accessToken("therapist@demo.hearth", "hearth-demo");
        therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ClinicRepository(store).insertIfAbsent(new Clinic(CLINIC_B, "Other Clinic", "Europe/Berlin"));
            PersonRepository people = new PersonRepository(store);
            Instant now = Instant.now();
            people.insert(new Person(T3, "demo", Role.THERAPIST, "Dr. Third", "notes-t3@demo.test", null, null, null, null,
                    PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("notes-b-therapist", CLINIC_B, Role.THERAPIST, "Therapist B", "notes-t@b.example", null, null,
                    null, null, PersonStatus.ACTIVE, now), "test");
            CredentialRepository credentials = new CredentialRepository(store);
            String hash = PasswordHasher.recommended().hash("notes test password");
            credentials.setPasswordHash(T3, hash, now);
            credentials.setPasswordHash("notes-b-therapist", hash, now);
        }
        therapist3 = api.accessToken("notes-t3@demo.test", "notes test password");
        therapistB = api.accessToken("notes-t@b.example", "notes test password");
        node.node().vertx().eventBus().<JsonObject>consumer(EventBusAddresses.CARE_EVENTS, m -> careEvents.add(m.body()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // ------------------------------------------------------------------ fixtures

    static Instant hoursAgo(long hours) {
        return Instant.now().minus(Duration.ofHours(hours)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    static Appointment insert(Appointment a) {
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ScheduleStore(store).insert(a);
        }
        return a;
    }

    /** A 1:1 appointment written as it stands in the store (past times included). */
    static Appointment oneToOne(AppointmentType type, List<String> therapists, String patientId, Instant start,
                                Appointment.Status status, String clinicId) {
        return insert(new Appointment(OpaqueTokens.newId(), clinicId, type, status, start, start.plus(Duration.ofHours(1)),
                therapists, patientId, type == AppointmentType.DOSING ? "Room 2" : null, type.remote() ? OpaqueTokens.newId() : null,
                null, 0, List.of(), List.of(new Appointment.HistoryEntry(Instant.now(), "test", "appointment.booked", null))));
    }

    static Appointment oneToOne(AppointmentType type, String therapist, String patientId, Instant start) {
        return oneToOne(type, List.of(therapist), patientId, start, Appointment.Status.BOOKED, "demo");
    }

    static Appointment circle(String therapist, Instant start, Appointment.Attendee... attendees) {
        return insert(new Appointment(OpaqueTokens.newId(), "demo", AppointmentType.CIRCLE, Appointment.Status.BOOKED, start,
                start.plus(Duration.ofHours(2)), List.of(therapist), null, null, OpaqueTokens.newId(), null, 8, List.of(attendees),
                List.of(new Appointment.HistoryEntry(Instant.now(), "test", "appointment.booked", null))));
    }

    static Appointment.Attendee seated(String patientId) {
        return new Appointment.Attendee(patientId, Appointment.AttendeeState.SEATED, hoursAgo(48));
    }

    static String noteUrl(String appointmentId) {
        return "/api/appointments/" + appointmentId + "/note";
    }

    static String listUrl(String patientId) {
        return "/api/care/patients/" + patientId + "/notes";
    }

    static JsonObject ok(ApiClient.Reply reply, int status) {
        assertEquals(status, reply.status(), reply.body());
        return reply.json();
    }

    static ApiClient.Reply save(String token, String appointmentId, JsonObject sections, long version) {
        return api.put(noteUrl(appointmentId), token, new JsonObject().put("sections", sections).put("version", version));
    }

    static ApiClient.Reply sign(String token, String appointmentId, long version) {
        return api.postJson(noteUrl(appointmentId) + "/sign", token, new JsonObject().put("version", version));
    }

    static ApiClient.Reply addendum(String token, String appointmentId, String text) {
        return api.postJson(noteUrl(appointmentId) + "/addenda", token, new JsonObject().put("text", text));
    }

    static List<JsonObject> eventsFor(String patientId) {
        return careEvents.stream().filter(e -> patientId.equals(e.getString("patientId")) && "notes".equals(e.getString("record"))).toList();
    }

    static List<String> keys(JsonArray sections) {
        return sections.stream().map(o -> ((JsonObject) o).getString("key")).toList();
    }

    // ------------------------------------------------------------------ draft, version, sign, addenda

    @Test
    @DisplayName("an empty note carries its template; saving makes a draft at version + 1; a stale version → 409 note-changed")
    void draftAndVersion() {
        String p = fixtures.patient("demo", T1);
        Appointment a = oneToOne(AppointmentType.INTEGRATION, T1, p, hoursAgo(2));

        JsonObject empty = ok(api.get(noteUrl(a.id()), therapist1), 200);
        assertEquals("empty", empty.getString("status"));
        assertEquals("integration", empty.getString("type"));
        assertEquals(0, empty.getInteger("version"));
        assertEquals(List.of("experience", "themes", "risk", "plan"), keys(empty.getJsonObject("template").getJsonArray("sections")));
        assertEquals("What came up", empty.getJsonObject("template").getJsonArray("sections").getJsonObject(0).getString("title"));
        assertTrue(empty.getJsonObject("template").getJsonArray("attendeeSections").isEmpty());
        assertEquals(new JsonObject(), empty.getJsonObject("sections"));
        assertTrue(empty.getJsonArray("attendees").isEmpty());
        assertEquals(p, empty.getJsonObject("patient").getString("id"));
        assertEquals("Patient " + p, empty.getJsonObject("patient").getString("displayName"));
        assertNull(empty.getValue("createdBy"));
        assertNull(empty.getValue("signedAt"));
        assertEquals(a.start().toString(), empty.getString("start"));
        assertTrue(empty.getBoolean("canEdit"));
        assertFalse(empty.getBoolean("canSign"));
        assertFalse(empty.getBoolean("canAddAddendum"));

        JsonObject v1 = ok(save(therapist1, a.id(), new JsonObject().put("experience", "Grief, then relief").put("themes", "Letting go"), 0), 200);
        assertEquals("draft", v1.getString("status"));
        assertEquals(1, v1.getInteger("version"));
        assertEquals(new JsonObject().put("experience", "Grief, then relief").put("themes", "Letting go"), v1.getJsonObject("sections"));
        assertEquals(new JsonObject().put("id", T1).put("displayName", T1_NAME), v1.getJsonObject("createdBy"));
        assertNotNull(v1.getString("updatedAt"));
        assertTrue(v1.getBoolean("canSign"));

        // someone else saved first: this writer read version 0
        assertProblem(save(therapist1, a.id(), new JsonObject().put("experience", "lost update"), 0), 409, "note-changed", "version");
        assertProblem(save(therapist1, a.id(), new JsonObject().put("experience", "from the future"), 7), 409, "note-changed", "version");

        // a save replaces the sections: the one left out is cleared, a blank one too
        JsonObject v2 = ok(save(therapist1, a.id(), new JsonObject().put("experience", "Grief, then relief, then sleep")
                .put("risk", "  "), 1), 200);
        assertEquals(2, v2.getInteger("version"));
        assertEquals(new JsonObject().put("experience", "Grief, then relief, then sleep"), v2.getJsonObject("sections"));
        assertEquals(v2, ok(api.get(noteUrl(a.id()), therapist1), 200));

        // therapists re-read, the patient is not told (notes are not theirs to read)
        Eventually.within(Duration.ofSeconds(5), "two notes events", () -> assertEquals(2, eventsFor(p).size()));
        assertEquals(new JsonObject().put("kind", "record-changed").put("clinicId", "demo").put("patientId", p)
                .put("recipients", new JsonArray().add(T1)).put("record", "notes"), eventsFor(p).get(0));
    }

    @Test
    @DisplayName("signing locks the note: edit after → 409 note-signed, sign twice → 409, empty or stale → 409")
    void signingLocks() {
        String p = fixtures.patient("demo", T1);
        Appointment a = oneToOne(AppointmentType.PREPARATION, T1, p, hoursAgo(3));
        assertProblem(sign(therapist1, a.id(), 0), 409, "note-empty");
        ok(save(therapist1, a.id(), new JsonObject().put("intentions", "Meet the fear"), 0), 200);
        assertProblem(sign(therapist1, a.id(), 0), 409, "note-changed", "version");
        ok(save(therapist1, a.id(), new JsonObject(), 1), 200);
        assertProblem(sign(therapist1, a.id(), 2), 409, "note-empty"); // everything cleared: nothing to sign
        ok(save(therapist1, a.id(), new JsonObject().put("intentions", "Meet the fear").put("plan", "Music, eyeshades"), 2), 200);

        JsonObject signed = ok(sign(therapist1, a.id(), 3), 200);
        assertEquals("signed", signed.getString("status"));
        assertEquals(new JsonObject().put("id", T1).put("displayName", T1_NAME), signed.getJsonObject("signedBy"));
        assertNotNull(signed.getString("signedAt"));
        assertFalse(signed.getBoolean("canEdit"));
        assertFalse(signed.getBoolean("canSign"));
        assertTrue(signed.getBoolean("canAddAddendum"));

        assertProblem(save(therapist1, a.id(), new JsonObject().put("intentions", "rewritten"), 3), 409, "note-signed");
        assertProblem(save(therapist1, a.id(), new JsonObject().put("intentions", "rewritten"), 0), 409, "note-signed");
        assertProblem(sign(therapist1, a.id(), 3), 409, "note-signed");
        JsonObject after = ok(api.get(noteUrl(a.id()), therapist1), 200);
        assertEquals("Meet the fear", after.getJsonObject("sections").getString("intentions"));
        assertEquals(signed.getString("signedAt"), after.getString("signedAt"));
    }

    @Test
    @DisplayName("two therapists sign at the same moment: exactly one 200, the others 409 note-signed")
    void concurrentSigns() throws Exception {
        String p = fixtures.patient("demo", T1);
        Appointment a = oneToOne(AppointmentType.INTEGRATION, List.of(T1, T2), p, hoursAgo(2), Appointment.Status.BOOKED, "demo");
        ok(save(therapist2, a.id(), new JsonObject().put("themes", "Belonging"), 0), 200);
        int signers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(signers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < signers; i++) {
                String token = i % 2 == 0 ? therapist1 : therapist2;
                replies.add(pool.submit(() -> {
                    go.await();
                    return sign(token, a.id(), 1);
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<ApiClient.Reply> f : replies) {
                ApiClient.Reply reply = f.get(60, TimeUnit.SECONDS);
                if (reply.status() == 200) {
                    won++;
                } else {
                    assertProblem(reply, 409, "note-signed");
                }
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
        assertEquals("signed", ok(api.get(noteUrl(a.id()), therapist1), 200).getString("status"));
    }

    @Test
    @DisplayName("addenda: after signing, by anyone who reads the note, with author and time, oldest first; before → 409 note-not-signed")
    void addenda() {
        String p = fixtures.patient("demo", T2); // assigned to T2, seen by T1 (covering)
        Appointment a = oneToOne(AppointmentType.INTEGRATION, T1, p, hoursAgo(5));
        assertProblem(addendum(therapist1, a.id(), "too early"), 409, "note-not-signed");
        ok(save(therapist1, a.id(), new JsonObject().put("experience", "Calm"), 0), 200);
        assertProblem(addendum(therapist1, a.id(), "still a draft"), 409, "note-not-signed");
        ok(sign(therapist1, a.id(), 1), 200);

        Instant before = Instant.now().minusSeconds(1);
        JsonObject first = ok(addendum(therapist1, a.id(), "Called the next day: sleeping well"), 201);
        assertNotNull(first.getString("id"));
        assertEquals("Called the next day: sleeping well", first.getString("text"));
        assertEquals(new JsonObject().put("id", T1).put("displayName", T1_NAME), first.getJsonObject("author"));
        assertFalse(Instant.parse(first.getString("at")).isBefore(before));
        JsonObject second = ok(addendum(therapist2, a.id(), "Assigned therapist: agree"), 201);
        assertEquals(T2, second.getJsonObject("author").getString("id"));

        JsonObject note = ok(api.get(noteUrl(a.id()), therapist2), 200);
        assertEquals(new JsonArray().add(first).add(second), note.getJsonArray("addenda"));
        assertEquals("Calm", note.getJsonObject("sections").getString("experience"), "the signed text stands");
        assertEquals(1, note.getInteger("version"));

        assertProblem(addendum(therapist1, a.id(), "   "), 400, "invalid-request", "text");
        assertProblem(addendum(therapist1, a.id(), "x".repeat(5001)), 400, "invalid-request", "text");
        assertEquals(2, ok(api.get(noteUrl(a.id()), therapist1), 200).getJsonArray("addenda").size());
    }

    // ------------------------------------------------------------------ who reads what

    @Test
    @DisplayName("visibility: treating and assigned therapists read; another therapist, another clinic, made up → 404; patient and admin → 403")
    void visibility() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        Appointment a = oneToOne(AppointmentType.PREPARATION, T2, p, hoursAgo(4)); // T2 treats T1's patient
        ok(save(therapist2, a.id(), new JsonObject().put("concerns", "secret-note-text-31c"), 0), 200);

        JsonObject treating = ok(api.get(noteUrl(a.id()), therapist2), 200);
        assertTrue(treating.getBoolean("canEdit"));
        JsonObject assigned = ok(api.get(noteUrl(a.id()), therapist1), 200);
        assertEquals("secret-note-text-31c", assigned.getJsonObject("sections").getString("concerns"));
        assertFalse(assigned.getBoolean("canEdit"));
        assertFalse(assigned.getBoolean("canSign"));
        // the assigned therapist reads but does not write or sign a session they did not hold
        assertProblem(save(therapist1, a.id(), new JsonObject().put("concerns", "overwritten"), 1), 403, "forbidden");
        assertProblem(sign(therapist1, a.id(), 1), 403, "forbidden");

        Appointment other = oneToOne(AppointmentType.PREPARATION, List.of("notes-b-therapist"), "notes-b-patient", hoursAgo(4),
                Appointment.Status.BOOKED, CLINIC_B);
        List<Function<String, ApiClient.Reply>> byT3 = List.of(id -> api.get(noteUrl(id), therapist3),
                id -> save(therapist3, id, new JsonObject().put("concerns", "planted"), 1), id -> sign(therapist3, id, 1),
                id -> addendum(therapist3, id, "planted"));
        for (Function<String, ApiClient.Reply> call : byT3) {
            ApiClient.Reply real = call.apply(a.id());
            ApiClient.Reply madeUp = call.apply("no-such-appointment");
            assertProblem(real, 404, "appointment-not-found");
            assertEquals(madeUp.body(), real.body(), "another therapist learns nothing from a real id");
        }
        assertProblem(api.get(noteUrl(a.id()), therapistB), 404, "appointment-not-found");
        assertProblem(save(therapistB, a.id(), new JsonObject(), 1), 404, "appointment-not-found");
        assertProblem(api.get(noteUrl(other.id()), therapist1), 404, "appointment-not-found");
        assertProblem(api.get(noteUrl("no-such-appointment"), therapist1), 404, "appointment-not-found");

        for (String token : List.of(patient, admin)) {
            assertProblem(api.get(noteUrl(a.id()), token), 403, "clinical-notes-not-allowed");
            assertProblem(api.get(noteUrl("no-such-appointment"), token), 403, "clinical-notes-not-allowed");
            assertProblem(save(token, a.id(), new JsonObject().put("concerns", "planted"), 1), 403, "clinical-notes-not-allowed");
            assertProblem(sign(token, a.id(), 1), 403, "clinical-notes-not-allowed");
            assertProblem(addendum(token, a.id(), "planted"), 403, "clinical-notes-not-allowed");
            assertProblem(api.get(listUrl(p), token), 403, "clinical-notes-not-allowed");
        }

        // nothing changed; the refusals are audited as denied, with identifiers only
        JsonObject after = ok(api.get(noteUrl(a.id()), therapist2), 200);
        assertEquals(1, after.getInteger("version"));
        assertEquals("draft", after.getString("status"));
        assertEquals("secret-note-text-31c", after.getJsonObject("sections").getString("concerns"));
        JsonArray audit = ok(api.get("/api/audit?resourceId=" + a.id() + "&limit=200", admin), 200).getJsonArray("items");
        for (String actor : List.of(p, "demo-admin", T3)) {
            assertTrue(audit.stream().map(o -> (JsonObject) o).anyMatch(e -> "care.note.read".equals(e.getString("action"))
                    && actor.equals(e.getString("actorId")) && "denied".equals(e.getString("outcome"))), actor + " " + audit.encode());
        }
        assertTrue(audit.stream().map(o -> (JsonObject) o).anyMatch(e -> "care.note.update".equals(e.getString("action"))
                && T2.equals(e.getString("actorId")) && "success".equals(e.getString("outcome"))
                && "care.note".equals(e.getString("resourceType"))), audit.encode());
        assertFalse(api.get("/api/audit?limit=200", admin).body().contains("secret-note-text"));
    }

    @Test
    @DisplayName("a circle: the group sections for every reader; each attendee's part only for the circle's and that attendee's therapists")
    void circleParts() {
        String a = fixtures.patient("demo", T1);
        String b = fixtures.patient("demo", T2);
        String waiting = fixtures.patient("demo", T1);
        Appointment c = circle(T3, hoursAgo(6), seated(a), seated(b),
                new Appointment.Attendee(waiting, Appointment.AttendeeState.WAITLISTED, hoursAgo(40)));

        JsonObject empty = ok(api.get(noteUrl(c.id()), therapist3), 200);
        assertEquals(List.of("themes", "process"), keys(empty.getJsonObject("template").getJsonArray("sections")));
        assertEquals(List.of("participation", "followUp"), keys(empty.getJsonObject("template").getJsonArray("attendeeSections")));
        assertNull(empty.getValue("patient"));
        assertEquals(List.of(a, b), empty.getJsonArray("attendees").stream().map(o -> ((JsonObject) o).getString("patientId")).toList());

        JsonObject body = new JsonObject().put("sections", new JsonObject().put("themes", "Trust"))
                .put("attendees", new JsonArray()
                        .add(new JsonObject().put("patientId", a).put("sections", new JsonObject().put("participation", "part-of-A-17")))
                        .add(new JsonObject().put("patientId", b).put("sections", new JsonObject().put("participation", "part-of-B-42")
                                .put("followUp", "Check sleep"))))
                .put("version", 0);
        JsonObject saved = ok(api.put(noteUrl(c.id()), therapist3, body), 200);
        assertEquals(2, saved.getJsonArray("attendees").size());
        assertEquals("part-of-B-42", saved.getJsonArray("attendees").getJsonObject(1).getJsonObject("sections").getString("participation"));
        assertEquals("Patient " + a, saved.getJsonArray("attendees").getJsonObject(0).getString("displayName"));

        ApiClient.Reply ofA = api.get(noteUrl(c.id()), therapist1);
        JsonObject asA = ok(ofA, 200);
        assertEquals("Trust", asA.getJsonObject("sections").getString("themes"));
        assertEquals(1, asA.getJsonArray("attendees").size());
        assertEquals(a, asA.getJsonArray("attendees").getJsonObject(0).getString("patientId"));
        assertFalse(ofA.body().contains("part-of-B") || ofA.body().contains(b), "A's therapist never sees B's part");
        assertFalse(asA.getBoolean("canEdit"));
        ApiClient.Reply ofB = api.get(noteUrl(c.id()), therapist2);
        assertEquals(List.of(b), ok(ofB, 200).getJsonArray("attendees").stream().map(o -> ((JsonObject) o).getString("patientId")).toList());
        assertFalse(ofB.body().contains("part-of-A"));

        // a save without attendees keeps the parts; a waitlisted patient or a made-up key is refused at its field
        JsonObject v2 = ok(save(therapist3, c.id(), new JsonObject().put("themes", "Trust").put("process", "Warm"), 1), 200);
        assertEquals(2, v2.getJsonArray("attendees").stream().filter(o -> !((JsonObject) o).getJsonObject("sections").isEmpty()).count());
        assertProblem(api.put(noteUrl(c.id()), therapist3, new JsonObject().put("sections", new JsonObject()).put("version", 2)
                .put("attendees", new JsonArray().add(new JsonObject().put("patientId", waiting).put("sections", new JsonObject())))),
                400, "invalid-note", "attendees.0.patientId");
        assertProblem(api.put(noteUrl(c.id()), therapist3, new JsonObject().put("sections", new JsonObject()).put("version", 2)
                .put("attendees", new JsonArray().add(new JsonObject().put("patientId", a).put("sections", new JsonObject().put("mood", "x"))))),
                400, "invalid-note", "attendees.0.sections.mood");
        // the therapist of an attendee reads but does not write the circle's note
        assertProblem(api.put(noteUrl(c.id()), therapist1, new JsonObject().put("sections", new JsonObject()).put("version", 2)
                .put("attendees", new JsonArray().add(new JsonObject().put("patientId", a).put("sections", new JsonObject())))),
                403, "forbidden");

        Eventually.within(Duration.ofSeconds(5), "notes events for both seated attendees", () -> {
            assertEquals(2, eventsFor(a).size());
            assertEquals(2, eventsFor(b).size());
        });
        assertEquals(new JsonArray().add(T3).add(T1), eventsFor(a).get(0).getJsonArray("recipients"));
        assertEquals(new JsonArray().add(T3).add(T2), eventsFor(b).get(0).getJsonArray("recipients"));
        assertTrue(eventsFor(waiting).isEmpty());

        // the circle is in each seated attendee's list, for their therapist
        assertTrue(ok(api.get(listUrl(a), therapist1), 200).getJsonArray("items").stream()
                .anyMatch(o -> c.id().equals(((JsonObject) o).getString("appointmentId"))));
        assertTrue(ok(api.get(listUrl(b), therapist3), 200).getJsonArray("items").stream()
                .anyMatch(o -> c.id().equals(((JsonObject) o).getString("appointmentId"))));
        assertProblem(api.get(listUrl(waiting), therapist3), 404, "patient-not-found");
    }

    @Test
    @DisplayName("a dosing or a cancelled appointment has no note: 409 note-not-applicable")
    void notApplicable() {
        String p = fixtures.patient("demo", T1);
        Appointment dosing = oneToOne(AppointmentType.DOSING, T1, p, hoursAgo(30));
        assertProblem(api.get(noteUrl(dosing.id()), therapist1), 409, "note-not-applicable");
        assertProblem(save(therapist1, dosing.id(), new JsonObject().put("plan", "x"), 0), 409, "note-not-applicable");
        assertProblem(sign(therapist1, dosing.id(), 0), 409, "note-not-applicable");
        Appointment cancelled = oneToOne(AppointmentType.INTEGRATION, List.of(T1), p, hoursAgo(3), Appointment.Status.CANCELLED, "demo");
        assertProblem(api.get(noteUrl(cancelled.id()), therapist1), 409, "note-not-applicable");
        assertProblem(save(therapist1, cancelled.id(), new JsonObject().put("themes", "x"), 0), 409, "note-not-applicable");
        // not one of theirs: the answer for a made-up id comes first
        assertProblem(api.get(noteUrl(dosing.id()), therapist3), 404, "appointment-not-found");
    }

    @Test
    @DisplayName("bad input (unknown section, too long, malformed JSON, missing version, attendees on a 1:1) → 400 at its field, nothing stored")
    void badInput() {
        String p = fixtures.patient("demo", T1);
        Appointment a = oneToOne(AppointmentType.INTEGRATION, T1, p, hoursAgo(2));
        assertProblem(save(therapist1, a.id(), new JsonObject().put("mood", "x"), 0), 400, "invalid-note", "sections.mood");
        assertProblem(save(therapist1, a.id(), new JsonObject().put("intentions", "a preparation's key"), 0), 400, "invalid-note",
                "sections.intentions");
        ApiClient.Reply tooLong = save(therapist1, a.id(), new JsonObject().put("experience", "x".repeat(10_001)), 0);
        assertProblem(tooLong, 400, "invalid-request", "sections.experience");
        assertProblem(save(therapist1, a.id(), new JsonObject().put("experience", 42), 0), 400, "invalid-request", "sections.experience");
        assertProblem(api.putRaw(noteUrl(a.id()), therapist1, "application/json", "{\"sections\": {\"experience\": "), 400, "malformed-json");
        assertProblem(api.put(noteUrl(a.id()), therapist1, new JsonObject().put("sections", new JsonObject().put("themes", "x"))),
                400, "invalid-request", "version");
        assertProblem(api.put(noteUrl(a.id()), therapist1, new JsonObject().put("sections", new JsonObject()).put("version", 0)
                .put("attendees", new JsonArray().add(new JsonObject().put("patientId", p).put("sections", new JsonObject())))),
                400, "invalid-note", "attendees");
        assertProblem(api.put(noteUrl(a.id()), therapist1, new JsonObject().put("sections", new JsonObject()).put("version", 0)
                .put("signed", true)), 400, "invalid-request");
        assertProblem(api.postJson(noteUrl(a.id()) + "/sign", therapist1, new JsonObject()), 400, "invalid-request", "version");
        assertProblem(api.post(noteUrl(a.id()) + "/addenda", therapist1, "application/json", "{\"text\": \"unterminated}"), 400,
                "malformed-json");
        JsonObject note = ok(api.get(noteUrl(a.id()), therapist1), 200);
        assertEquals("empty", note.getString("status"), "nothing stored");
        assertEquals(0, note.getInteger("version"));
    }

    // ------------------------------------------------------------------ the patient's notes

    @Test
    @DisplayName("the patient's notes: sessions that started (circles seated in), newest first, with status; by therapist")
    void patientList() {
        String p = fixtures.patient("demo", T1);
        Appointment prep = oneToOne(AppointmentType.PREPARATION, T1, p, hoursAgo(72));
        Appointment integration = oneToOne(AppointmentType.INTEGRATION, T2, p, hoursAgo(24)); // T2 covering
        Appointment circle = circle(T3, hoursAgo(10), seated(p));
        Appointment waitlisted = circle(T3, hoursAgo(8), new Appointment.Attendee(p, Appointment.AttendeeState.WAITLISTED, hoursAgo(50)));
        oneToOne(AppointmentType.DOSING, T1, p, hoursAgo(48));
        oneToOne(AppointmentType.INTEGRATION, List.of(T1), p, hoursAgo(12), Appointment.Status.CANCELLED, "demo");
        oneToOne(AppointmentType.INTEGRATION, T1, p, Instant.now().plus(Duration.ofDays(2)));
        // joined early and ended by its host before its booked start: to be written up now, not later
        Appointment endedEarly = oneToOne(AppointmentType.PREPARATION, T1, p, Instant.now().plus(Duration.ofMinutes(8)));
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            assertTrue(new ScheduleStore(store).sessionEnded("demo", endedEarly.id(), T1, Instant.now()));
        }
        ok(save(therapist1, prep.id(), new JsonObject().put("plan", "Music"), 0), 200);
        JsonObject signed = ok(sign(therapist1, prep.id(), 1), 200);
        ok(save(therapist2, integration.id(), new JsonObject().put("themes", "Draft"), 0), 200);

        JsonArray items = ok(api.get(listUrl(p), therapist1), 200).getJsonArray("items");
        assertEquals(List.of(endedEarly.id(), circle.id(), integration.id(), prep.id()),
                items.stream().map(o -> ((JsonObject) o).getString("appointmentId")).toList(), items.encode());
        items.remove(0);
        assertEquals(new JsonObject().put("appointmentId", circle.id()).put("type", "circle").put("start", circle.start().toString())
                .put("status", "empty").putNull("signedAt").putNull("createdBy"), items.getJsonObject(0));
        assertEquals("draft", items.getJsonObject(1).getString("status"));
        assertEquals(T2, items.getJsonObject(1).getJsonObject("createdBy").getString("id"));
        assertEquals(new JsonObject().put("appointmentId", prep.id()).put("type", "preparation").put("start", prep.start().toString())
                .put("status", "signed").put("signedAt", signed.getString("signedAt"))
                .put("createdBy", new JsonObject().put("id", T1).put("displayName", T1_NAME)), items.getJsonObject(2));
        assertFalse(items.encode().contains(waitlisted.id()));
        assertFalse(items.encode().contains("Music"), "a list holds no clinical text");

        // a covering therapist sees the sessions they held; a therapist who held none, as for a made-up id
        assertEquals(List.of(integration.id()), ok(api.get(listUrl(p), therapist2), 200).getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("appointmentId")).toList());
        assertEquals(List.of(circle.id()), ok(api.get(listUrl(p), therapist3), 200).getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("appointmentId")).toList());
        assertProblem(api.get(listUrl(p), therapistB), 404, "patient-not-found");
        assertProblem(api.get(listUrl("no-such-patient"), therapist1), 404, "patient-not-found");
        assertProblem(api.get(listUrl(p), fixtures.signIn(p)), 403, "clinical-notes-not-allowed");
        assertProblem(api.get(listUrl(p), admin), 403, "clinical-notes-not-allowed");
    }

    // ------------------------------------------------------------------ at rest

    @Test
    @DisplayName("care_notes holds no plaintext: sections, each attendee's part and addenda are sealed, v1:-prefixed")
    void sealedAtRest() {
        String a = fixtures.patient("demo", T1);
        String b = fixtures.patient("demo", T2);
        Appointment c = circle(T3, hoursAgo(9), seated(a), seated(b));
        ok(api.put(noteUrl(c.id()), therapist3, new JsonObject().put("sections", new JsonObject().put("themes", "plaintext-marker-themes"))
                .put("attendees", new JsonArray()
                        .add(new JsonObject().put("patientId", a).put("sections", new JsonObject().put("participation", "plaintext-marker-a")))
                        .add(new JsonObject().put("patientId", b).put("sections", new JsonObject().put("followUp", "plaintext-marker-b"))))
                .put("version", 0)), 200);
        ok(sign(therapist3, c.id(), 1), 200);
        ok(addendum(therapist1, c.id(), "plaintext-marker-addendum"), 201);

        Document raw;
        try (MongoClient client = MongoClients.create(node.storeUri())) {
            raw = client.getDatabase(node.databaseName()).getCollection("care_notes").find(Filters.eq("_id", c.id())).first();
        }
        assertNotNull(raw);
        String json = raw.toJson();
        for (String marker : List.of("plaintext-marker", "themes", "participation", "followUp")) {
            assertFalse(json.contains(marker), "raw document holds '" + marker + "': " + json);
        }
        assertTrue(raw.getString("sections").startsWith("v1:"));
        Document parts = raw.get("attendees", Document.class);
        assertEquals(List.of(a, b).stream().sorted().toList(), parts.keySet().stream().sorted().toList());
        parts.values().forEach(v -> assertTrue(((String) v).startsWith("v1:"), String.valueOf(v)));
        assertTrue(raw.getList("addenda", Document.class).get(0).getString("text").startsWith("v1:"));
        assertEquals("signed", raw.getString("status"));

        // a part moved to the other attendee does not open there (its place is in the seal)
        try (MongoClient client = MongoClients.create(node.storeUri())) {
            client.getDatabase(node.databaseName()).getCollection("care_notes").updateOne(Filters.eq("_id", c.id()),
                    new Document("$set", new Document("attendees." + b, parts.getString(a))));
        }
        ApiClient.Reply moved = api.get(noteUrl(c.id()), therapist3);
        assertEquals(500, moved.status(), moved.body());
        assertFalse(moved.body().contains("plaintext-marker"));
    }

    // ------------------------------------------------------------------ logs

    @Test
    @DisplayName("writing, signing, refusing and failing to open notes leaves no note text in any log line")
    void noNoteTextInLogs() {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level previous = root.getLevel();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured = new ch.qos.logback.core.read.ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            String a = fixtures.patient("demo", T1);
            String b = fixtures.patient("demo", T2);
            Appointment c = circle(T3, hoursAgo(7), seated(a), seated(b));
            ok(api.put(noteUrl(c.id()), therapist3, new JsonObject().put("sections", new JsonObject().put("themes", "log-marker-themes"))
                    .put("attendees", new JsonArray().add(new JsonObject().put("patientId", a)
                            .put("sections", new JsonObject().put("participation", "log-marker-part"))))
                    .put("version", 0)), 200);
            assertEquals(400, save(therapist3, c.id(), new JsonObject().put("log-marker-key", "log-marker-refused"), 1).status());
            assertEquals(400, save(therapist3, c.id(), new JsonObject().put("themes", "log-marker-long-" + "x".repeat(10_000)), 1).status());
            assertEquals(403, save(therapist1, c.id(), new JsonObject().put("themes", "log-marker-forbidden"), 1).status());
            ok(sign(therapist3, c.id(), 1), 200);
            assertEquals(409, save(therapist3, c.id(), new JsonObject().put("themes", "log-marker-locked"), 1).status());
            ok(addendum(therapist2, c.id(), "log-marker-addendum"), 201);
            // a part that does not open in its place fails the request (500) without saying what it holds
            try (MongoClient client = MongoClients.create(node.storeUri())) {
                var notes = client.getDatabase(node.databaseName()).getCollection("care_notes");
                Document raw = notes.find(Filters.eq("_id", c.id())).first();
                notes.updateOne(Filters.eq("_id", c.id()), new Document("$set", new Document("attendees." + b,
                        raw.get("attendees", Document.class).getString(a))));
            }
            assertEquals(500, api.get(noteUrl(c.id()), therapist3).status());
        } finally {
            root.detachAppender(captured);
            root.setLevel(previous);
        }
        assertFalse(captured.list.isEmpty(), "the capture works: the failed read is logged");
        for (ch.qos.logback.classic.spi.ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : " " + event.getThrowableProxy().getMessage());
            assertFalse(line.contains("log-marker"), "log line holds note text: " + line);
        }
    }
}
