package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoDaytime;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Email end to end against a real SMTP server on loopback (GreenMail): what the admin and booking
 * do through the API arrives as MIME messages whose parts and iCalendar attachments are read back.
 * Dr. Okafor is bookable around the clock without notice (the demo's first-run setting), so
 * appointments can start minutes from now and reminders come due within the test.
 */
@DisplayName("Email: invitations, calendar invitations, reminders, an SMTP outage")
class MailDeliveryTest {

    static final AtomicInteger PEOPLE = new AtomicInteger();
    static MailNode mail;
    static TestSmtp smtp;
    static TestNode node;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        mail = MailNode.start(Map.of("HEARTH_DEMO_BOOK_NOW", "true"));
        smtp = mail.smtp();
        node = mail.node();
        api = mail.api();
        admin = mail.admin();
    }

    @AfterAll
    static void stop() {
        if (mail != null) {
            mail.close();
        }
    }

    /** A new patient of Dr. Okafor's with their own address and zone; the answer of the create. */
    static JsonObject newPatient(String zone) {
        int n = PEOPLE.incrementAndGet();
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Mail Patient " + n).put("email", "mail.patient." + n + "." + System.nanoTime() + "@example.org")
                .put("timeZone", zone).put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        return created.json();
    }

    static String book(String patientId, Instant start) {
        ApiClient.Reply booked = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", patientId).put("start", start.toString()));
        assertEquals(201, booked.status(), booked.body());
        return booked.json().getString("id");
    }

    static List<TestSmtp.Mail> awaitMail(String address, int count, String what) {
        Eventually.within(Duration.ofSeconds(20), what, () -> assertTrue(smtp.to(address).size() >= count,
                smtp.to(address).size() + " messages"));
        return smtp.to(address);
    }

    static VEvent event(String ics, String expectedMethod) throws Exception {
        Calendar calendar = new CalendarBuilder().build(new StringReader(ics));
        assertEquals(expectedMethod, calendar.getProperty(Property.METHOD).orElseThrow().getValue(), ics);
        return (VEvent) calendar.getComponent(Component.VEVENT).orElseThrow();
    }

    static String prop(VEvent event, String name) {
        return event.getProperty(name).orElseThrow().getValue();
    }

    static String utc(Instant instant) {
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
    }

    @Test
    @DisplayName("adding a person emails the set-password link in both parts; a re-issued link is a second email")
    void invitationAndNewLink() {
        JsonObject created = newPatient("Europe/Berlin");
        String email = created.getJsonObject("person").getString("email");
        String link = created.getJsonObject("setPasswordLink").getString("url");
        TestSmtp.Mail invitation = awaitMail(email, 1, "the invitation").get(0);
        assertTrue(invitation.subject().contains("invitation"), invitation.subject());
        assertEquals("clinic@hearth.test", invitation.from());
        assertTrue(invitation.text().contains(link), invitation.text());
        assertTrue(invitation.html().contains(link.replace("&", "&amp;")), invitation.html());
        assertTrue(invitation.text().contains("(Europe/Berlin)"), "the expiry in the person's zone: " + invitation.text());

        ApiClient.Reply again = api.postJson("/api/people/" + created.getJsonObject("person").getString("id") + "/set-password-link",
                admin, new JsonObject());
        assertEquals(201, again.status(), again.body());
        String newLink = again.json().getString("url");
        List<TestSmtp.Mail> both = awaitMail(email, 2, "the new link");
        TestSmtp.Mail second = both.stream().filter(m -> m != invitation && m.text().contains(newLink)).findFirst().orElseThrow();
        assertTrue(second.html().contains(newLink), second.html());
        assertFalse(second.text().contains(link), "the new mail carries the new link only");
    }

    @Test
    @DisplayName("booked → both get METHOD:REQUEST with the UID and UTC start; moved → same UID, higher SEQUENCE; cancelled → METHOD:CANCEL")
    void calendarInvitationsFollowTheAppointment() throws Exception {
        JsonObject created = newPatient("Asia/Tokyo");
        String patientId = created.getJsonObject("person").getString("id");
        String email = created.getJsonObject("person").getString("email");
        // each test of this class books demo-therapist-1 on mornings of its own: windows 50 h apart
        // never meet, whatever the time of day the run starts (40 h and 50 h met on some mornings)
        Instant start = DemoDaytime.morningAfter(Instant.now().plus(Duration.ofHours(30)));
        String id = book(patientId, start);
        String uid = id + "@hearth";

        List<TestSmtp.Mail> patientMail = awaitMail(email, 2, "the invitation and the booking");
        TestSmtp.Mail booked = patientMail.stream().filter(m -> m.subject().startsWith("Booked")).findFirst().orElseThrow();
        assertEquals(1, booked.calendars().size(), booked.contentTypes().toString());
        VEvent event = event(booked.calendars().get(0), "REQUEST");
        assertEquals(uid, prop(event, Property.UID));
        assertEquals(utc(start), prop(event, Property.DTSTART));
        assertEquals("0", prop(event, Property.SEQUENCE));
        String tokyo = DateTimeFormatter.ofPattern("HH:mm").format(start.atZone(ZoneId.of("Asia/Tokyo")));
        assertTrue(booked.text().contains(tokyo + " (Asia/Tokyo)"), "the patient's own zone: " + booked.text());
        assertTrue(booked.text().contains("Session with your care team"), booked.text());
        assertFalse((booked.text() + booked.html() + booked.subject()).toLowerCase().contains("preparation"),
                "no clinical words to the patient");
        Eventually.within(Duration.ofSeconds(20), "the therapist's invitation", () -> assertTrue(therapistMail(uid, "REQUEST").size() >= 1));
        String therapistText = smtp.to("therapist@demo.hearth").stream().filter(m -> m.calendars().stream().anyMatch(c -> c.contains(uid)))
                .findFirst().orElseThrow().text();
        assertFalse(therapistText.contains("Mail Patient"), "no patient name to the therapist: " + therapistText);

        Instant moved = start.plus(Duration.ofHours(2));
        ApiClient.Reply rescheduled = api.postJson("/api/appointments/" + id + "/reschedule", admin,
                new JsonObject().put("start", moved.toString()));
        assertTrue(rescheduled.status() == 200 || rescheduled.status() == 201, rescheduled.body());
        String newId = rescheduled.json().getString("id");
        List<TestSmtp.Mail> afterMove = awaitMail(email, 3, "the move");
        TestSmtp.Mail moveMail = afterMove.stream().filter(m -> m.subject().startsWith("Moved")).findFirst().orElseThrow();
        VEvent movedEvent = event(moveMail.calendars().get(0), "REQUEST");
        assertEquals(uid, prop(movedEvent, Property.UID), "the calendar sees one event moved");
        assertEquals("1", prop(movedEvent, Property.SEQUENCE));
        assertEquals(utc(moved), prop(movedEvent, Property.DTSTART));

        assertEquals(200, api.postJson("/api/appointments/" + newId + "/cancel", admin, new JsonObject().put("reason", "test")).status());
        List<TestSmtp.Mail> afterCancel = awaitMail(email, 4, "the cancellation");
        TestSmtp.Mail cancelMail = afterCancel.stream().filter(m -> m.subject().startsWith("Cancelled")).findFirst().orElseThrow();
        VEvent cancelled = event(cancelMail.calendars().get(0), "CANCEL");
        assertEquals(uid, prop(cancelled, Property.UID));
        assertEquals("2", prop(cancelled, Property.SEQUENCE));
        Eventually.within(Duration.ofSeconds(20), "the therapist's cancellation", () -> assertEquals(1, therapistMail(uid, "CANCEL").size()));
        assertEquals(2, therapistMail(uid, "REQUEST").size(), "booked and moved, once each");
    }

    static List<TestSmtp.Mail> therapistMail(String uid, String method) {
        return smtp.to("therapist@demo.hearth").stream()
                .filter(m -> m.calendars().stream().anyMatch(c -> c.contains("UID:" + uid) && c.contains("METHOD:" + method))).toList();
    }

    @Test
    @DisplayName("a cancelled appointment's reminder is never sent; the other appointment's reminder is")
    void cancelledRemindersAreWithdrawn() {
        JsonObject first = newPatient("America/New_York");
        JsonObject second = newPatient("America/New_York");
        Instant now = Instant.now();
        Instant startA = DemoDaytime.morningAfter(now.plus(Duration.ofHours(80))); // its own mornings, see above
        Instant startB = startA.plus(Duration.ofHours(3));
        // reminders due 4 s (A) and 6 s (B) from now; the other offset of each lies in the past or hours ahead
        Duration offsetA = Duration.between(now.plus(Duration.ofSeconds(4)), startA);
        Duration offsetB = Duration.between(now.plus(Duration.ofSeconds(6)), startB);
        String clinicId = first.getJsonObject("person").getString("clinicId");
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            store.collection("mail_settings").replaceOne(Filters.eq("_id", clinicId),
                    new Document("_id", clinicId).append("reminderOffsets", List.of(offsetA.toString(), offsetB.toString())),
                    new com.mongodb.client.model.ReplaceOptions().upsert(true));
            String a = book(first.getJsonObject("person").getString("id"), startA);
            book(second.getJsonObject("person").getString("id"), startB);
            assertEquals(200, api.postJson("/api/appointments/" + a + "/cancel", admin, new JsonObject().put("reason", "test")).status());

            String emailB = second.getJsonObject("person").getString("email");
            String idB = second.getJsonObject("person").getString("id");
            Eventually.within(Duration.ofSeconds(30), "B's reminder", () -> assertTrue(smtp.to(emailB).stream()
                    .anyMatch(m -> m.subject().startsWith("Reminder")), () -> {
                        StringBuilder out = new StringBuilder();
                        store.collection("mail_outbox").find(Filters.eq("recipientId", idB))
                                .forEach(d -> out.append(d.getString("_id")).append(' ').append(d.get("state")).append(' ')
                                        .append(d.get("nextAttemptAt")).append(' ').append(d.get("attempts")).append('\n'));
                        return out.toString();
                    }));
            String emailA = first.getJsonObject("person").getString("email");
            assertTrue(smtp.to(emailA).stream().noneMatch(m -> m.subject().startsWith("Reminder")),
                    "A's reminder was due before B's and was withdrawn");
            assertTrue(store.collection("mail_outbox").countDocuments(Filters.and(Filters.eq("appointmentId", a),
                    Filters.eq("state", "withdrawn"))) >= 1);
        } finally {
            try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
                store.collection("mail_settings").deleteOne(Filters.eq("_id", clinicId));
            }
        }
    }

    @Test
    @DisplayName("SMTP down: the invitation is retried with backoff and delivered once the server is back")
    void smtpOutage() {
        smtp.stop();
        String email;
        String personId;
        try {
            JsonObject created = newPatient("UTC");
            email = created.getJsonObject("person").getString("email");
            personId = created.getJsonObject("person").getString("id");
            try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
                Eventually.within(Duration.ofSeconds(20), "failed attempts", () -> {
                    Document message = store.collection("mail_outbox").find(Filters.eq("recipientId", personId)).first();
                    assertTrue(message != null && message.getInteger("attempts") >= 2 && "pending".equals(message.getString("state")),
                            String.valueOf(message));
                });
            }
        } finally {
            smtp.start();
        }
        String address = email;
        Eventually.within(Duration.ofSeconds(20), "delivery after the outage", () -> assertEquals(1, smtp.to(address).size()));
    }

    @Test
    @DisplayName("a circle: a seated patient gets the invitation, a waitlisted one nothing until promoted, one who leaves a CANCEL")
    void circleSeats() throws Exception {
        String x = newPatient("UTC").getJsonObject("person").getString("email");
        JsonObject[] people = {newPatient("UTC"), newPatient("UTC"), newPatient("UTC")};
        Instant start = DemoDaytime.morningAfter(Instant.now().plus(Duration.ofHours(130))); // its own mornings, see above
        ApiClient.Reply circle = api.postJson("/api/appointments", admin, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("start", start.toString()).put("capacity", 2));
        assertEquals(201, circle.status(), circle.body());
        String id = circle.json().getString("id");
        for (JsonObject p : people) {
            ApiClient.Reply seated = api.postJson("/api/appointments/" + id + "/seats", admin,
                    new JsonObject().put("patientId", p.getJsonObject("person").getString("id")));
            assertEquals(200, seated.status(), seated.body());
        }
        String first = people[0].getJsonObject("person").getString("email");
        String third = people[2].getJsonObject("person").getString("email");
        TestSmtp.Mail seatMail = awaitMail(first, 2, "the first seat's invitation").stream()
                .filter(m -> m.subject().startsWith("Booked")).findFirst().orElseThrow();
        VEvent event = event(seatMail.calendars().get(0), "REQUEST");
        assertEquals(id + "@hearth", prop(event, Property.UID));
        assertTrue(seatMail.text().contains("Group session"), seatMail.text());
        assertTrue(smtp.to(third).stream().noneMatch(m -> m.subject().startsWith("Booked")), "waitlisted: no invitation yet");

        assertEquals(200, api.postJson("/api/appointments/" + id + "/seats/" + people[0].getJsonObject("person").getString("id")
                + "/release", admin, new JsonObject().put("reason", "test")).status());
        TestSmtp.Mail left = awaitMail(first, 3, "the cancellation of the seat").stream()
                .filter(m -> m.subject().startsWith("Cancelled")).findFirst().orElseThrow();
        assertEquals(id + "@hearth", prop(event(left.calendars().get(0), "CANCEL"), Property.UID));
        Eventually.within(Duration.ofSeconds(20), "the promoted patient's invitation", () -> assertTrue(smtp.to(third).stream()
                .anyMatch(m -> m.subject().startsWith("Booked"))));
        assertTrue(smtp.to(x).stream().noneMatch(m -> m.subject().startsWith("Booked")), "not in the circle: no mail");
    }
}
