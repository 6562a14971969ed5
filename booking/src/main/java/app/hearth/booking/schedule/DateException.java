package app.hearth.booking.schedule;

import java.time.LocalDate;
import java.time.LocalTime;

/**
 * A one-off change on a date in the therapist's zone: {@code OFF} removes that day's hours (all of
 * them when no times are given, otherwise just that span); {@code EXTRA} adds hours.
 */
public record DateException(LocalDate date, Kind kind, LocalTime start, LocalTime end) {

    public enum Kind { OFF, EXTRA }

    public DateException {
        if ((start == null) != (end == null)) {
            throw ScheduleProblems.INVALID_AVAILABILITY.exception("An exception on " + date + " needs both start and end, or neither", "exceptions");
        }
        if (kind == Kind.EXTRA && start == null) {
            throw ScheduleProblems.INVALID_AVAILABILITY.exception("Extra hours on " + date + " need a start and an end", "exceptions");
        }
        if (start != null && !end.isAfter(start)) {
            throw ScheduleProblems.INVALID_AVAILABILITY.exception("The exception on " + date + " ends before it starts", "exceptions");
        }
    }

    public boolean wholeDay() {
        return start == null;
    }
}
