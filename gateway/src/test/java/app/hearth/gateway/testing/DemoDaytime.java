package app.hearth.gateway.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * Start times for tests that book with the demo therapist and then move the session by hours.
 *
 * <p>The first-run demo therapist is bookable around the clock in New York, but a day there ends at
 * 23:55: a session booked for 21:15 and moved by two hours falls outside her hours. A test that
 * picked "now + 30 h" therefore failed only when it ran in the evening. These times are always in
 * the New York morning, so a move by a few hours stays inside the day.
 */
public final class DemoDaytime {
    public static final ZoneId DEMO_ZONE = ZoneId.of("America/New_York");
    private static final LocalTime EARLIEST = LocalTime.of(8, 0);
    private static final LocalTime LATEST = LocalTime.of(12, 0);

    private DemoDaytime() {
    }

    /** The first quarter-hour mark at or after {@code after} that lies between 08:00 and 12:00 in New York. */
    public static Instant morningAfter(Instant after) {
        Instant t = after.truncatedTo(ChronoUnit.HOURS);
        while (t.isBefore(after) || !inMorning(t)) {
            t = t.plus(Duration.ofMinutes(15));
        }
        return t;
    }

    private static boolean inMorning(Instant t) {
        LocalTime local = t.atZone(DEMO_ZONE).toLocalTime();
        return !local.isBefore(EARLIEST) && local.isBefore(LATEST);
    }
}
