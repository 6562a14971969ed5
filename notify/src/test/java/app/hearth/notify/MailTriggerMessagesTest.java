package app.hearth.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonStatus;
import app.hearth.platform.access.Role;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The words of the triggered mail (issue 15): the recipient's zone, a link, both parts, nothing clinical and no patient's name. */
@DisplayName("Mail messages: patient waiting, measure due, distress")
class MailTriggerMessagesTest {

    static final Person THERAPIST = new Person("t1", "c1", Role.THERAPIST, "Dr. <Sam> Rivera", "sam@example.org", null,
            "Europe/Berlin", null, null, PersonStatus.ACTIVE, Instant.EPOCH);
    static final Person PATIENT = new Person("p1", "c1", Role.PATIENT, "Robin Novak", "robin@example.org", null,
            "America/New_York", "t1", null, PersonStatus.ACTIVE, Instant.EPOCH);

    @Test
    @DisplayName("patient waiting: the session's HH:MM in the therapist's zone (summer time), the link, escaped HTML")
    void patientWaiting() {
        Messages.Content c = Messages.patientWaiting(THERAPIST, Instant.parse("2026-07-01T12:00:00Z"), ZoneId.of("Europe/Berlin"),
                "https://hearth.test/#/therapist");
        assertEquals("A patient is waiting for your session at 14:00", c.subject());
        assertTrue(c.text().contains("14:00 (Europe/Berlin)") && c.text().contains("https://hearth.test/#/therapist"), c.text());
        assertTrue(c.html().contains("Dr. &lt;Sam&gt; Rivera") && c.html().contains("href=\"https://hearth.test/#/therapist\""), c.html());
    }

    @Test
    @DisplayName("measure due: 'a short check-in questionnaire' and the link, no instrument or what it screens for")
    void measureDue() {
        Messages.Content c = Messages.measureDue(PATIENT, Instant.parse("2026-03-09T14:00:00Z"), ZoneId.of("America/New_York"),
                "https://hearth.test/#/course");
        String all = c.subject() + c.text() + c.html();
        assertTrue(c.text().contains("short check-in questionnaire") && c.text().contains("10:00 (America/New_York)"), c.text());
        assertTrue(c.html().contains("https://hearth.test/#/course"), c.html());
        for (String clinical : new String[] {"PHQ", "GAD", "PCL", "depress", "anxiety", "PTSD", "score", "suicid"}) {
            assertFalse(all.contains(clinical), clinical + " in " + all);
        }
    }

    @Test
    @DisplayName("distress: that a patient asked for support, the session's time, the link; cannot be turned off")
    void distress() {
        Messages.Content c = Messages.distressAlert(THERAPIST, Instant.parse("2026-01-15T17:30:00Z"), ZoneId.of("Europe/Berlin"),
                "https://hearth.test/#/therapist");
        assertEquals("Hearth: a patient asked for support", c.subject());
        assertTrue(c.text().contains("18:30 (Europe/Berlin)") && c.text().contains("cannot be turned off"), c.text());
        assertTrue(c.html().contains("https://hearth.test/#/therapist"), c.html());
        assertFalse((c.subject() + c.text() + c.html()).contains("Robin"), "no patient name");
    }
}
