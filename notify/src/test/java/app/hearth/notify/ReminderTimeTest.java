package app.hearth.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reminder times across DST changes (docs/adr/0024, addendum): whole days on the wall clock, other offsets in real time. */
@DisplayName("Reminder times: whole days are calendar days in the recipient's zone, hours are real hours")
class ReminderTimeTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId LONDON = ZoneId.of("Europe/London");

    static Instant at(String local, ZoneId zone) {
        return LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    @Test
    @DisplayName("clocks go forward in New York on Sunday 14 March 2027: 24 h before Sunday 10:00 is Saturday 10:00 (23 real hours)")
    void springForward() {
        Instant start = at("2027-03-14T10:00", NEW_YORK);
        assertEquals(at("2027-03-13T10:00", NEW_YORK), MailNotifications.reminderTime(start, Duration.ofHours(24), NEW_YORK));
        assertEquals(Duration.ofHours(23), Duration.between(MailNotifications.reminderTime(start, Duration.ofHours(24), NEW_YORK), start));
        assertEquals(at("2027-03-14T09:00", NEW_YORK), MailNotifications.reminderTime(start, Duration.ofHours(1), NEW_YORK));
        assertEquals(at("2027-03-12T10:00", NEW_YORK), MailNotifications.reminderTime(start, Duration.ofDays(2), NEW_YORK));
        // 36 h is not whole days: 36 real hours
        assertEquals(start.minus(Duration.ofHours(36)), MailNotifications.reminderTime(start, Duration.ofHours(36), NEW_YORK));
    }

    @Test
    @DisplayName("clocks go back in London on Sunday 31 October 2027: 24 h before Sunday 10:00 is Saturday 10:00 (25 real hours)")
    void fallBack() {
        Instant sunday = at("2027-10-31T10:00", LONDON);
        Instant reminder = MailNotifications.reminderTime(sunday, Duration.ofHours(24), LONDON);
        assertEquals(at("2027-10-30T10:00", LONDON), reminder);
        assertEquals(Duration.ofHours(25), Duration.between(reminder, sunday));
    }

    @Test
    @DisplayName("a wall-clock time the change skips moves forward by the gap; in UTC a day is 24 h")
    void skippedHour() {
        // Monday 15 March 02:30 → Sunday 14 March 02:30 does not exist in New York: 03:30 EDT
        Instant start = at("2027-03-15T02:30", NEW_YORK);
        assertEquals(at("2027-03-14T03:30", NEW_YORK), MailNotifications.reminderTime(start, Duration.ofDays(1), NEW_YORK));
        Instant utc = Instant.parse("2027-03-14T10:00:00Z");
        assertEquals(utc.minus(Duration.ofDays(1)), MailNotifications.reminderTime(utc, Duration.ofDays(1), ZoneId.of("UTC")));
    }
}
