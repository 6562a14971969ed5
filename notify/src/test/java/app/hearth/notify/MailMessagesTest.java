package app.hearth.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonStatus;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.platform.access.Role;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The words of reminders: the recipient's zone across a DST change, the clinic's dosing instructions, no clinical words. */
@DisplayName("Mail messages: reminders")
class MailMessagesTest {

    static final Person PATIENT = new Person("p1", "c1", Role.PATIENT, "Robin Novak", "robin@example.org", null,
            "America/New_York", "t1", null, PersonStatus.ACTIVE, Instant.EPOCH);
    static final Person THERAPIST = new Person("t1", "c1", Role.THERAPIST, "Dr. Sam Rivera", "sam@example.org", null,
            "Europe/Berlin", null, null, PersonStatus.ACTIVE, Instant.EPOCH);

    static Appointment appointment(AppointmentType type, Instant start) {
        return new Appointment("a1", "c1", type, Appointment.Status.BOOKED, start, start.plus(Duration.ofHours(3)), List.of("t1"), "p1",
                type == AppointmentType.DOSING ? "Room 2" : null, null, null, 0, List.of(), List.of());
    }

    @Test
    @DisplayName("a dosing reminder carries the clinic's instructions to the patient only, with the time in each one's zone")
    void dosingReminder() {
        // 9 March 2026, 10:00 in New York: the day after the US change to daylight time, 15:00 in Berlin (still winter time)
        Instant start = Instant.parse("2026-03-09T14:00:00Z");
        Appointment dosing = appointment(AppointmentType.DOSING, start);
        Messages.Content toPatient = Messages.reminder(PATIENT, dosing, Duration.ofHours(24), ZoneId.of("America/New_York"),
                "https://hearth.test/#/", "Arrange a ride home.");
        assertTrue(toPatient.text().contains("Monday 9 March 2026, 10:00 (America/New_York)"), toPatient.text());
        assertTrue(toPatient.text().contains("To prepare: Arrange a ride home."), toPatient.text());
        assertTrue(toPatient.html().contains("Arrange a ride home."), toPatient.html());
        assertTrue(toPatient.subject().startsWith("Reminder: Clinic visit tomorrow"), toPatient.subject());
        assertFalse((toPatient.subject() + toPatient.text()).toLowerCase().contains("dosing"), "no clinical words to the patient");

        Messages.Content toTherapist = Messages.reminder(THERAPIST, dosing, Duration.ofHours(1), ZoneId.of("Europe/Berlin"),
                "https://hearth.test/#/", "Arrange a ride home.");
        assertTrue(toTherapist.text().contains("15:00 (Europe/Berlin)"), toTherapist.text());
        assertTrue(toTherapist.subject().contains("in an hour"), toTherapist.subject());
        assertFalse(toTherapist.text().contains("ride home"));
        assertFalse(toTherapist.text().contains("Robin"), "no patient name to the therapist");
    }

    @Test
    @DisplayName("HTML escapes what people typed; backoff doubles up to its cap")
    void escapingAndBackoff() {
        Person odd = new Person("p2", "c1", Role.PATIENT, "<b>Sam</b> & co", "x@example.org", null, null, null, null,
                PersonStatus.INVITED, Instant.EPOCH);
        Messages.Content c = Messages.invitation(odd, "Clinic", "https://hearth.test/#/set-password/abc", Instant.EPOCH, ZoneId.of("UTC"));
        assertTrue(c.html().contains("&lt;b&gt;Sam&lt;/b&gt; &amp; co"), c.html());
        SenderSettings s = new SenderSettings(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMinutes(5));
        assertEquals(Duration.ofSeconds(30), s.backoff(1));
        assertEquals(Duration.ofSeconds(60), s.backoff(2));
        assertEquals(Duration.ofSeconds(240), s.backoff(4));
        assertEquals(Duration.ofMinutes(5), s.backoff(5));
        assertEquals(Duration.ofMinutes(5), s.backoff(40));
    }
}
