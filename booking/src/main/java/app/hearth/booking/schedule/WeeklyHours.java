package app.hearth.booking.schedule;

import java.time.DayOfWeek;
import java.time.LocalTime;

/** Recurring working hours on one weekday, as wall-clock times in the therapist's zone. */
public record WeeklyHours(DayOfWeek day, LocalTime start, LocalTime end) {

    public WeeklyHours {
        if (!end.isAfter(start)) {
            throw ScheduleProblems.INVALID_AVAILABILITY.exception(
                    "Hours on " + day + " end (" + end + ") before they start (" + start + ")", "weekly");
        }
    }
}
