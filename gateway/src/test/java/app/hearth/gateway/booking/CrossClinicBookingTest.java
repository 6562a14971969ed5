package app.hearth.gateway.booking;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.booking.schedule.TimeClaims;
import app.hearth.booking.schedule.TimeRange;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Booking across clinics: the demo clinic (A) and a second clinic (B) with an admin, a therapist
 * and a patient of its own, written straight into the store as {@code ClinicIsolationTest} does (the
 * API has no "create clinic"). Clinic B's admin can neither book clinic A's people nor touch clinic
 * A's appointments, and is told nothing that an id nobody has would not also tell.
 *
 * <p>People named in a request body (patientId, therapistIds) that are not in the caller's clinic
 * are the 400 {@code unknown-patient} / {@code unknown-therapist} that a made-up id gets, as for
 * people elsewhere in the API; appointments named in the path are 404 {@code appointment-not-found}.
 */
@DisplayName("Booking across clinics: nothing of clinic A can be booked, read or changed from clinic B")
class CrossClinicBookingTest {

    static final String CLINIC_B = "clinic-b";
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static TestNode node;
    static ApiClient api;
    static String adminA;
    static String adminB;
    static String patientB;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            assertTrue(new ClinicRepository(store).insertIfAbsent(new Clinic(CLINIC_B, "Other Clinic", "Europe/Berlin")));
            PersonRepository people = new PersonRepository(store);
            Instant now = Instant.now();
            people.insert(new Person("b-admin", CLINIC_B, Role.ADMIN, "Admin B", "admin@b.example", null, null, null,
                    null, PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("b-therapist", CLINIC_B, Role.THERAPIST, "Therapist B", "therapist@b.example", null,
                    "Europe/Berlin", null, null, PersonStatus.ACTIVE, now), "test");
            people.insert(new Person("b-patient", CLINIC_B, Role.PATIENT, "Patient B", "patient@b.example", null, null,
                    "b-therapist", null, PersonStatus.ACTIVE, now), "test");
            CredentialRepository credentials = new CredentialRepository(store);
            PasswordHasher hasher = PasswordHasher.recommended();
            credentials.setPasswordHash("b-admin", hasher.hash("clinic b password"), now);
            credentials.setPasswordHash("b-patient", hasher.hash("clinic b patient"), now);
        }
        adminA = api.accessToken("admin@demo.hearth", "hearth-demo");
        adminB = api.accessToken("admin@b.example", "clinic b password");
        patientB = api.accessToken("patient@b.example", "clinic b patient");
        // clinic B's therapist works weekdays 09:00–17:00 in Berlin, like the demo therapists in their zones
        JsonArray weekdays = new JsonArray();
        for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY)) {
            weekdays.add(new JsonObject().put("day", day.name()).put("start", "09:00").put("end", "17:00"));
        }
        ApiClient.Reply hours = api.put("/api/therapists/b-therapist/availability", adminB,
                new JsonObject().put("timeZone", "Europe/Berlin").put("weekly", weekdays));
        assertEquals(200, hours.status(), hours.body());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * 09:00 in New York on a weekday some weeks ahead: inside the demo therapists' hours and clinic
     * B's therapist's (mid-afternoon in Berlin).
     */
    static Instant at(int weeksAhead, DayOfWeek day) {
        LocalDate date = LocalDate.now(NEW_YORK).plusWeeks(weeksAhead).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .with(TemporalAdjusters.nextOrSame(day));
        return date.atTime(LocalTime.of(9, 0)).atZone(NEW_YORK).toInstant();
    }

    static JsonObject preparation(String therapistId, String patientId, Instant start) {
        return new JsonObject().put("type", "preparation").put("therapistIds", new JsonArray().add(therapistId))
                .put("patientId", patientId).put("start", start.toString());
    }

    /** Appointments and time claims in the store for these people around a start: what a refused booking must not leave. */
    static long writtenFor(Instant start, String... personIds) {
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            TimeRange around = new TimeRange(start.minus(Duration.ofHours(1)), start.plus(Duration.ofHours(2)));
            List<String> claimIds = new ArrayList<>();
            for (String person : personIds) {
                claimIds.addAll(TimeClaims.idsFor(person, around));
            }
            long claims = store.collection(TimeClaims.COLLECTION).countDocuments(Filters.in("_id", claimIds));
            long appointments = store.collection(ScheduleStore.APPOINTMENTS).countDocuments(Filters.and(
                    Filters.gte("start", java.util.Date.from(around.start())), Filters.lt("start", java.util.Date.from(around.end())),
                    Filters.or(Filters.in("therapistIds", List.of(personIds)), Filters.in("patientId", List.of(personIds)),
                            Filters.in("attendees.patientId", List.of(personIds)))));
            return claims + appointments;
        }
    }

    static long auditCount(String token, String action) {
        return api.get("/api/audit?limit=200&action=" + action, token).json().getJsonArray("items").size();
    }

    /** Both replies are the same problem, word for word: nothing tells the foreign id from a made-up one. */
    static void assertSameAsMadeUp(ApiClient.Reply foreign, ApiClient.Reply madeUp, int status, String type, String field) {
        if (field == null) {
            assertProblem(foreign, status, type);
        } else {
            assertProblem(foreign, status, type, field);
        }
        assertEquals(madeUp.status(), foreign.status());
        assertEquals(madeUp.body(), foreign.body());
    }

    @Test
    @DisplayName("clinic B's admin books a clinic A patient → the same 400 unknown-patient as a made-up id; nothing is written")
    void foreignPatient() {
        Instant start = at(2, DayOfWeek.TUESDAY);
        long createdBefore = auditCount(adminB, "appointment.create");

        ApiClient.Reply foreign = api.postJson("/api/appointments", adminB, preparation("b-therapist", "demo-patient-1", start));
        ApiClient.Reply madeUp = api.postJson("/api/appointments", adminB, preparation("b-therapist", "no-such-patient", start));
        assertSameAsMadeUp(foreign, madeUp, 400, "unknown-patient", "patientId");
        // a dosing, with a location, fares no better
        assertProblem(api.postJson("/api/appointments", adminB, new JsonObject().put("type", "dosing")
                .put("therapistIds", new JsonArray().add("b-therapist")).put("patientId", "demo-patient-1")
                .put("start", start.plus(Duration.ofDays(1)).toString()).put("location", "Room 1")), 400, "unknown-patient", "patientId");

        assertEquals(0, writtenFor(start, "b-therapist", "demo-patient-1"), "no appointment and no held time");
        assertEquals(createdBefore, auditCount(adminB, "appointment.create"));
        // and the time really is free on both sides
        assertEquals(201, api.postJson("/api/appointments", adminB, preparation("b-therapist", "b-patient", start)).status());
        assertEquals(201, api.postJson("/api/appointments", adminA, preparation("demo-therapist-1", "demo-patient-1", start)).status());
        assertTrue(writtenFor(start, "b-therapist") > 0 && writtenFor(start, "demo-patient-1") > 0, "the check sees real bookings");
    }

    @Test
    @DisplayName("clinic B's admin books with a clinic A therapist, alone or as a circle's co-facilitator → 400 unknown-therapist; nothing is written")
    void foreignTherapist() {
        Instant start = at(2, DayOfWeek.WEDNESDAY);
        ApiClient.Reply foreign = api.postJson("/api/appointments", adminB, preparation("demo-therapist-1", "b-patient", start));
        ApiClient.Reply madeUp = api.postJson("/api/appointments", adminB, preparation("no-such-therapist", "b-patient", start));
        assertSameAsMadeUp(foreign, madeUp, 400, "unknown-therapist", "therapistId");
        assertProblem(api.postJson("/api/appointments", adminB, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("b-therapist").add("demo-therapist-1")).put("start", start.toString())
                .put("capacity", 4)), 400, "unknown-therapist", "therapistId");

        assertEquals(0, writtenFor(start, "b-therapist", "b-patient", "demo-therapist-1"));
        // an integration cannot hang off a clinic A dosing either
        String dosingA = api.postJson("/api/appointments", adminA, new JsonObject().put("type", "dosing")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", "demo-patient-2")
                .put("start", at(3, DayOfWeek.MONDAY).toString()).put("location", "Room 2")).json().getString("id");
        assertProblem(api.postJson("/api/appointments", adminB, preparation("b-therapist", "b-patient", at(3, DayOfWeek.TUESDAY))
                .put("type", "integration").put("dosingAppointmentId", dosingA)), 400, "dosing-not-found", "dosingAppointmentId");
    }

    @Test
    @DisplayName("clinic B's admin seats a clinic A patient in a clinic B circle → 400 unknown-patient; the circle stays empty")
    void foreignPatientInCircle() {
        Instant start = at(4, DayOfWeek.THURSDAY);
        ApiClient.Reply circle = api.postJson("/api/appointments", adminB, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("b-therapist")).put("start", start.toString()).put("capacity", 3));
        assertEquals(201, circle.status(), circle.body());
        String id = circle.json().getString("id");

        assertProblem(api.postJson("/api/appointments/" + id + "/seats", adminB, new JsonObject().put("patientId", "demo-patient-3")),
                400, "unknown-patient", "patientId");
        JsonObject after = api.get("/api/appointments/" + id, adminB).json();
        assertEquals(0, after.getJsonArray("attendees").size(), after.encode());
        assertEquals(0, after.getInteger("seatsTaken"));
        assertEquals(0, writtenFor(start, "demo-patient-3"));
    }

    @Test
    @DisplayName("clinic B reads, cancels, reschedules, joins or frees a seat of a clinic A appointment → 404, exactly as for a made-up id; A's appointment is untouched")
    void foreignAppointment() {
        Instant start = at(5, DayOfWeek.MONDAY);
        String oneToOne = api.postJson("/api/appointments", adminA, preparation("demo-therapist-1", "demo-patient-1", start))
                .json().getString("id");
        String circle = api.postJson("/api/appointments", adminA, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("demo-therapist-2")).put("start", start.toString()).put("capacity", 2))
                .json().getString("id");
        assertEquals(200, api.postJson("/api/appointments/" + circle + "/seats", adminA,
                new JsonObject().put("patientId", "demo-patient-3")).status());
        JsonObject oneToOneBefore = api.get("/api/appointments/" + oneToOne, adminA).json();
        JsonObject circleBefore = api.get("/api/appointments/" + circle, adminA).json();

        JsonObject reason = new JsonObject().put("reason", "not ours");
        JsonObject moveTo = new JsonObject().put("start", start.plus(Duration.ofDays(1)).toString()).put("reason", "not ours");
        List<java.util.function.Function<String, ApiClient.Reply>> attempts = List.of(
                id -> api.get("/api/appointments/" + id, adminB),
                id -> api.get("/api/appointments/" + id, patientB),
                id -> api.postJson("/api/appointments/" + id + "/cancel", adminB, reason),
                id -> api.postJson("/api/appointments/" + id + "/reschedule", adminB, moveTo),
                id -> api.post("/api/appointments/" + id + "/join-ticket", adminB, null, ""),
                id -> api.post("/api/appointments/" + id + "/join-ticket", patientB, null, ""),
                id -> api.postJson("/api/appointments/" + id + "/seats", adminB, new JsonObject().put("patientId", "b-patient")),
                id -> api.postJson("/api/appointments/" + id + "/seats/demo-patient-3/release", adminB, reason));
        for (String id : List.of(oneToOne, circle)) {
            for (var attempt : attempts) {
                assertSameAsMadeUp(attempt.apply(id), attempt.apply("no-such-appointment"), 404, "appointment-not-found", null);
            }
        }

        // clinic B's lists do not hold them, whatever the filter
        String range = "from=" + start.minus(Duration.ofDays(1)) + "&to=" + start.plus(Duration.ofDays(1));
        for (String query : List.of("", "&therapistId=demo-therapist-1", "&therapistId=demo-therapist-2", "&patientId=demo-patient-1",
                "&patientId=demo-patient-3")) {
            ApiClient.Reply listed = api.get("/api/appointments?" + range + query, adminB);
            assertEquals(200, listed.status(), listed.body());
            assertEquals(0, listed.json().getJsonArray("items").size(), query + ": " + listed.body());
        }
        assertEquals(0, api.get("/api/appointments?" + range, patientB).json().getJsonArray("items").size());

        // and clinic A's appointments are exactly as they were
        assertEquals(oneToOneBefore, api.get("/api/appointments/" + oneToOne, adminA).json());
        assertEquals(circleBefore, api.get("/api/appointments/" + circle, adminA).json());
        assertEquals("booked", oneToOneBefore.getString("status"));
    }

    @Test
    @DisplayName("clinic A's therapists are unknown to clinic B: availability and slots → the same 400 unknown-therapist as a made-up id")
    void foreignTherapistSchedule() {
        Instant from = at(2, DayOfWeek.MONDAY);
        String range = "?type=preparation&from=" + from + "&to=" + from.plus(Duration.ofDays(7));
        assertSameAsMadeUp(api.get("/api/therapists/demo-therapist-1/slots" + range, adminB),
                api.get("/api/therapists/no-such-therapist/slots" + range, adminB), 400, "unknown-therapist", "therapistId");
        assertSameAsMadeUp(api.get("/api/therapists/demo-therapist-1/availability", adminB),
                api.get("/api/therapists/no-such-therapist/availability", adminB), 400, "unknown-therapist", "therapistId");
        JsonObject own = api.get("/api/therapists/demo-therapist-1/availability", adminA).json();
        assertProblem(api.put("/api/therapists/demo-therapist-1/availability", adminB,
                own.copy().put("weekly", new JsonArray()).put("timeZone", "UTC")), 400, "unknown-therapist", "therapistId");
        assertEquals(own, api.get("/api/therapists/demo-therapist-1/availability", adminA).json(), "unchanged");
    }
}
