package app.hearth.gateway.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A KAP course booked through the API: dosing in the clinic, preparation before, integration after,
 * circles with a waitlist — and every rule the server enforces. Demo therapists work Mon–Fri
 * 09:00–17:00 in their own zones (Dr. Okafor: New York, Dr. Rivera: Berlin).
 */
@DisplayName("Booking around the in-clinic dose")
class BookingApiTest extends DemoNodeTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /**
     * A day of the Monday-to-Sunday week that starts at least {@code weeksAhead} weeks from now, at a
     * New York wall-clock time. Anchoring on the week's Monday keeps Monday before Tuesday whatever
     * day the suite runs on.
     */
    static Instant at(int weeksAhead, DayOfWeek day, String time) {
        LocalDate date = LocalDate.now(NEW_YORK).plusWeeks(weeksAhead).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .with(TemporalAdjusters.nextOrSame(day));
        return date.atTime(LocalTime.parse(time)).atZone(NEW_YORK).toInstant();
    }

    static JsonObject appointment(String type, String therapistId, String patientId, Instant start) {
        JsonObject body = new JsonObject().put("type", type).put("therapistIds", new JsonArray().add(therapistId)).put("start", start.toString());
        if (patientId != null) {
            body.put("patientId", patientId);
        }
        return body;
    }

    static ApiClient.Reply book(JsonObject body) {
        return api.postJson("/api/appointments", admin, body);
    }

    static void assertProblem(ApiClient.Reply reply, int status, String type) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals(type, reply.problemType(), reply.body());
    }

    @Test
    @DisplayName("dosing is in-clinic only; preparation ends before it; integration follows it within 14 days")
    void kapCourse() {
        Instant dosingStart = at(1, DayOfWeek.MONDAY, "09:30");
        assertProblem(book(appointment("dosing", "demo-therapist-1", "demo-patient-1", dosingStart).put("mode", "remote")
                .put("location", "Room 2")), 400, "dosing-in-clinic-only");
        assertProblem(book(appointment("dosing", "demo-therapist-1", "demo-patient-1", dosingStart)), 400, "invalid-request");
        ApiClient.Reply dosing = book(appointment("dosing", "demo-therapist-1", "demo-patient-1", dosingStart).put("location", "Room 2"));
        assertEquals(201, dosing.status(), dosing.body());
        assertEquals("in-clinic", dosing.json().getString("mode"));
        assertNull(dosing.json().getString("roomId"), "dosing never gets a video room");
        String dosingId = dosing.json().getString("id");

        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-1", at(1, DayOfWeek.TUESDAY, "10:00"))
                .put("dosingAppointmentId", dosingId)), 409, "preparation-after-dosing");
        ApiClient.Reply preparation = book(appointment("preparation", "demo-therapist-1", "demo-patient-1",
                dosingStart.minus(java.time.Duration.ofDays(3))).put("dosingAppointmentId", dosingId));
        assertEquals(201, preparation.status(), preparation.body());
        assertEquals("remote", preparation.json().getString("mode"));
        assertFalse(preparation.json().getString("roomId").isBlank(), "remote appointments have a room");

        assertProblem(book(appointment("integration", "demo-therapist-1", "demo-patient-1", at(1, DayOfWeek.TUESDAY, "10:00"))),
                400, "dosing-not-found");
        assertProblem(book(appointment("integration", "demo-therapist-1", "demo-patient-1", at(4, DayOfWeek.TUESDAY, "10:00"))
                .put("dosingAppointmentId", dosingId)), 409, "integration-outside-window");
        assertProblem(book(appointment("integration", "demo-therapist-1", "demo-patient-2", at(1, DayOfWeek.TUESDAY, "10:00"))
                .put("dosingAppointmentId", dosingId)), 400, "dosing-not-found");
        ApiClient.Reply integration = book(appointment("integration", "demo-therapist-1", "demo-patient-1", at(1, DayOfWeek.TUESDAY, "10:00"))
                .put("dosingAppointmentId", dosingId));
        assertEquals(201, integration.status(), integration.body());

        // the patient sees their three appointments
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        JsonArray mine = api.get("/api/appointments?from=" + dosingStart.minus(java.time.Duration.ofDays(5)) + "&to="
                + dosingStart.plus(java.time.Duration.ofDays(5)), patient).json().getJsonArray("items");
        assertEquals(3, mine.size(), mine.encode());
    }

    @Test
    @DisplayName("outside hours, inside the minimum notice, a patient of another clinic or a misaligned time → clear errors")
    void refusals() {
        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-2", at(1, DayOfWeek.SATURDAY, "10:00"))),
                409, "outside-availability");
        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-2", at(1, DayOfWeek.WEDNESDAY, "16:30"))),
                409, "outside-availability");
        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-2",
                Instant.now().plus(java.time.Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS))), 409, "inside-minimum-notice");
        assertProblem(book(appointment("preparation", "demo-therapist-1", "no-such-patient", at(1, DayOfWeek.WEDNESDAY, "10:00"))),
                400, "unknown-patient");
        assertProblem(book(appointment("preparation", "demo-patient-1", "demo-patient-2", at(1, DayOfWeek.WEDNESDAY, "10:00"))),
                400, "unknown-therapist");
        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-2", at(1, DayOfWeek.WEDNESDAY, "10:02"))),
                400, "misaligned-time");
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        assertEquals(403, api.postJson("/api/appointments", therapist,
                appointment("preparation", "demo-therapist-1", "demo-patient-2", at(1, DayOfWeek.WEDNESDAY, "10:00"))).status());
    }

    @Test
    @DisplayName("50 concurrent conflicting bookings: exactly one wins, the rest get 409 with the reason")
    void doubleBookingStorm() throws Exception {
        Instant start = at(2, DayOfWeek.THURSDAY, "11:00");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<ApiClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                // alternate patients: the therapist's time is what every request fights over
                String patientId = i % 2 == 0 ? "demo-patient-1" : "demo-patient-2";
                replies.add(pool.submit(() -> book(appointment("preparation", "demo-therapist-1", patientId, start))));
            }
            List<ApiClient.Reply> done = new ArrayList<>();
            for (Future<ApiClient.Reply> reply : replies) {
                done.add(reply.get(60, TimeUnit.SECONDS));
            }
            Map<Integer, Long> statuses = done.stream().collect(Collectors.groupingBy(ApiClient.Reply::status, Collectors.counting()));
            assertEquals(Map.of(201, 1L, 409, 49L), statuses);
            assertTrue(done.stream().filter(r -> r.status() == 409)
                    .allMatch(r -> List.of("therapist-busy", "patient-busy").contains(r.problemType())), "every loser is told why");
        } finally {
            pool.shutdownNow();
        }
        JsonArray booked = api.get("/api/appointments?therapistId=demo-therapist-1&from=" + start.minusSeconds(3600) + "&to="
                + start.plusSeconds(3600), admin).json().getJsonArray("items");
        assertEquals(1, booked.stream().filter(o -> "booked".equals(((JsonObject) o).getString("status"))).count());
    }

    @Test
    @DisplayName("buffers keep the therapist's time free; the patient cannot be in two places; slots leave out booked time")
    void busyAndSlots() {
        Instant ten = at(2, DayOfWeek.TUESDAY, "10:00");
        assertEquals(201, book(appointment("preparation", "demo-therapist-1", "demo-patient-1", ten)).status());
        // 11:00 starts inside the first appointment's 15-minute after-buffer
        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-2", ten.plusSeconds(3600))), 409, "therapist-busy");
        assertEquals(201, book(appointment("preparation", "demo-therapist-1", "demo-patient-2", ten.plusSeconds(3600 + 900))).status());
        // the same patient with another therapist at the same moment (16:00 in Berlin is inside Dr. Rivera's hours)
        assertProblem(book(appointment("preparation", "demo-therapist-2", "demo-patient-1", ten)), 409, "patient-busy");

        JsonArray slots = api.get("/api/therapists/demo-therapist-1/slots?type=preparation&from=" + ten.minusSeconds(3600)
                + "&to=" + ten.plusSeconds(4 * 3600), admin).json().getJsonArray("items");
        assertFalse(slots.contains(ten.toString()), "booked");
        assertFalse(slots.contains(ten.plusSeconds(3600).toString()), "inside the buffer");
        assertFalse(slots.contains(ten.minusSeconds(3600).toString()), "09:00–10:00 would need 10:00–10:15 free as its after-buffer");
        assertTrue(slots.contains(ten.plusSeconds(9000).toString()), "12:30 follows 11:15–12:15 and its buffer: " + slots.encode());
    }

    @Test
    @DisplayName("patients cancel before the cutoff; later only admins, with a reason; the time becomes bookable again")
    void cancellation() {
        Instant start = at(2, DayOfWeek.FRIDAY, "13:00");
        String id = book(appointment("preparation", "demo-therapist-1", "demo-patient-2", start)).json().getString("id");
        String patient = api.accessToken("patient2@demo.hearth", "hearth-demo");
        ApiClient.Reply cancelled = api.postJson("/api/appointments/" + id + "/cancel", patient, new JsonObject());
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().getString("status"));
        assertProblem(api.postJson("/api/appointments/" + id + "/cancel", admin, new JsonObject().put("reason", "again")), 409, "already-cancelled");
        String again = book(appointment("preparation", "demo-therapist-1", "demo-patient-2", start)).json().getString("id");
        assertTrue(again != null, "the freed time was bookable again");

        // make the cutoff longer than the time left: the patient is refused, the admin needs a reason
        JsonObject policy = api.get("/api/booking-policy", admin).json();
        assertEquals(200, api.put("/api/booking-policy", admin, policy.copy()
                .put("patientCancellationCutoffHours", java.time.Duration.between(Instant.now(), start).toHours() + 48)).status());
        try {
            assertProblem(api.postJson("/api/appointments/" + again + "/cancel", patient, new JsonObject()), 409, "cancellation-too-late");
            assertProblem(api.postJson("/api/appointments/" + again + "/cancel", admin, new JsonObject()), 400, "reason-required");
            ApiClient.Reply late = api.postJson("/api/appointments/" + again + "/cancel", admin, new JsonObject().put("reason", "therapist ill"));
            assertEquals(200, late.status(), late.body());
            JsonArray history = late.json().getJsonArray("history");
            JsonObject last = history.getJsonObject(history.size() - 1);
            assertEquals("appointment.cancelled-late", last.getString("action"));
            assertEquals("therapist ill", last.getString("detail"));
        } finally {
            api.put("/api/booking-policy", admin, policy);
        }
        assertFalse(api.get("/api/audit?action=appointment.cancel&resourceId=" + again, admin).json().getJsonArray("items").isEmpty());
    }

    @Test
    @DisplayName("rescheduling moves an appointment, even onto overlapping time of its own; a conflict leaves the original intact")
    void reschedule() {
        Instant start = at(3, DayOfWeek.WEDNESDAY, "10:00");
        String id = book(appointment("preparation", "demo-therapist-1", "demo-patient-1", start)).json().getString("id");
        // 30 minutes later overlaps the appointment's own time: it is taken over, not a conflict
        ApiClient.Reply moved = api.postJson("/api/appointments/" + id + "/reschedule", admin,
                new JsonObject().put("start", start.plusSeconds(1800).toString()));
        assertEquals(200, moved.status(), moved.body());
        String movedId = moved.json().getString("id");
        assertEquals("appointment.rescheduled-from", moved.json().getJsonArray("history").getJsonObject(0).getString("action"));
        JsonObject old = api.get("/api/appointments/" + id, admin).json();
        assertEquals("cancelled", old.getString("status"));

        // the old 10:00 slot is free again for someone else; the moved time is not
        assertEquals(201, book(appointment("preparation", "demo-therapist-1", "demo-patient-2", start.minusSeconds(3600))).status());
        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-2", start.plusSeconds(1800))), 409, "therapist-busy");

        // moving onto a conflict fails and changes nothing
        assertProblem(api.postJson("/api/appointments/" + movedId + "/reschedule", admin,
                new JsonObject().put("start", start.minusSeconds(3600).toString())), 409, "therapist-busy");
        assertEquals("booked", api.get("/api/appointments/" + movedId, admin).json().getString("status"));
        assertProblem(book(appointment("preparation", "demo-therapist-1", "demo-patient-3", start.plusSeconds(1800))), 409, "therapist-busy");
    }

    @Test
    @DisplayName("join tickets: single-use links made on demand, only in the room's window, never for dosing or outsiders")
    void joinTickets() {
        // a therapist whose day is around noon right now, bookable without notice, so a room can be open in this test
        String therapistId = api.postJson("/api/people", admin, new JsonObject().put("role", "therapist")
                .put("displayName", "Dr. Now").put("email", "dr.now@example.org")).json().getJsonObject("person").getString("id");
        int offset = Math.max(-12, Math.min(14, 12 - java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour()));
        String zone = offset == 0 ? "Etc/GMT" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset);
        JsonArray everyDay = new JsonArray();
        for (DayOfWeek day : DayOfWeek.values()) {
            everyDay.add(new JsonObject().put("day", day.name()).put("start", "00:00").put("end", "23:55"));
        }
        assertEquals(200, api.put("/api/therapists/" + therapistId + "/availability", admin, new JsonObject().put("timeZone", zone)
                .put("weekly", everyDay).put("minimumNoticeHours", 0).put("horizonDays", 30)).status());
        long mark = 300;
        Instant soon = Instant.ofEpochSecond((Instant.now().getEpochSecond() / mark + 2) * mark);
        ApiClient.Reply booked = book(appointment("preparation", therapistId, "demo-patient-3", soon));
        assertEquals(201, booked.status(), booked.body());
        String id = booked.json().getString("id");

        String patient = api.accessToken("patient3@demo.hearth", "hearth-demo");
        ApiClient.Reply ticket = api.post("/api/appointments/" + id + "/join-ticket", patient, null, "");
        assertEquals(201, ticket.status(), ticket.body());
        assertEquals(booked.json().getString("roomId"), ticket.json().getString("roomId"));
        assertTrue(ticket.json().getString("url").endsWith("/" + ticket.json().getString("ticket")), "the ticket rides in the fragment");
        assertTrue(Instant.parse(ticket.json().getString("expiresAt")).isBefore(Instant.now().plusSeconds(180)), "short-lived");
        assertEquals(201, api.post("/api/appointments/" + id + "/join-ticket", patient, null, "").status(), "a new one on demand");

        String outsider = api.accessToken("patient4@demo.hearth", "hearth-demo");
        assertProblem(api.post("/api/appointments/" + id + "/join-ticket", outsider, null, ""), 404, "appointment-not-found");
        String later = book(appointment("preparation", therapistId, "demo-patient-3", soon.plus(java.time.Duration.ofDays(2))))
                .json().getString("id");
        assertProblem(api.post("/api/appointments/" + later + "/join-ticket", patient, null, ""), 409, "room-not-open");
        String dosing = book(appointment("dosing", therapistId, "demo-patient-4", soon.plus(java.time.Duration.ofHours(3)))
                .put("location", "Room 1")).json().getString("id");
        assertProblem(api.post("/api/appointments/" + dosing + "/join-ticket", outsider, null, ""), 409, "no-video-room");
    }

    @Test
    @DisplayName("a full circle waitlists in order; a freed seat goes to the first waitlisted patient; patients see only their own seat")
    void circleWaitlist() {
        Instant start = at(2, DayOfWeek.MONDAY, "14:00");
        ApiClient.Reply circle = book(new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("start", start.toString()).put("capacity", 2));
        assertEquals(201, circle.status(), circle.body());
        String id = circle.json().getString("id");
        for (String p : List.of("demo-patient-1", "demo-patient-2", "demo-patient-3", "demo-patient-4")) {
            assertEquals(200, api.postJson("/api/appointments/" + id + "/seats", admin, new JsonObject().put("patientId", p)).status());
        }
        assertProblem(api.postJson("/api/appointments/" + id + "/seats", admin, new JsonObject().put("patientId", "demo-patient-3")),
                409, "already-seated");
        JsonObject full = api.get("/api/appointments/" + id, admin).json();
        assertEquals(2, full.getInteger("seatsTaken"));
        assertEquals(2, full.getInteger("waitlistLength"));

        ApiClient.Reply freed = api.postJson("/api/appointments/" + id + "/seats/demo-patient-1/release", admin,
                new JsonObject().put("reason", "moved away"));
        assertEquals(200, freed.status(), freed.body());
        Map<String, String> states = freed.json().getJsonArray("attendees").stream().map(o -> (JsonObject) o)
                .collect(Collectors.toMap(o -> o.getString("patientId"), o -> o.getString("state")));
        assertEquals(Map.of("demo-patient-2", "seated", "demo-patient-3", "seated", "demo-patient-4", "waitlisted"), states);
        assertFalse(api.get("/api/audit?action=circle.promoted-from-waitlist&resourceId=demo-patient-3", admin).json()
                .getJsonArray("items").isEmpty(), "the promotion is recorded");

        String patient4 = api.accessToken("patient4@demo.hearth", "hearth-demo");
        JsonObject seenByPatient = api.get("/api/appointments/" + id, patient4).json();
        assertEquals(1, seenByPatient.getJsonArray("attendees").size(), "only their own place");
        assertEquals("waitlisted", seenByPatient.getJsonArray("attendees").getJsonObject(0).getString("state"));
        String facilitator = api.accessToken("therapist@demo.hearth", "hearth-demo");
        assertEquals(3, api.get("/api/appointments/" + id, facilitator).json().getJsonArray("attendees").size());
        String otherTherapist = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        assertProblem(api.get("/api/appointments/" + id, otherTherapist), 404, "appointment-not-found");
    }

    @Test
    @DisplayName("availability: overlapping hours and unknown zones are refused; a therapist edits their own, not a colleague's")
    void availabilityEditing() {
        JsonObject overlapping = new JsonObject().put("timeZone", "Europe/Berlin").put("weekly", new JsonArray()
                .add(new JsonObject().put("day", "MONDAY").put("start", "09:00").put("end", "12:00"))
                .add(new JsonObject().put("day", "MONDAY").put("start", "11:00").put("end", "13:00")));
        assertProblem(api.put("/api/therapists/demo-therapist-2/availability", admin, overlapping), 400, "invalid-availability");
        assertProblem(api.put("/api/therapists/demo-therapist-2/availability", admin,
                overlapping.copy().put("timeZone", "Mars/Olympus").put("weekly", new JsonArray())), 400, "unknown-time-zone");
        JsonObject inverted = new JsonObject().put("timeZone", "UTC").put("weekly", new JsonArray()
                .add(new JsonObject().put("day", "MONDAY").put("start", "12:00").put("end", "09:00")));
        assertProblem(api.put("/api/therapists/demo-therapist-2/availability", admin, inverted), 400, "invalid-availability");

        String therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        JsonObject own = api.get("/api/therapists/demo-therapist-2/availability", therapist2).json();
        assertEquals("Europe/Berlin", own.getString("timeZone"));
        assertEquals(200, api.put("/api/therapists/demo-therapist-2/availability", therapist2, own).status());
        assertEquals(403, api.put("/api/therapists/demo-therapist-1/availability", therapist2,
                api.get("/api/therapists/demo-therapist-1/availability", admin).json()).status());
    }

    @Test
    @DisplayName("booking rules: everyone signed in reads them, only admins change them; a bad value is refused naming its field and nothing is saved")
    void policyEditing() {
        JsonObject policy = api.get("/api/booking-policy", admin).json();
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        assertEquals(policy, api.get("/api/booking-policy", therapist).json());
        JsonObject longer = policy.copy();
        longer.getJsonObject("types").getJsonObject("preparation").put("durationMinutes", 75);
        assertProblem(api.put("/api/booking-policy", therapist, longer), 403, "forbidden");
        assertProblem(api.put("/api/booking-policy", patient, longer), 403, "forbidden");

        // the contract's limits name the nested field; the domain's own rule (min ≤ max) names its field too
        JsonObject negative = policy.copy();
        negative.getJsonObject("types").getJsonObject("dosing").put("bufferAfterMinutes", -15);
        assertEquals("types.dosing.bufferAfterMinutes", assertProblemField(api.put("/api/booking-policy", admin, negative), "invalid-request"));
        JsonObject zero = policy.copy();
        zero.getJsonObject("types").getJsonObject("preparation").put("durationMinutes", 0);
        assertEquals("types.preparation.durationMinutes", assertProblemField(api.put("/api/booking-policy", admin, zero), "invalid-request"));
        JsonObject inverted = policy.copy().put("integrationWindowMinDays", 10).put("integrationWindowMaxDays", 3);
        assertEquals("integrationWindowMaxDays", assertProblemField(api.put("/api/booking-policy", admin, inverted), "invalid-booking-policy"));
        assertEquals(policy, api.get("/api/booking-policy", admin).json(), "nothing was saved");

        try {
            ApiClient.Reply saved = api.put("/api/booking-policy", admin, longer);
            assertEquals(200, saved.status(), saved.body());
            assertEquals(longer, api.get("/api/booking-policy", therapist).json());
            assertFalse(api.get("/api/audit?action=booking-policy.update", admin).json().getJsonArray("items").isEmpty());
        } finally {
            api.put("/api/booking-policy", admin, policy);
        }
    }

    /** Asserts a 400 of the given type and returns the field it names. */
    static String assertProblemField(ApiClient.Reply reply, String type) {
        assertProblem(reply, 400, type);
        return reply.json().getString("field");
    }
}
