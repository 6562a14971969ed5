package app.hearth.gateway.booking;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.booking.schedule.TimeClaims;
import app.hearth.booking.schedule.TimeRange;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
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
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Time claims that no appointment stands behind (a node died between a booking's claims and its
 * appointment) are released by reconciliation, so the slot can be booked again; claims whose
 * appointment exists stay; and a booking that is still being written when reconciliation looks
 * at its claims is refused rather than acknowledged without them. Claims are written straight into
 * the node's store, as the crashed booking left them; reconciliation is the node's own code
 * ({@link TimeClaims#releaseOrphans}) against the same store.
 */
@DisplayName("Reconciling time claims left without their appointment")
class OrphanClaimsTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static TestNode node;
    static ApiClient api;
    static String admin;
    static Store store;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        store = Store.connect(node.storeUri(), node.databaseName());
    }

    @AfterAll
    static void stop() {
        store.close();
        node.close();
    }

    static Instant at(int weeksAhead, DayOfWeek day, String time) {
        LocalDate date = LocalDate.now(NEW_YORK).plusWeeks(weeksAhead).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .with(TemporalAdjusters.nextOrSame(day));
        return date.atTime(LocalTime.parse(time)).atZone(NEW_YORK).toInstant();
    }

    static JsonObject preparation(String therapistId, String patientId, Instant start) {
        return new JsonObject().put("type", "preparation").put("therapistIds", new JsonArray().add(therapistId))
                .put("patientId", patientId).put("start", start.toString());
    }

    /** What a booking that died after its claims left behind: the person's marks for the hour, under an appointment id. */
    static void claimAsCrashed(String appointmentId, String personId, Instant start, String attempt) {
        for (String id : TimeClaims.idsFor(personId, new TimeRange(start, start.plus(Duration.ofHours(1))))) {
            Document claim = new Document("_id", id).append("appointmentId", appointmentId).append("personId", personId)
                    .append("clinicId", "demo").append("at", Date.from(Instant.now()));
            if (attempt != null) {
                claim.append(TimeClaims.ATTEMPT, attempt);
            }
            store.collection(TimeClaims.COLLECTION).insertOne(claim);
        }
    }

    /** Reconciliation as the node runs it at start-up: every claim written until now is looked at. */
    static int reconcile() {
        return pass().released();
    }

    static TimeClaims.Reconciled pass() {
        return pass(new TimeClaims(store), Instant.now().plusSeconds(1));
    }

    /** One pass of this node's reconciliation (the same TimeClaims across passes, as HearthNode keeps it) at the cut-off. */
    static TimeClaims.Reconciled pass(TimeClaims claims, Instant cutOff) {
        return claims.releaseOrphans(store.collection(ScheduleStore.APPOINTMENTS), cutOff, cutOff);
    }

    /** therapist 1 with patient 1 at the slot, through the API. @return the appointment's id */
    static String bookPreparation(Instant slot) {
        ApiClient.Reply booked = api.postJson("/api/appointments", admin, preparation("demo-therapist-1", "demo-patient-1", slot));
        assertEquals(201, booked.status(), booked.body());
        return booked.json().getString("id");
    }

    static long claimsOf(String appointmentId) {
        return store.collection(TimeClaims.COLLECTION).countDocuments(Filters.eq("appointmentId", appointmentId));
    }

    @Test
    @DisplayName("a claim without its appointment is released and the slot books again; a booked appointment's claims stay")
    void orphanReleasedBookedKept() {
        Instant orphanSlot = at(3, DayOfWeek.TUESDAY, "10:00");
        Instant bookedSlot = at(3, DayOfWeek.TUESDAY, "13:00");
        claimAsCrashed("died-halfway-1", "demo-therapist-1", orphanSlot, "a1");
        assertProblem(api.postJson("/api/appointments", admin, preparation("demo-therapist-1", "demo-patient-1", orphanSlot)),
                409, "therapist-busy");
        ApiClient.Reply booked = api.postJson("/api/appointments", admin, preparation("demo-therapist-1", "demo-patient-2", bookedSlot));
        assertEquals(201, booked.status(), booked.body());
        String bookedId = booked.json().getString("id");
        long bookedClaims = claimsOf(bookedId);
        assertTrue(bookedClaims > 0);

        int released = reconcile();

        assertEquals(12, released, "the orphan hour's twelve 5-minute marks, nothing else");
        assertEquals(0, claimsOf("died-halfway-1"));
        assertEquals(bookedClaims, claimsOf(bookedId), "the booked appointment keeps every claim");
        assertEquals(201, api.postJson("/api/appointments", admin, preparation("demo-therapist-1", "demo-patient-1", orphanSlot))
                .status(), "the slot held for nobody books again");
        assertProblem(api.postJson("/api/appointments", admin, preparation("demo-therapist-1", "demo-patient-1", bookedSlot)),
                409, "therapist-busy");
        assertEquals(200, api.get("/api/appointments/" + bookedId, admin).status());
    }

    @Test
    @DisplayName("a booking still being written when its claims are released can no longer be inserted: it is refused, not acknowledged")
    void inFlightBookingIsFenced() {
        Instant slot = at(3, DayOfWeek.WEDNESDAY, "10:00");
        // the booking has written its claims and is about to insert its appointment
        claimAsCrashed("in-flight-1", "demo-therapist-1", slot, "b1");

        reconcile();

        assertEquals(0, claimsOf("in-flight-1"));
        MongoWriteException refused = assertThrows(MongoWriteException.class, () -> store.collection(ScheduleStore.APPOINTMENTS)
                .insertOne(new Document("_id", "in-flight-1").append("clinicId", "demo")));
        assertTrue(Documents.isDuplicateKey(refused), "the appointment's insert fails on the id reconciliation voided");
        // the void marker is no appointment anyone sees
        assertProblem(api.get("/api/appointments/in-flight-1", admin), 404, "appointment-not-found");
        JsonArray listed = api.get("/api/appointments?from=" + slot.minusSeconds(3600) + "&to=" + slot.plusSeconds(7200), admin)
                .json().getJsonArray("items");
        assertTrue(listed.isEmpty(), listed.encode());
        // and a second pass over what the fenced booking still wrote after the first releases it too
        claimAsCrashed("in-flight-1", "demo-therapist-1", slot, "b1");
        assertEquals(12, reconcile());
    }

    @Test
    @DisplayName("a circle seat claimed but never taken is released and that attempt can no longer take the seat; a seated patient's claim stays")
    void circleSeatAttempts() {
        Instant start = at(3, DayOfWeek.THURSDAY, "13:00");
        ApiClient.Reply circle = api.postJson("/api/appointments", admin, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("start", start.toString()).put("capacity", 4));
        assertEquals(201, circle.status(), circle.body());
        String circleId = circle.json().getString("id");
        assertEquals(200, api.postJson("/api/appointments/" + circleId + "/seats", admin,
                new JsonObject().put("patientId", "demo-patient-3")).status());
        long seatedClaims = store.collection(TimeClaims.COLLECTION).countDocuments(Filters.and(
                Filters.eq("appointmentId", circleId), Filters.eq("personId", "demo-patient-3")));
        // patient 4's seat: claimed, then the node died before the seat was taken
        claimAsCrashed(circleId, "demo-patient-4", start, "seat-attempt-1");
        assertProblem(api.postJson("/api/appointments/" + circleId + "/seats", admin,
                new JsonObject().put("patientId", "demo-patient-4")), 409, "already-seated");

        reconcile();

        assertEquals(0, store.collection(TimeClaims.COLLECTION).countDocuments(Filters.and(
                Filters.eq("appointmentId", circleId), Filters.eq("personId", "demo-patient-4"))));
        assertEquals(seatedClaims, store.collection(TimeClaims.COLLECTION).countDocuments(Filters.and(
                Filters.eq("appointmentId", circleId), Filters.eq("personId", "demo-patient-3"))), "the seated patient's time stays held");
        Document stored = store.collection(ScheduleStore.APPOINTMENTS).find(Filters.eq("_id", circleId)).first();
        assertEquals(List.of("seat-attempt-1"), stored.getList(ScheduleStore.VOIDED_CLAIMS, String.class),
                "the released attempt is barred from taking the seat later");
        Instant now = Instant.now();
        assertTrue(new ScheduleStore(store).join("demo", circleId, 4,
                new Appointment.Attendee("demo-patient-4", Appointment.AttendeeState.SEATED, now),
                new Appointment.HistoryEntry(now, "demo-admin", "circle.seated", "demo-patient-4"), "seat-attempt-1").isEmpty(),
                "the crashed join, were it only slow, cannot seat the patient now that its claims are gone");
        ApiClient.Reply joined = api.postJson("/api/appointments/" + circleId + "/seats", admin,
                new JsonObject().put("patientId", "demo-patient-4"));
        assertEquals(200, joined.status(), "a new attempt seats the patient: " + joined.body());
    }

    @Test
    @DisplayName("a pass reads only claims written since the last one; a cancel or a seat given up that died before its release still frees the time")
    void claimsReadOnceAndDeadCancels() {
        Instant slot = at(4, DayOfWeek.MONDAY, "10:00");
        String bookedId = bookPreparation(slot);
        long held = claimsOf(bookedId);
        ApiClient.Reply circle = api.postJson("/api/appointments", admin, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("start", at(4, DayOfWeek.MONDAY, "13:00").toString())
                .put("capacity", 4));
        assertEquals(201, circle.status(), circle.body());
        String circleId = circle.json().getString("id");
        assertEquals(200, api.postJson("/api/appointments/" + circleId + "/seats", admin,
                new JsonObject().put("patientId", "demo-patient-2")).status());
        long seatHeld = store.collection(TimeClaims.COLLECTION).countDocuments(Filters.and(
                Filters.eq("appointmentId", circleId), Filters.eq("personId", "demo-patient-2")));
        assertTrue(seatHeld > 0);

        TimeClaims claims = new TimeClaims(store);
        ScheduleStore schedule = new ScheduleStore(store);
        Instant firstCutOff = Instant.now().plusSeconds(1);
        TimeClaims.Reconciled first = pass(claims, firstCutOff);
        assertTrue(first.examined() >= held + seatHeld, "the first pass reads every claim: " + first);
        assertEquals(0, first.released());
        Instant secondCutOff = firstCutOff.plusMillis(500);
        assertEquals(new TimeClaims.Reconciled(0, 0), pass(claims, secondCutOff), "a second pass reads none of them again");

        // a cancel as BookingService.cancel makes it, from a node that died before releasing the claims
        Instant now = secondCutOff.plusSeconds(1);
        claims.reopen(bookedId, now);
        assertTrue(schedule.cancel("demo", bookedId, new Appointment.HistoryEntry(now, "demo-admin", "appointment.cancelled", null))
                .isPresent());
        // and a seat given up the same way (BookingService.leaveCircle)
        claims.reopen(circleId, "demo-patient-2", now);
        assertTrue(schedule.leave("demo", circleId, "demo-patient-2",
                new Appointment.HistoryEntry(now, "demo-admin", "circle.left", "demo-patient-2")).isPresent());

        Instant thirdCutOff = now.plusSeconds(5);
        TimeClaims.Reconciled after = pass(claims, thirdCutOff);
        assertEquals(new TimeClaims.Reconciled((int) (held + seatHeld), (int) (held + seatHeld)), after,
                "only the reopened claims are read, and all of them go: the cancelled hour and the given-up seat's hour");
        assertEquals(0, claimsOf(bookedId));
        assertEquals(0, store.collection(TimeClaims.COLLECTION).countDocuments(Filters.and(
                Filters.eq("appointmentId", circleId), Filters.eq("personId", "demo-patient-2"))));
        assertEquals(201, api.postJson("/api/appointments", admin, preparation("demo-therapist-1", "demo-patient-2", slot)).status(),
                "the time held for a cancelled appointment books again");
    }

    @Test
    @DisplayName("a claim reopened while a pass reads its appointment is read again by a later pass, which releases it")
    void reopenedDuringAPass() {
        Instant slot = at(4, DayOfWeek.TUESDAY, "10:00");
        String bookedId = bookPreparation(slot);
        long held = claimsOf(bookedId);
        Instant cutOff = Instant.now().plusSeconds(1);
        TimeClaims claims = new TimeClaims(store);
        ScheduleStore schedule = new ScheduleStore(store);
        // the pass reads the appointment still booked; right after that read a cancel reopens the
        // claims and cancels it, then its node dies before the release
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        @SuppressWarnings("unchecked")
        com.mongodb.client.MongoCollection<Document> appointments = (com.mongodb.client.MongoCollection<Document>)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {com.mongodb.client.MongoCollection.class}, (proxy, method, args) -> {
                            Object result = method.invoke(store.collection(ScheduleStore.APPOINTMENTS), args);
                            if (method.getName().equals("find") && cancelled.compareAndSet(false, true)) {
                                Document read = ((com.mongodb.client.FindIterable<Document>) result).first();
                                Instant later = cutOff.plusSeconds(1);
                                claims.reopen(bookedId, later);
                                schedule.cancel("demo", bookedId, new Appointment.HistoryEntry(later, "demo-admin",
                                        "appointment.cancelled", null));
                                return singleResult(read);
                            }
                            return result;
                        });
        assertEquals(0, claims.releaseOrphans(appointments, cutOff, cutOff).released(), "the pass saw the appointment booked");
        assertTrue(cancelled.get());
        assertEquals(held, claimsOf(bookedId));
        Instant next = cutOff.plusSeconds(5);
        assertEquals(held, pass(claims, next).released(),
                "the next pass's window holds the reopened claims, and their appointment is cancelled");
    }

    @Test
    @DisplayName("marks a dead reschedule took over go back to the old appointment young, so a later pass checks them against it")
    void deadRescheduleMarksReturnYoung() {
        Instant slot = at(4, DayOfWeek.WEDNESDAY, "10:00");
        String oldId = bookPreparation(slot);
        long held = claimsOf(oldId);
        TimeClaims claims = new TimeClaims(store);
        Instant firstCutOff = Instant.now().plusSeconds(1);
        pass(claims, firstCutOff);

        // a reschedule to the same hour took the marks over (as TimeClaims.claim does) and its node died
        // before the new appointment was written
        Instant takenOver = firstCutOff.plusSeconds(1);
        store.collection(TimeClaims.COLLECTION).updateMany(Filters.eq("appointmentId", oldId), com.mongodb.client.model.Updates.combine(
                com.mongodb.client.model.Updates.set("appointmentId", "died-rescheduling-1"),
                com.mongodb.client.model.Updates.set("transferredFrom", oldId),
                com.mongodb.client.model.Updates.set("at", Date.from(takenOver))));
        Instant secondCutOff = takenOver.plusSeconds(5);
        Instant secondNow = secondCutOff.plusSeconds(120);
        assertEquals(new TimeClaims.Reconciled((int) held, 0),
                claims.releaseOrphans(store.collection(ScheduleStore.APPOINTMENTS), secondCutOff, secondNow));
        assertEquals(held, claimsOf(oldId), "the marks are the old appointment's again");
        assertEquals(held, store.collection(TimeClaims.COLLECTION).countDocuments(Filters.and(Filters.eq("appointmentId", oldId),
                Filters.eq("at", Date.from(secondNow)), Filters.exists("transferredFrom", false))));

        // the old appointment was cancelled meanwhile by someone whose reopen and release found none of
        // its marks (they were the dead reschedule's then)
        assertTrue(new ScheduleStore(store).cancel("demo", oldId, new Appointment.HistoryEntry(takenOver, "demo-admin",
                "appointment.cancelled", null)).isPresent());
        Instant thirdCutOff = secondNow.plusSeconds(5);
        assertEquals(new TimeClaims.Reconciled((int) held, (int) held),
                pass(claims, thirdCutOff));
    }

    /** A find's result holding what was read before a change (the pass only calls first()). */
    @SuppressWarnings("unchecked")
    static com.mongodb.client.FindIterable<Document> singleResult(Document read) {
        return (com.mongodb.client.FindIterable<Document>) java.lang.reflect.Proxy.newProxyInstance(
                OrphanClaimsTest.class.getClassLoader(), new Class<?>[] {com.mongodb.client.FindIterable.class}, (proxy, method, args) -> {
                    if (method.getName().equals("first")) {
                        return read;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
