package app.hearth.booking.schedule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * When a therapist can be booked: weekly hours and date exceptions as wall-clock times in their own
 * zone, buffers kept free around every appointment, how soon (minimum notice) and how far ahead
 * (horizon) bookings may be made. Checks itself on construction: overlapping hours, inverted spans
 * and unknown zones are refused with the field at fault.
 */
public record Availability(String therapistId, String timeZone, List<WeeklyHours> weekly, List<DateException> exceptions,
                           Duration bufferBefore, Duration bufferAfter, Duration minimumNotice, Duration horizon) {

    public static Availability empty(String therapistId, String timeZone) {
        return new Availability(therapistId, timeZone, List.of(), List.of(), Duration.ZERO, Duration.ZERO,
                Duration.ofHours(24), Duration.ofDays(90));
    }

    public Availability {
        try {
            ZoneId.of(timeZone);
        } catch (DateTimeException | NullPointerException e) {
            throw ScheduleProblems.UNKNOWN_TIME_ZONE.exception("Unknown time zone '" + timeZone
                    + "'; use an IANA name such as Europe/Berlin", "timeZone");
        }
        weekly = List.copyOf(weekly);
        exceptions = List.copyOf(exceptions);
        List<WeeklyHours> sorted = new ArrayList<>(weekly);
        sorted.sort(Comparator.comparing(WeeklyHours::day).thenComparing(WeeklyHours::start));
        for (int i = 1; i < sorted.size(); i++) {
            WeeklyHours previous = sorted.get(i - 1);
            WeeklyHours current = sorted.get(i);
            if (previous.day() == current.day() && current.start().isBefore(previous.end())) {
                throw ScheduleProblems.INVALID_AVAILABILITY.exception("Hours on " + current.day() + " overlap: "
                        + previous.start() + "–" + previous.end() + " and " + current.start() + "–" + current.end(), "weekly");
            }
        }
        for (Duration d : List.of(bufferBefore, bufferAfter, minimumNotice, horizon)) {
            if (d.isNegative()) {
                throw ScheduleProblems.INVALID_AVAILABILITY.exception("Buffers, notice and horizon cannot be negative", null);
            }
        }
        if (bufferBefore.toMinutes() % 5 != 0 || bufferAfter.toMinutes() % 5 != 0 || bufferBefore.toSeconds() % 60 != 0
                || bufferAfter.toSeconds() % 60 != 0) {
            throw ScheduleProblems.INVALID_AVAILABILITY.exception("Buffers are whole multiples of 5 minutes", "bufferBeforeMinutes");
        }
        if (horizon.compareTo(Duration.ofDays(730)) > 0) {
            throw ScheduleProblems.INVALID_AVAILABILITY.exception("The booking horizon is at most two years", "horizonDays");
        }
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }
}
