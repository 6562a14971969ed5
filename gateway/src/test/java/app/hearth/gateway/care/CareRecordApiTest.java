package app.hearth.gateway.care;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.care.record.JournalPrompts;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.protocol.EventBusAddresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The patient's record: intake, consents, intentions, journal, dosing records and the course")
class CareRecordApiTest {

    static final String T1 = "demo-therapist-1";
    static final String T2 = "demo-therapist-2";
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static TestNode node;
    static ApiClient api;
    static CareFixtures fixtures;
    static String admin;
    static String therapist1;
    static String therapist2;
    static final List<JsonObject> careEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        fixtures = new CareFixtures(node, api);
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        therapist1 = api.accessToken("therapist@demo.hearth", "hearth-demo");
        therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        node.node().vertx().eventBus().<JsonObject>consumer(EventBusAddresses.CARE_EVENTS, m -> careEvents.add(m.body()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String care(String patientId, String part) {
        return "/api/care/patients/" + patientId + "/" + part;
    }

    static JsonObject ok(ApiClient.Reply reply, int status) {
        assertEquals(status, reply.status(), reply.body());
        return reply.json();
    }

    /** The first weekday 10:00 in New York at least {@code hoursAhead} from now: bookable with the demo hours. */
    static Instant weekdayMorning(long hoursAhead) {
        Instant earliest = Instant.now().plus(Duration.ofHours(hoursAhead));
        LocalDate day = LocalDate.ofInstant(earliest, NEW_YORK);
        while (true) {
            Instant candidate = day.atTime(LocalTime.of(10, 0)).atZone(NEW_YORK).toInstant();
            if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY && !candidate.isBefore(earliest)) {
                return candidate;
            }
            day = day.plusDays(1);
        }
    }

    // ------------------------------------------------------------------ intake

    @Test
    @DisplayName("intake: the patient answers and edits it, the therapist reads it; it locks when the first preparation starts")
    void intakeRoundTripAndLock() {
        String p = fixtures.patient("demo", T2);
        String patient = fixtures.signIn(p);

        JsonObject empty = ok(api.get(care(p, "intake"), patient), 200);
        assertEquals("missing", empty.getString("status"));
        assertTrue(empty.getBoolean("editable"));
        assertNull(empty.getValue("editableUntil"));

        JsonObject saved = ok(api.put(care(p, "intake"), patient, new JsonObject().put("answers", new JsonObject()
                .put("goals", "Feel less stuck in the mornings").put("medications", "sertraline 50 mg"))), 200);
        assertEquals("submitted", saved.getString("status"));
        assertEquals("Feel less stuck in the mornings", saved.getJsonObject("answers").getString("goals"));
        assertNotNull(saved.getString("updatedAt"));

        JsonObject read = ok(api.get(care(p, "intake"), therapist2), 200);
        assertEquals(saved.getJsonObject("answers"), read.getJsonObject("answers"));

        // a preparation booked ahead: editable until it starts
        Instant future = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MINUTES);
        fixtures.appointment(AppointmentType.PREPARATION, T2, p, future, Duration.ofMinutes(50), null);
        JsonObject ahead = ok(api.put(care(p, "intake"), patient, new JsonObject().put("answers", new JsonObject()
                .put("goals", "Feel less stuck").put("concerns", "Nausea"))), 200);
        assertTrue(ahead.getBoolean("editable"));
        assertEquals(future.toString(), ahead.getString("editableUntil"));
        assertFalse(ahead.getJsonObject("answers").containsKey("medications"), "a PUT replaces the answers");

        // an earlier preparation has started: locked
        Instant started = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
        fixtures.appointment(AppointmentType.PREPARATION, T2, p, started, Duration.ofMinutes(50), null);
        JsonObject locked = ok(api.get(care(p, "intake"), patient), 200);
        assertFalse(locked.getBoolean("editable"));
        assertEquals(started.toString(), locked.getString("editableUntil"));
        assertProblem(api.put(care(p, "intake"), patient, new JsonObject().put("answers", new JsonObject().put("goals", "changed"))),
                409, "intake-locked");
        assertEquals("Feel less stuck", ok(api.get(care(p, "intake"), patient), 200).getJsonObject("answers").getString("goals"));
        // the therapist never writes it
        assertProblem(api.put(care(p, "intake"), therapist2, new JsonObject().put("answers", new JsonObject())), 403,
                "clinical-content-not-allowed");
    }

    // ------------------------------------------------------------------ consents

    @Test
    @DisplayName("consents: versions 1 seeded; accepting twice keeps one record; publishing v2 makes it due again; v1 is then outdated")
    void consentVersions() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);

        JsonArray texts = ok(api.get("/api/care/consents", patient), 200).getJsonArray("items");
        assertEquals(List.of("telehealth:1", "treatment:1"), texts.stream().map(o -> ((JsonObject) o).getString("kind") + ":"
                + ((JsonObject) o).getInteger("version")).sorted().toList());
        JsonObject before = ok(api.get(care(p, "consents"), patient), 200);
        assertEquals(0, before.getJsonArray("items").size());
        assertEquals(2, before.getJsonArray("due").size());

        int treatment = currentVersion("treatment");
        JsonObject first = ok(api.postJson(care(p, "consents"), patient, new JsonObject().put("kind", "treatment").put("version", treatment)), 201);
        JsonObject again = ok(api.postJson(care(p, "consents"), patient, new JsonObject().put("kind", "treatment").put("version", treatment)), 200);
        assertEquals(first, again, "the second acceptance answers the first");
        JsonObject after = ok(api.get(care(p, "consents"), patient), 200);
        assertEquals(1, after.getJsonArray("items").size());
        assertTrue(after.getJsonArray("items").getJsonObject(0).getBoolean("current"));
        assertEquals(List.of("telehealth"), kinds(after.getJsonArray("due")));

        // only admins publish; the new version is due again and the old acceptance is no longer current
        assertProblem(api.postJson("/api/care/consents", therapist1, new JsonObject().put("kind", "treatment").put("title", "x")
                .put("text", "y")), 403, "forbidden");
        JsonObject v2 = ok(api.postJson("/api/care/consents", admin, new JsonObject().put("kind", "treatment")
                .put("title", "Consent to treatment (revised)").put("text", "Revised wording.")), 201);
        assertEquals(treatment + 1, v2.getInteger("version"));
        JsonObject revised = ok(api.get(care(p, "consents"), patient), 200);
        assertFalse(revised.getJsonArray("items").getJsonObject(0).getBoolean("current"));
        assertEquals(List.of("telehealth", "treatment"), kinds(revised.getJsonArray("due")));
        assertEquals(treatment + 1, revised.getJsonArray("due").stream().map(o -> (JsonObject) o)
                .filter(d -> d.getString("kind").equals("treatment")).findFirst().orElseThrow().getInteger("version"));

        assertProblem(api.postJson(care(p, "consents"), patient, new JsonObject().put("kind", "treatment").put("version", treatment)),
                409, "consent-version-outdated", "version");
        ok(api.postJson(care(p, "consents"), patient, new JsonObject().put("kind", "treatment").put("version", treatment + 1)), 201);
        assertEquals(2, ok(api.get(care(p, "consents"), patient), 200).getJsonArray("items").size(), "both acceptances are kept");
        // the therapist may not accept for the patient
        assertProblem(api.postJson(care(p, "consents"), therapist1, new JsonObject().put("kind", "telehealth").put("version", 1)),
                403, "clinical-content-not-allowed");
    }

    static int currentVersion(String kind) {
        return ok(api.get("/api/care/consents", admin), 200).getJsonArray("items").stream().map(o -> (JsonObject) o)
                .filter(t -> t.getString("kind").equals(kind)).findFirst().orElseThrow().getInteger("version");
    }

    static List<String> kinds(JsonArray due) {
        return due.stream().map(o -> ((JsonObject) o).getString("kind")).sorted().toList();
    }

    // ------------------------------------------------------------------ intentions

    @Test
    @DisplayName("intentions: patient drafts, therapist refines, a stale version is refused; every change is announced")
    void intentions() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);

        JsonObject none = ok(api.get(care(p, "intentions"), patient), 200);
        assertEquals(0, none.getInteger("version"));
        assertEquals(0, none.getJsonArray("items").size());
        assertNull(none.getValue("updatedBy"));

        JsonObject drafted = ok(api.put(care(p, "intentions"), patient, intentions(0, "Be kinder to myself")), 200);
        assertEquals(1, drafted.getInteger("version"));
        assertEquals(new JsonObject().put("id", p).put("role", "patient"), drafted.getJsonObject("updatedBy"));

        JsonObject refined = ok(api.put(care(p, "intentions"), therapist1, intentions(1, "Be kinder to myself", "Notice the breath")), 200);
        assertEquals(2, refined.getInteger("version"));
        assertEquals("therapist", refined.getJsonObject("updatedBy").getString("role"));

        // the patient saves over what they read at version 1: refused, the therapist's stays
        assertProblem(api.put(care(p, "intentions"), patient, intentions(1, "Only mine")), 409, "intentions-changed", "version");
        assertProblem(api.put(care(p, "intentions"), patient, intentions(0, "Only mine")), 409, "intentions-changed", "version");
        JsonObject now = ok(api.get(care(p, "intentions"), patient), 200);
        assertEquals(2, now.getInteger("version"));
        assertEquals("Notice the breath", now.getJsonArray("items").getJsonObject(1).getString("text"));

        // each change told the patient and their therapist, with identifiers only
        Eventually.within(Duration.ofSeconds(5), "two record-changed events", () -> assertEquals(2, careEvents.stream()
                .filter(e -> p.equals(e.getString("patientId")) && "intentions".equals(e.getString("record"))).count()));
        JsonObject event = careEvents.stream().filter(e -> p.equals(e.getString("patientId"))).findFirst().orElseThrow();
        assertEquals(new JsonObject().put("kind", "record-changed").put("clinicId", "demo").put("patientId", p)
                .put("recipients", new JsonArray().add(p).add(T1)).put("record", "intentions"), event);
    }

    static JsonObject intentions(long version, String... texts) {
        JsonArray items = new JsonArray();
        for (String t : texts) {
            items.add(new JsonObject().put("text", t));
        }
        return new JsonObject().put("items", items).put("version", version);
    }

    // ------------------------------------------------------------------ journal

    @Test
    @DisplayName("journal: private by default; the therapist sees an entry once shared, and 404 again after unsharing")
    void journalSharing() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);

        JsonObject privateEntry = ok(api.postJson(care(p, "journal"), patient, new JsonObject().put("text", "A private note")), 201);
        assertFalse(privateEntry.getBoolean("shared"));
        assertNull(privateEntry.getValue("sharedAt"));
        JsonObject sharedEntry = ok(api.postJson(care(p, "journal"), patient, new JsonObject().put("text", "Something to talk about")
                .put("prompt", JournalPrompts.WHAT_CAME_UP).put("shared", true)), 201);
        assertNotNull(sharedEntry.getString("sharedAt"));

        JsonArray own = ok(api.get(care(p, "journal"), patient), 200).getJsonArray("items");
        assertEquals(List.of(sharedEntry.getString("id"), privateEntry.getString("id")), ids(own), "newest first");
        assertEquals(List.of(sharedEntry.getString("id")), ids(ok(api.get(care(p, "journal"), therapist1), 200).getJsonArray("items")));
        String privateUrl = care(p, "journal/" + privateEntry.getString("id"));
        assertProblem(api.get(privateUrl, therapist1), 404, "journal-entry-not-found");

        JsonObject nowShared = ok(api.patch(privateUrl, patient, new JsonObject().put("shared", true)), 200);
        assertTrue(nowShared.getBoolean("shared"));
        assertEquals("A private note", ok(api.get(privateUrl, therapist1), 200).getString("text"));
        assertEquals(2, ok(api.get(care(p, "journal"), therapist1), 200).getJsonArray("items").size());

        ok(api.patch(privateUrl, patient, new JsonObject().put("shared", false)), 200);
        assertProblem(api.get(privateUrl, therapist1), 404, "journal-entry-not-found");
        assertEquals(List.of(sharedEntry.getString("id")), ids(ok(api.get(care(p, "journal"), therapist1), 200).getJsonArray("items")));

        // only the patient writes or shares
        assertProblem(api.patch(privateUrl, therapist1, new JsonObject().put("shared", true)), 403, "clinical-content-not-allowed");
        assertProblem(api.postJson(care(p, "journal"), therapist1, new JsonObject().put("text", "x")), 403, "clinical-content-not-allowed");
        assertProblem(api.patch(care(p, "journal/no-such-entry"), patient, new JsonObject().put("shared", true)), 404,
                "journal-entry-not-found");
    }

    static List<String> ids(JsonArray items) {
        return items.stream().map(o -> ((JsonObject) o).getString("id")).toList();
    }

    // ------------------------------------------------------------------ dosing record

    @Test
    @DisplayName("dosing record: only a started dosing, by staff of the patient; staff see it on the appointment, the patient does not")
    void dosingRecordRules() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Appointment future = fixtures.appointment(AppointmentType.DOSING, T1, p, now.plus(Duration.ofDays(2)), Duration.ofHours(2), null);
        Appointment prep = fixtures.appointment(AppointmentType.PREPARATION, T1, p, now.minus(Duration.ofDays(2)), Duration.ofHours(1), null);
        Appointment dosing = fixtures.appointment(AppointmentType.DOSING, T1, p, now.minus(Duration.ofHours(3)), Duration.ofHours(2), null);
        JsonObject attended = attended(now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(1)));

        assertProblem(api.put(dosingUrl(future.id()), therapist1, attended), 409, "dosing-not-yet");
        assertProblem(api.put(dosingUrl(prep.id()), therapist1, attended), 409, "not-a-dosing");
        assertProblem(api.put(dosingUrl(dosing.id()), therapist1, attended(now.minus(Duration.ofHours(1)), now.minus(Duration.ofHours(2)))),
                400, "invalid-request", "endedAt");
        assertProblem(api.put(dosingUrl(dosing.id()), therapist1, attended(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)))),
                400, "invalid-request", "endedAt");
        assertProblem(api.put(dosingUrl(dosing.id()), therapist1, new JsonObject().put("attended", true).put("route", "iv")
                .put("startedAt", now.minus(Duration.ofHours(2)).toString()).put("endedAt", now.toString())), 400, "invalid-request",
                "supervisedBy");
        assertProblem(api.put(dosingUrl(dosing.id()), therapist1, attended.copy().put("route", "iv-drip")), 400, "invalid-request");
        assertProblem(api.put(dosingUrl(dosing.id()), patient, attended), 403, "forbidden");
        assertProblem(api.put(dosingUrl(dosing.id()), therapist2, attended), 404, "appointment-not-found");
        assertProblem(api.put(dosingUrl("no-such-appointment"), admin, attended), 404, "appointment-not-found");
        assertFalse(ok(api.get("/api/appointments/" + dosing.id(), admin), 200).containsKey("dosingRecord"), "nothing stored");

        JsonObject record = ok(api.put(dosingUrl(dosing.id()), therapist1, attended), 200);
        assertTrue(record.getBoolean("attended"));
        assertEquals("nasal-spray", record.getString("route"));
        assertEquals("demo-therapist-1", record.getString("recordedBy"));
        assertEquals(record, ok(api.get("/api/appointments/" + dosing.id(), admin), 200).getJsonObject("dosingRecord"));
        assertEquals(record, ok(api.get("/api/appointments/" + dosing.id(), therapist1), 200).getJsonObject("dosingRecord"));
        assertFalse(ok(api.get("/api/appointments/" + dosing.id(), patient), 200).containsKey("dosingRecord"));
        String range = "?from=" + now.minus(Duration.ofDays(1)) + "&to=" + now.plus(Duration.ofDays(1)) + "&patientId=" + p;
        assertEquals(record, ok(api.get("/api/appointments" + range, admin), 200).getJsonArray("items").stream()
                .map(o -> (JsonObject) o).filter(a -> a.getString("id").equals(dosing.id())).findFirst().orElseThrow()
                .getJsonObject("dosingRecord"));

        // an admin corrects it: the last word stands
        JsonObject corrected = ok(api.put(dosingUrl(dosing.id()), admin, new JsonObject().put("attended", false)
                .put("reason", "Blood pressure too high on arrival")), 200);
        assertFalse(corrected.getBoolean("attended"));
        assertNull(corrected.getValue("route"));
        assertFalse(ok(api.get("/api/appointments/" + dosing.id(), admin), 200).getJsonObject("dosingRecord").getBoolean("attended"));
    }

    @Test
    @DisplayName("integration window counts from the attended dosing's recorded end; after a dosing not attended → 409 dosing-not-attended")
    void integrationWindowFromRecordedEnd() {
        String p = fixtures.patient("demo", T1);
        // the clinic's window: 7 to 14 days after the dosing
        JsonObject policy = ok(api.get("/api/booking-policy", admin), 200);
        ok(api.put("/api/booking-policy", admin, policy.copy().put("integrationWindowMinDays", 7).put("integrationWindowMaxDays", 14)), 200);
        try {
            // an integration slot S, and a dosing whose scheduled end is 1 h too late for S, but which
            // really ended 2 h before its scheduled end
            Instant s = weekdayMorning(48);
            Instant scheduledEnd = s.minus(Duration.ofDays(7)).plus(Duration.ofHours(1));
            Appointment dosing = fixtures.appointment(AppointmentType.DOSING, T1, p, scheduledEnd.minus(Duration.ofHours(2)),
                    Duration.ofHours(2), null);
            JsonObject integration = new JsonObject().put("type", "integration").put("therapistIds", new JsonArray().add(T1))
                    .put("patientId", p).put("start", s.toString()).put("dosingAppointmentId", dosing.id());

            assertProblem(api.postJson("/api/appointments", admin, integration), 409, "integration-outside-window", "start");
            ok(api.put(dosingUrl(dosing.id()), therapist1, attended(scheduledEnd.minus(Duration.ofHours(2)),
                    scheduledEnd.minus(Duration.ofHours(2)).plus(Duration.ofMinutes(30)))), 200);
            JsonObject booked = ok(api.postJson("/api/appointments", admin, integration), 201);
            assertEquals(dosing.id(), booked.getString("dosingAppointmentId"));

            // another dosing, not attended: no integration follows it
            Appointment missed = fixtures.appointment(AppointmentType.DOSING, T1, p, scheduledEnd.minus(Duration.ofHours(5)),
                    Duration.ofHours(2), null);
            ok(api.put(dosingUrl(missed.id()), admin, new JsonObject().put("attended", false)), 200);
            assertProblem(api.postJson("/api/appointments", admin, integration.copy().put("dosingAppointmentId", missed.id())
                    .put("start", s.plus(Duration.ofHours(2)).toString())), 409, "dosing-not-attended", "dosingAppointmentId");
        } finally {
            ok(api.put("/api/booking-policy", admin, policy), 200);
        }
    }

    static String dosingUrl(String appointmentId) {
        return "/api/appointments/" + appointmentId + "/dosing-record";
    }

    static JsonObject attended(Instant startedAt, Instant endedAt) {
        return new JsonObject().put("attended", true).put("route", "nasal-spray").put("startedAt", startedAt.toString())
                .put("endedAt", endedAt.toString()).put("supervisedBy", "Dr. Lee, RN Ortiz");
    }

    // ------------------------------------------------------------------ course

    @Test
    @DisplayName("course: sessions incl. circles, dosing record for staff, intake, consents due, journal counts, the patient's prompt")
    void course() {
        String p = fixtures.patient("demo", T1);
        String patient = fixtures.signIn(p);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Appointment dosing = fixtures.appointment(AppointmentType.DOSING, T1, p, now.minus(Duration.ofDays(3)), Duration.ofHours(2), null);
        Appointment circle = fixtures.appointment(AppointmentType.CIRCLE, T2, p, now.plus(Duration.ofDays(5)), Duration.ofMinutes(90), null);
        ok(api.put(dosingUrl(dosing.id()), therapist1, attended(dosing.start(), dosing.end())), 200);
        // open course pages of the patient and their therapist hear of it (identifiers only)
        Eventually.within(Duration.ofSeconds(5), "a dosing record-changed event", () -> assertEquals(new JsonObject()
                .put("kind", "record-changed").put("clinicId", "demo").put("patientId", p)
                .put("recipients", new JsonArray().add(T1).add(p)).put("record", "dosing"), careEvents.stream()
                .filter(e -> p.equals(e.getString("patientId")) && "dosing".equals(e.getString("record"))).findFirst().orElse(null)));

        JsonObject own = ok(api.get(care(p, "course"), patient), 200);
        assertEquals("Dr. Maya Okafor", own.getJsonObject("patient").getString("therapistName"));
        assertEquals(List.of(dosing.id(), circle.id()), own.getJsonArray("timeline").stream()
                .map(o -> ((JsonObject) o).getString("appointmentId")).toList());
        assertNull(own.getJsonArray("timeline").getJsonObject(0).getValue("dosingRecord"), "the dosing record is the clinic's");
        assertEquals("missing", own.getJsonObject("intake").getString("status"));
        assertEquals(2, own.getJsonArray("consentsDue").size());
        assertEquals(new JsonObject().put("entries", 0).put("shared", 0), own.getJsonObject("journal"));
        assertEquals(new JsonObject().put("text", JournalPrompts.WHAT_CAME_UP).put("afterAppointmentId", dosing.id()),
                own.getJsonObject("journalPrompt"));

        ok(api.postJson(care(p, "journal"), patient, new JsonObject().put("text", "It was like a long exhale")), 201);
        JsonObject after = ok(api.get(care(p, "course"), patient), 200);
        assertNull(after.getValue("journalPrompt"), "written since the dosing");
        assertEquals(1, after.getJsonObject("journal").getInteger("entries"));

        JsonObject staff = ok(api.get(care(p, "course"), therapist1), 200);
        assertTrue(staff.getJsonArray("timeline").getJsonObject(0).getJsonObject("dosingRecord").getBoolean("attended"));
        assertNull(staff.getValue("journalPrompt"));
        JsonObject adminView = ok(api.get(care(p, "course"), admin), 200);
        assertEquals(new JsonObject().put("entries", 1).put("shared", 0), adminView.getJsonObject("journal"));
        assertFalse(adminView.encode().contains("long exhale"));
    }

    // ------------------------------------------------------------------ bad input

    @Test
    @DisplayName("bad input (over-long text, malformed JSON, wrong types, unknown fields) → 400 problem+json, nothing stored")
    void badInput() {
        String p = fixtures.patient("demo", T2);
        String patient = fixtures.signIn(p);
        String tooLong = "x".repeat(4001);

        assertBadRequest(api.put(care(p, "intake"), patient, new JsonObject().put("answers", new JsonObject().put("goals", tooLong))));
        assertBadRequest(api.put(care(p, "intake"), patient, new JsonObject().put("answers", new JsonObject().put("goals", 42))));
        assertBadRequest(api.put(care(p, "intake"), patient, new JsonObject().put("answers", new JsonObject().put("secrets", "x"))));
        assertProblem(api.putRaw(care(p, "intake"), patient, "application/json", "{\"answers\": {\"goals\": "), 400, "malformed-json");
        assertEquals("missing", ok(api.get(care(p, "intake"), patient), 200).getString("status"));

        assertBadRequest(api.postJson(care(p, "journal"), patient, new JsonObject().put("text", "y".repeat(10_001))));
        assertBadRequest(api.postJson(care(p, "journal"), patient, new JsonObject().put("text", "ok").put("shared", "yes")));
        assertBadRequest(api.postJson(care(p, "journal"), patient, new JsonObject().put("text", "")));
        assertProblem(api.post(care(p, "journal"), patient, "application/json", "{\"text\": \"unterminated}"), 400, "malformed-json");
        assertBadRequest(api.postJson(care(p, "journal"), patient, new JsonObject().put("text", "ok").put("appointmentId", "someone-elses")));
        assertEquals(0, ok(api.get(care(p, "journal"), patient), 200).getJsonArray("items").size());

        assertBadRequest(api.put(care(p, "intentions"), patient, intentions(0, "z".repeat(501))));
        assertBadRequest(api.put(care(p, "intentions"), patient, intentions(0, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")));
        assertBadRequest(api.put(care(p, "intentions"), patient, new JsonObject().put("items", "not a list").put("version", 0)));
        assertBadRequest(api.put(care(p, "intentions"), patient, new JsonObject().put("items", new JsonArray()).put("version", "zero")));
        assertEquals(0, ok(api.get(care(p, "intentions"), patient), 200).getInteger("version"));

        assertBadRequest(api.postJson(care(p, "consents"), patient, new JsonObject().put("kind", "treatment").put("version", "one")));
        assertBadRequest(api.postJson(care(p, "consents"), patient, new JsonObject().put("kind", "marketing").put("version", 1)));
        assertBadRequest(api.postJson("/api/care/consents", admin, new JsonObject().put("kind", "telehealth").put("title", "t")
                .put("text", "w".repeat(20_001))));
        assertEquals(0, ok(api.get(care(p, "consents"), patient), 200).getJsonArray("items").size());
        assertEquals(1, currentVersion("telehealth"), "no version published");
    }

    /** A 400 problem with one of the stable types for bad input, naming the field. */
    static void assertBadRequest(ApiClient.Reply reply) {
        assertEquals(400, reply.status(), reply.body());
        String type = reply.problemType();
        assertTrue(type.equals("invalid-request") || type.equals("text-too-long"), reply.body());
        assertProblem(reply, 400, type);
    }
}
