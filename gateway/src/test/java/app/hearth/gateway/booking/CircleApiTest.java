package app.hearth.gateway.booking;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import app.hearth.platform.store.Store;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Group integration circles: who may facilitate, how many seats, what a patient sees, and a seat
 * freed while a newcomer joins. Demo therapist Dr. Okafor works Mon–Fri 09:00–17:00 in New York;
 * each test uses a week of its own so their circles never meet.
 */
@DisplayName("Circles: facilitators, capacity, what patients see, and a freed seat racing a newcomer")
class CircleApiTest extends DemoNodeTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final String OKAFOR = "demo-therapist-1";
    static final String RIVERA = "demo-therapist-2";

    /** A weekday of the Monday-to-Sunday week at least {@code weeksAhead} weeks away, at a New York wall-clock time. */
    static Instant at(int weeksAhead, DayOfWeek day, String time) {
        LocalDate date = LocalDate.now(NEW_YORK).plusWeeks(weeksAhead).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .with(TemporalAdjusters.nextOrSame(day));
        return date.atTime(LocalTime.parse(time)).atZone(NEW_YORK).toInstant();
    }

    static JsonObject circle(Instant start, Integer capacity, String... facilitators) {
        JsonObject body = new JsonObject().put("type", "circle").put("therapistIds", new JsonArray(List.of(facilitators)))
                .put("start", start.toString());
        if (capacity != null) {
            body.put("capacity", capacity);
        }
        return body;
    }

    static ApiClient.Reply book(JsonObject body) {
        return api.postJson("/api/appointments", admin, body);
    }

    static ApiClient.Reply seat(String circleId, String patientId) {
        return api.postJson("/api/appointments/" + circleId + "/seats", admin, new JsonObject().put("patientId", patientId));
    }

    static ApiClient.Reply release(String circleId, String patientId) {
        return api.postJson("/api/appointments/" + circleId + "/seats/" + patientId + "/release", admin,
                new JsonObject().put("reason", "test"));
    }

    /** Booked appointments of a therapist around a start, as the admin sees them. */
    static List<JsonObject> bookedAround(String therapistId, Instant start) {
        return api.get("/api/appointments?therapistId=" + therapistId + "&from=" + start.minusSeconds(3600) + "&to="
                        + start.plusSeconds(3 * 3600), admin).json().getJsonArray("items").stream().map(o -> (JsonObject) o)
                .filter(o -> "booked".equals(o.getString("status"))).toList();
    }

    static Map<String, String> states(JsonObject circle) {
        return circle.getJsonArray("attendees").stream().map(o -> (JsonObject) o)
                .collect(Collectors.toMap(o -> o.getString("patientId"), o -> o.getString("state")));
    }

    @Test
    @DisplayName("three facilitators → 400 naming therapistIds; a 1:1 with two therapists → 400; nothing is booked")
    void facilitators() {
        String third = api.postJson("/api/people", admin, new JsonObject().put("role", "therapist")
                .put("displayName", "Dr. Third").put("email", "dr.third@example.org")).json().getJsonObject("person").getString("id");
        // 09:00 in New York is mid-afternoon in Berlin: inside both facilitators' hours
        Instant start = at(6, DayOfWeek.TUESDAY, "09:00");

        JsonObject tooMany = assertProblem(book(circle(start, 4, OKAFOR, RIVERA, third)), 400, "invalid-request", "therapistIds");
        assertTrue(tooMany.getString("detail", "").toLowerCase().contains("facilitator"), "the reason is stated: " + tooMany.encode());
        JsonObject duplicate = assertProblem(book(circle(start, 4, OKAFOR, OKAFOR)), 400, "invalid-request", "therapistIds");
        assertTrue(duplicate.getString("detail", "").contains("once"), duplicate.encode());
        JsonObject oneToOne = assertProblem(book(new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add(OKAFOR).add(RIVERA)).put("patientId", "demo-patient-1")
                .put("start", start.toString())), 400, "invalid-request", "therapistIds");
        assertTrue(oneToOne.getString("detail", "").contains("one therapist"), oneToOne.encode());
        assertTrue(bookedAround(OKAFOR, start).isEmpty(), "nothing was written");
        assertTrue(bookedAround(RIVERA, start).isEmpty(), "nothing was written");

        // two facilitators are allowed, and hold both therapists' time
        ApiClient.Reply two = book(circle(start, 4, OKAFOR, RIVERA));
        assertEquals(201, two.status(), two.body());
        assertEquals(List.of(OKAFOR, RIVERA), two.json().getJsonArray("therapistIds").getList());
        assertEquals(1, bookedAround(RIVERA, start).size());
    }

    @Test
    @DisplayName("capacity 0, 1 and 51 → 400 naming capacity; 50 is the largest circle; without one the clinic's default (8) applies")
    void capacity() {
        JsonObject policy = api.get("/api/booking-policy", admin).json();
        Instant start = at(6, DayOfWeek.WEDNESDAY, "10:00");
        for (int refused : new int[] {0, 1, 51, 1000}) {
            JsonObject problem = assertProblem(book(circle(start, refused, OKAFOR)), 400, "invalid-request", "capacity");
            assertTrue(problem.getString("detail", "").matches("capacity: " + refused + " is (less than 2|greater than 50)"),
                    "the limit is stated: " + problem.encode());
        }
        assertTrue(bookedAround(OKAFOR, start).isEmpty(), "nothing was written");

        ApiClient.Reply largest = book(circle(start, 50, OKAFOR));
        assertEquals(201, largest.status(), largest.body());
        assertEquals(50, largest.json().getInteger("capacity"));
        ApiClient.Reply byDefault = book(circle(start.plusSeconds(3 * 3600), null, OKAFOR));
        assertEquals(201, byDefault.status(), byDefault.body());
        assertEquals(policy.getInteger("defaultCircleCapacity"), byDefault.json().getInteger("capacity"));
        assertEquals(8, byDefault.json().getInteger("capacity"));
    }

    @Test
    @DisplayName("a patient sees the circle's true seat and waitlist counts, but only their own place")
    void patientSeesCountsNotPeople() {
        String id = book(circle(at(7, DayOfWeek.MONDAY, "10:00"), 2, OKAFOR)).json().getString("id");
        for (String p : List.of("demo-patient-1", "demo-patient-2", "demo-patient-3")) {
            assertEquals(200, seat(id, p).status());
        }
        String patient1 = api.accessToken("patient1@demo.hearth", "hearth-demo");
        String patient3 = api.accessToken("patient3@demo.hearth", "hearth-demo");

        ApiClient.Reply seated = api.get("/api/appointments/" + id, patient1);
        assertEquals(200, seated.status(), seated.body());
        assertEquals(2, seated.json().getInteger("seatsTaken"), seated.body());
        assertEquals(1, seated.json().getInteger("waitlistLength"), seated.body());
        assertEquals(Map.of("demo-patient-1", "seated"), states(seated.json()));
        assertFalse(seated.body().contains("demo-patient-2") || seated.body().contains("demo-patient-3"),
                "no other patient is named: " + seated.body());

        ApiClient.Reply waiting = api.get("/api/appointments/" + id, patient3);
        assertEquals(2, waiting.json().getInteger("seatsTaken"), waiting.body());
        assertEquals(1, waiting.json().getInteger("waitlistLength"), waiting.body());
        assertEquals(Map.of("demo-patient-3", "waitlisted"), states(waiting.json()));
        assertFalse(waiting.body().contains("demo-patient-1") || waiting.body().contains("demo-patient-2"), waiting.body());

        // the list gives the same counts
        Instant start = Instant.parse(seated.json().getString("start"));
        JsonObject listed = api.get("/api/appointments?from=" + start.minusSeconds(60) + "&to=" + start.plusSeconds(60), patient1)
                .json().getJsonArray("items").stream().map(o -> (JsonObject) o).filter(o -> id.equals(o.getString("id")))
                .findFirst().orElseThrow();
        assertEquals(2, listed.getInteger("seatsTaken"));
        assertEquals(1, listed.getInteger("waitlistLength"));
        assertEquals(1, listed.getJsonArray("attendees").size());

        // and the facilitator and the admin see everyone, with the same counts
        String facilitator = api.accessToken("therapist@demo.hearth", "hearth-demo");
        JsonObject full = api.get("/api/appointments/" + id, facilitator).json();
        assertEquals(Map.of("demo-patient-1", "seated", "demo-patient-2", "seated", "demo-patient-3", "waitlisted"), states(full));
        assertEquals(2, full.getInteger("seatsTaken"));
        assertEquals(1, full.getInteger("waitlistLength"));
    }

    @Test
    @DisplayName("a freed seat goes to the first waitlisted patient even while a newcomer joins at the same moment (10 rounds)")
    void freedSeatRacesNewcomer() throws Exception {
        Instant start = at(8, DayOfWeek.THURSDAY, "10:00");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Set<String> orders = new HashSet<>();
        try {
            for (int round = 1; round <= 10; round++) {
                // given a full circle of two with one patient waiting
                ApiClient.Reply booked = book(circle(start, 2, OKAFOR));
                assertEquals(201, booked.status(), "round " + round + ": " + booked.body());
                String id = booked.json().getString("id");
                for (String p : List.of("demo-patient-1", "demo-patient-2", "demo-patient-3")) {
                    assertEquals(200, seat(id, p).status(), "round " + round);
                }

                // when patient 1's seat is freed and patient 4 joins at the same moment
                // (the release starts 0, 3, ... 27 ms later, so that the rounds spread over the
                // interleavings: release and promotion before, around and after the join's writes;
                // the narrowest one, between the seat's release and the promotion, is pinned down in
                // joinBetweenReleaseAndPromotion)
                CountDownLatch go = new CountDownLatch(1);
                long stagger = (round - 1) * 3L;
                Future<ApiClient.Reply> freed = pool.submit(() -> {
                    go.await();
                    Thread.sleep(stagger);
                    return release(id, "demo-patient-1");
                });
                Future<ApiClient.Reply> joined = pool.submit(() -> {
                    go.await();
                    return seat(id, "demo-patient-4");
                });
                go.countDown();
                ApiClient.Reply freedReply = freed.get(30, TimeUnit.SECONDS);
                ApiClient.Reply joinedReply = joined.get(30, TimeUnit.SECONDS);

                // then the waitlisted patient 3 has the seat, the newcomer waits, and two seats were never exceeded
                assertEquals(200, freedReply.status(), "round " + round + ": " + freedReply.body());
                assertEquals(200, joinedReply.status(), "round " + round + ": " + joinedReply.body());
                for (ApiClient.Reply reply : List.of(freedReply, joinedReply)) {
                    JsonObject seen = reply.json();
                    long seatedNow = seen.getJsonArray("attendees").stream()
                            .filter(o -> "seated".equals(((JsonObject) o).getString("state"))).count();
                    assertTrue(seatedNow <= 2 && seen.getInteger("seatsTaken") <= 2, "round " + round + ": over capacity " + seen.encode());
                    assertFalse("seated".equals(states(seen).get("demo-patient-4")), "round " + round + ": the newcomer jumped the queue");
                }
                // which request the store saw first: the join's answer shows patient 1 still there, or not
                orders.add(states(joinedReply.json()).containsKey("demo-patient-1") ? "join first" : "release first");
                JsonObject after = api.get("/api/appointments/" + id, admin).json();
                assertEquals(Map.of("demo-patient-2", "seated", "demo-patient-3", "seated", "demo-patient-4", "waitlisted"),
                        states(after), "round " + round + ": " + after.encode());
                assertEquals(2, after.getInteger("seatsTaken"));
                assertEquals(1, after.getInteger("waitlistLength"));
                assertTrue(after.getJsonArray("history").stream().map(o -> ((JsonObject) o).getString("action"))
                        .anyMatch("circle.promoted-from-waitlist"::equals), "the promotion is in the circle's history");

                // the circle is cancelled, which frees everyone's time for the next round at the same hour
                ApiClient.Reply cancelled = api.postJson("/api/appointments/" + id + "/cancel", admin, new JsonObject().put("reason", "round over"));
                assertEquals(200, cancelled.status(), cancelled.body());
            }
        } finally {
            pool.shutdownNow();
        }
        // not an assertion on timing, only a record of which interleavings the rounds exercised
        System.out.println("circle race orders seen: " + orders);
    }

    @Test
    @DisplayName("a newcomer joining between a seat's release and the promotion waits; the first waitlisted patient is promoted")
    void joinBetweenReleaseAndPromotion() {
        String id = book(circle(at(9, DayOfWeek.TUESDAY, "10:00"), 2, OKAFOR)).json().getString("id");
        for (String p : List.of("demo-patient-1", "demo-patient-2", "demo-patient-3")) {
            assertEquals(200, seat(id, p).status());
        }
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            ScheduleStore schedule = new ScheduleStore(store);
            Instant now = Instant.now();
            // the release's first step, as BookingService.leaveCircle does it: the seat is free, nobody promoted yet
            assertTrue(schedule.leave("demo", id, "demo-patient-1",
                    new Appointment.HistoryEntry(now, "demo-admin", "circle.left", "demo-patient-1")).isPresent());

            // a newcomer joins through the API in exactly that moment: a free seat, but someone is waiting
            ApiClient.Reply joined = seat(id, "demo-patient-4");
            assertEquals(200, joined.status(), joined.body());
            assertEquals(Map.of("demo-patient-2", "seated", "demo-patient-3", "waitlisted", "demo-patient-4", "waitlisted"),
                    states(joined.json()), "the newcomer queues behind patient 3");
            assertEquals(1, joined.json().getInteger("seatsTaken"));

            // the release's second step seats the first in line
            assertEquals(java.util.Optional.of("demo-patient-3"), schedule.promoteFirstWaitlisted("demo", id, 2, now, "demo-admin"));
            assertEquals(java.util.Optional.empty(), schedule.promoteFirstWaitlisted("demo", id, 2, now, "demo-admin"),
                    "no second promotion past capacity");
        }
        JsonObject after = api.get("/api/appointments/" + id, admin).json();
        assertEquals(Map.of("demo-patient-2", "seated", "demo-patient-3", "seated", "demo-patient-4", "waitlisted"), states(after));
        assertEquals(2, after.getInteger("seatsTaken"));
    }

    @Test
    @DisplayName("a patient taking and freeing their own seat is answered with their own place only, as GET shows it")
    void seatAnswersShowAPatientOnlyThemselves() {
        JsonObject policy = api.get("/api/booking-policy", admin).json();
        assertEquals(200, api.put("/api/booking-policy", admin, policy.copy().put("patientsMayBook", true)).status());
        try {
            String id = book(circle(at(10, DayOfWeek.WEDNESDAY, "10:00"), 3, OKAFOR)).json().getString("id");
            for (String p : List.of("demo-patient-2", "demo-patient-3")) {
                assertEquals(200, seat(id, p).status());
            }
            String patient1 = api.accessToken("patient1@demo.hearth", "hearth-demo");

            ApiClient.Reply joined = api.postJson("/api/appointments/" + id + "/seats", patient1,
                    new JsonObject().put("patientId", "demo-patient-1"));
            assertEquals(200, joined.status(), joined.body());
            assertNamesNoOtherPatient(joined);
            assertEquals(Map.of("demo-patient-1", "seated"), states(joined.json()));
            assertEquals(3, joined.json().getInteger("seatsTaken"), joined.body());
            ApiClient.Reply shown = api.get("/api/appointments/" + id, patient1);
            assertEquals(200, shown.status(), shown.body());
            assertEquals(shown.json(), joined.json(), "the seat answer is what GET shows, history included");

            ApiClient.Reply released = api.postJson("/api/appointments/" + id + "/seats/demo-patient-1/release", patient1,
                    new JsonObject().put("reason", "cannot make it"));
            assertEquals(200, released.status(), released.body());
            assertNamesNoOtherPatient(released);
            assertEquals(Map.of(), states(released.json()), "no longer in the circle: no place of their own either");
            assertEquals(new JsonArray(), released.json().getJsonArray("history"), "no history beyond what GET shows");
            assertEquals(2, released.json().getInteger("seatsTaken"), released.body());

            // the admin still sees everyone and the whole history
            JsonObject full = api.get("/api/appointments/" + id, admin).json();
            assertEquals(Map.of("demo-patient-2", "seated", "demo-patient-3", "seated"), states(full));
            assertTrue(full.getJsonArray("history").size() >= 4, full.encode());
        } finally {
            assertEquals(200, api.put("/api/booking-policy", admin, policy).status());
        }
    }

    static void assertNamesNoOtherPatient(ApiClient.Reply reply) {
        for (String other : List.of("demo-patient-2", "demo-patient-3", "demo-patient-4", "demo-admin")) {
            assertFalse(reply.body().contains(other), "names " + other + ": " + reply.body());
        }
        for (Object o : reply.json().getJsonArray("attendees")) {
            assertEquals("demo-patient-1", ((JsonObject) o).getString("patientId"), reply.body());
        }
    }
}
