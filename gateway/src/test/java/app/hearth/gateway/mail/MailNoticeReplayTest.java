package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoDaytime;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node that dies between storing a booking change and queueing its mail (docs/adr/0024, addendum
 * "Pending notices"): the crash is simulated at the store, as it would leave it — the appointment
 * written with its notice and no outbox row — and the node's sweep (every 0.5 s here) must queue and
 * deliver the mail exactly once, however often the notice is replayed.
 */
@DisplayName("Email: a booking change whose mail a crash lost is replayed from its stored notice, once")
class MailNoticeReplayTest {

    static MailNode mail;
    static TestSmtp smtp;
    static TestNode node;
    static ApiClient api;
    static String admin;
    static Store store;
    static String clinicId;

    @BeforeAll
    static void start() {
        mail = MailNode.start(Map.of("HEARTH_DEMO_BOOK_NOW", "true", "HEARTH_MAIL_NOTICE_SWEEP", "PT0.5S"));
        smtp = mail.smtp();
        node = mail.node();
        api = mail.api();
        admin = mail.admin();
        store = Store.connect(node.storeUri(), node.databaseName());
        clinicId = store.collection("people").find(Filters.eq("_id", "demo-therapist-1")).first().getString("clinicId");
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (mail != null) {
            mail.close();
        }
    }

    static JsonObject newPatient() {
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Notice Patient").put("email", "notice.patient." + System.nanoTime() + "@example.org")
                .put("timeZone", "Europe/Berlin").put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        return created.json().getJsonObject("person");
    }

    static MongoCollection<Document> appointments() {
        return store.collection(ScheduleStore.APPOINTMENTS);
    }

    static long outboxRows(String prefix, String appointmentId) {
        return store.collection("mail_outbox").countDocuments(Filters.regex("_id", "^" + Pattern.quote(prefix + ":" + appointmentId + ":")));
    }

    static List<TestSmtp.Mail> calendarMail(String email, String uid, String method) {
        return smtp.to(email).stream()
                .filter(m -> m.calendars().stream().anyMatch(c -> c.contains("UID:" + uid) && c.contains("METHOD:" + method))).toList();
    }

    static void awaitNoticesCleared(String appointmentId) {
        Eventually.within(Duration.ofSeconds(20), "the sweep to replay and clear the notice", () -> {
            Document d = appointments().find(Filters.eq("_id", appointmentId)).first();
            assertTrue(d.getList(ScheduleStore.NOTICES, Document.class, List.of()).isEmpty(), String.valueOf(d.get(ScheduleStore.NOTICES)));
        });
    }

    /** The notice as a crash leaves it: written long enough ago that the live path has surely finished. */
    static Document staleNotice(String kind) {
        return new Document("kind", kind).append("at", Date.from(Instant.now().minus(Duration.ofMinutes(5))));
    }

    static VEvent event(String ics) throws Exception {
        Calendar calendar = new CalendarBuilder().build(new StringReader(ics));
        return (VEvent) calendar.getComponent(Component.VEVENT).orElseThrow();
    }

    @Test
    @DisplayName("an appointment stored with its notice and no outbox row: the sweep queues and delivers it once; a replay again adds nothing")
    void bookedLostInTheCrashWindow() throws Exception {
        JsonObject patient = newPatient();
        String patientId = patient.getString("id");
        String email = patient.getString("email");
        // each test of this class books demo-therapist-1 on mornings of its own: windows 50 h apart
        // never meet, whatever the time of day the run starts (40 h and 50 h met on some mornings)
        Instant start = DemoDaytime.morningAfter(Instant.now().plus(Duration.ofHours(30)));
        Instant now = Instant.now();
        String id = OpaqueTokens.newId();
        // the appointment's own write, as BookingService makes it; the node "died" before the outbox write
        appointments().insertOne(new Document("_id", id).append("clinicId", clinicId).append("type", "preparation")
                .append("status", "booked").append("start", Date.from(start)).append("end", Date.from(start.plus(Duration.ofMinutes(50))))
                .append("therapistIds", List.of("demo-therapist-1")).append("patientId", patientId).append("location", null)
                .append("roomId", OpaqueTokens.newId()).append("dosingAppointmentId", null).append("capacity", 0).append("seatCount", 0)
                .append("attendees", List.of())
                .append("history", List.of(new Document("at", Date.from(now)).append("actorId", "demo-admin").append("action", "appointment.booked")))
                .append(ScheduleStore.NOTICES, List.of(staleNotice("booked"))));

        awaitNoticesCleared(id);
        assertEquals(2, outboxRows("booked", id), "the patient's and the therapist's booking mail");
        String uid = id + "@hearth";
        Eventually.within(Duration.ofSeconds(20), "the replayed booking mail", () -> assertEquals(1, calendarMail(email, uid, "REQUEST").size()));
        Eventually.within(Duration.ofSeconds(20), "the therapist's", () -> assertEquals(1,
                calendarMail("therapist@demo.hearth", uid, "REQUEST").size()));
        VEvent event = event(calendarMail(email, uid, "REQUEST").get(0).calendars().get(0));
        assertEquals("0", event.getProperty(Property.SEQUENCE).orElseThrow().getValue());
        long reminders = outboxRows("reminder", id);
        assertTrue(reminders >= 2, "the reminders are queued too: " + reminders);

        // the listeners finished but clearing the notice was lost (or a second node replays it): nothing twice
        appointments().updateOne(Filters.eq("_id", id), Updates.push(ScheduleStore.NOTICES, staleNotice("booked")));
        awaitNoticesCleared(id);
        assertEquals(2, outboxRows("booked", id));
        assertEquals(reminders, outboxRows("reminder", id));
        assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.and(Filters.regex("_id", "^booked:" + Pattern.quote(id)),
                Filters.eq("state", "pending"))), "nothing left to send");
        assertEquals(1, calendarMail(email, uid, "REQUEST").size());
    }

    @Test
    @DisplayName("a cancellation lost in the crash window: one CANCEL with SEQUENCE 1, however often replayed; a booking through the API leaves no notice")
    void cancelledLostInTheCrashWindow() throws Exception {
        JsonObject patient = newPatient();
        String patientId = patient.getString("id");
        String email = patient.getString("email");
        Instant start = DemoDaytime.morningAfter(Instant.now().plus(Duration.ofHours(80))); // its own mornings, see above
        ApiClient.Reply booked = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", patientId).put("start", start.toString()));
        assertEquals(201, booked.status(), booked.body());
        String id = booked.json().getString("id");
        String uid = id + "@hearth";
        assertTrue(appointments().find(Filters.eq("_id", id)).first().getList(ScheduleStore.NOTICES, Document.class, List.of()).isEmpty(),
                "the live path clears its notice once the mail is queued");
        Eventually.within(Duration.ofSeconds(20), "the booking mail", () -> assertEquals(1, calendarMail(email, uid, "REQUEST").size()));

        // the cancellation's own write, with its notice; the node "died" before the outbox write
        appointments().updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("status", "cancelled"),
                Updates.push("history", new Document("at", new Date()).append("actorId", "demo-admin").append("action", "appointment.cancelled")),
                Updates.push(ScheduleStore.NOTICES, staleNotice("cancelled"))));
        awaitNoticesCleared(id);
        Eventually.within(Duration.ofSeconds(20), "the replayed cancellation", () -> assertEquals(1, calendarMail(email, uid, "CANCEL").size()));
        VEvent cancel = event(calendarMail(email, uid, "CANCEL").get(0).calendars().get(0));
        assertEquals("1", cancel.getProperty(Property.SEQUENCE).orElseThrow().getValue());
        assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.and(Filters.eq("appointmentId", id),
                Filters.eq("kind", "reminder"), Filters.eq("state", "pending"))), "its reminders are withdrawn");

        // replayed again: the calendar thread keeps SEQUENCE 1 and no second CANCEL is queued
        appointments().updateOne(Filters.eq("_id", id), Updates.push(ScheduleStore.NOTICES, staleNotice("cancelled")));
        awaitNoticesCleared(id);
        assertEquals(2, outboxRows("cancelled", id));
        assertEquals(1, store.collection("mail_calendar_threads").find(Filters.eq("_id", id)).first().getInteger("sequence"));
        assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.and(Filters.regex("_id", "^cancelled:" + Pattern.quote(id)),
                Filters.eq("state", "pending"))));
        assertEquals(1, calendarMail(email, uid, "CANCEL").size());
    }

    @Test
    @DisplayName("a circle seat taken and given up in the crash window: one invitation, one CANCEL, however often replayed")
    void circleSeatsLostInTheCrashWindow() throws Exception {
        JsonObject a = newPatient();
        JsonObject b = newPatient();
        String aId = a.getString("id");
        String aEmail = a.getString("email");
        Instant start = DemoDaytime.morningAfter(Instant.now().plus(Duration.ofHours(130))); // its own mornings, see above
        ApiClient.Reply circle = api.postJson("/api/appointments", admin, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("start", start.toString()).put("capacity", 2));
        assertEquals(201, circle.status(), circle.body());
        String id = circle.json().getString("id");
        String uid = id + "@hearth";

        // the seat's own write with its notice; the node "died" before the outbox write
        appointments().updateOne(Filters.eq("_id", id), Updates.combine(
                Updates.push("attendees", new Document("patientId", aId).append("state", "seated").append("joinedAt", new Date())),
                Updates.inc("seatCount", 1), Updates.push(ScheduleStore.NOTICES, staleNotice("seated").append("patientId", aId))));
        awaitNoticesCleared(id);
        Eventually.within(Duration.ofSeconds(20), "the replayed seat invitation", () -> assertEquals(1, calendarMail(aEmail, uid, "REQUEST").size()));
        appointments().updateOne(Filters.eq("_id", id), Updates.push(ScheduleStore.NOTICES, staleNotice("seated").append("patientId", aId)));
        awaitNoticesCleared(id);
        assertEquals(1, outboxRows("seated", id + ":" + aId), "one seat, one message");

        // a seat taken through the API leaves no notice behind
        assertEquals(200, api.postJson("/api/appointments/" + id + "/seats", admin, new JsonObject().put("patientId", b.getString("id"))).status());
        assertTrue(appointments().find(Filters.eq("_id", id)).first().getList(ScheduleStore.NOTICES, Document.class, List.of()).isEmpty());

        // giving the seat up, written with its notice; the node "died" again
        appointments().updateOne(Filters.eq("_id", id), Updates.combine(Updates.pull("attendees", new Document("patientId", aId)),
                Updates.inc("seatCount", -1),
                Updates.push("history", new Document("at", new Date()).append("actorId", "demo-admin").append("action", "circle.left")
                        .append("detail", aId)),
                Updates.push(ScheduleStore.NOTICES, staleNotice("unseated").append("patientId", aId))));
        awaitNoticesCleared(id);
        Eventually.within(Duration.ofSeconds(20), "the replayed seat cancellation", () -> assertEquals(1, calendarMail(aEmail, uid, "CANCEL").size()));
        appointments().updateOne(Filters.eq("_id", id), Updates.push(ScheduleStore.NOTICES, staleNotice("unseated").append("patientId", aId)));
        awaitNoticesCleared(id);
        assertEquals(1, outboxRows("unseated", id + ":" + aId), "one leave, one message");
        assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.and(Filters.eq("appointmentId", id),
                Filters.eq("recipientId", aId), Filters.eq("kind", "reminder"), Filters.eq("state", "pending"))), "their reminders are withdrawn");
        assertEquals(1, calendarMail(aEmail, uid, "CANCEL").size());
        assertEquals(1, calendarMail(aEmail, uid, "REQUEST").size());
    }

    @Test
    @DisplayName("two sweeps claiming at once: only one gets the appointment's notices until its lease runs out or is released")
    void oneSweepClaimsAtATime() {
        // a database of its own, so the node's sweep does not take part
        try (Store other = Store.connect(node.storeUri(), "notice_claims_" + System.nanoTime())) {
            ScheduleStore a = new ScheduleStore(other);
            ScheduleStore b = new ScheduleStore(other);
            String id = OpaqueTokens.newId();
            other.collection(ScheduleStore.APPOINTMENTS).insertOne(new Document("_id", id).append("clinicId", "c").append("type", "preparation")
                    .append("status", "booked").append("start", new Date()).append("end", new Date()).append("therapistIds", List.of("t"))
                    .append("patientId", "p").append("capacity", 0).append("attendees", List.of()).append("history", List.of())
                    .append(ScheduleStore.NOTICES, List.of(staleNotice("booked"))));
            Instant now = Instant.now();
            Instant before = now.minus(Duration.ofMinutes(1));
            var first = a.claimNotices(before, now, now.plus(Duration.ofMinutes(2)));
            assertTrue(first.isPresent());
            assertEquals(List.of("booked"), first.get().notices().stream().map(ScheduleStore.Notice::kind).toList());
            assertTrue(b.claimNotices(before, now, now.plus(Duration.ofMinutes(2))).isEmpty(), "leased to the first sweep");
            assertTrue(b.claimNotices(before, now.plus(Duration.ofMinutes(3)), now.plus(Duration.ofMinutes(5))).isPresent(),
                    "a sweep that died lets go when its lease runs out");
            b.clearNotice(id, "booked");
            b.releaseNoticeLease(id);
            assertTrue(a.claimNotices(before, now.plus(Duration.ofMinutes(10)), now.plus(Duration.ofMinutes(12))).isEmpty(), "nothing left");
            other.database().drop();
        }
    }
}
