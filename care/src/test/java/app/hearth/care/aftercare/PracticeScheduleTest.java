package app.hearth.care.aftercare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.care.aftercare.AftercareModel.Completion;
import app.hearth.care.aftercare.AftercareModel.Occurrence;
import app.hearth.care.aftercare.AftercareModel.ProposedSchedule;
import app.hearth.care.aftercare.AftercareModel.Schedule;
import app.hearth.platform.problem.ProblemException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("When a practice falls: local dates in the clinic's zone, across daylight-saving changes")
class PracticeScheduleTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final Instant LONG_AGO = Instant.parse("2026-01-01T12:00:00Z");

    /** The schedule with the clock at a local time in New York. */
    static PracticeSchedule at(String localDateTime) {
        Instant now = LocalDateTime.parse(localDateTime).atZone(NEW_YORK).toInstant();
        return new PracticeSchedule(Clock.fixed(now, ZoneOffset.UTC), NEW_YORK);
    }

    static Instant local(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(NEW_YORK).toInstant();
    }

    static List<LocalDate> dates(String... dates) {
        return java.util.Arrays.stream(dates).map(LocalDate::parse).toList();
    }

    static List<String> states(List<Occurrence> occurrences) {
        return occurrences.stream().map(o -> o.date() + " " + o.state()).toList();
    }

    static Completion done(String date) {
        return new Completion("c-" + date, "p", LocalDate.parse(date), AftercareModel.DONE, 4, null, LONG_AGO);
    }

    @Test
    @DisplayName("a daily practice across the spring-forward (2027-03-14, a 23-hour day) has every date once, and 'today' "
            + "follows the local clock")
    void dailyAcrossSpringForward() {
        Schedule daily = new Schedule(PracticeSchedule.DAILY, LocalDate.parse("2027-03-12"), 5);
        PracticeSchedule justAfter = at("2027-03-15T00:30");
        List<LocalDate> dates = justAfter.dates(daily, LONG_AGO, null, List.of(), Set.of());
        assertEquals(dates("2027-03-12", "2027-03-13", "2027-03-14", "2027-03-15", "2027-03-16"), dates);
        assertEquals(LocalDate.parse("2027-03-15"), justAfter.today(), "00:30 EDT is already the 15th (04:30 UTC)");
        assertEquals(List.of("2027-03-12 missed", "2027-03-13 done", "2027-03-14 missed", "2027-03-15 due", "2027-03-16 upcoming"),
                states(justAfter.occurrences(dates, Map.of(LocalDate.parse("2027-03-13"), done("2027-03-13")))));

        // late on the short day itself: UTC is on the 15th already, the clinic is still on the 14th
        PracticeSchedule lateOnTheDay = at("2027-03-14T23:30");
        assertEquals(LocalDate.parse("2027-03-14"), lateOnTheDay.today());
        assertEquals("2027-03-14 due", states(lateOnTheDay.occurrences(dates, Map.of())).get(2));
        assertTrue(lateOnTheDay.recordable(dates, LocalDate.parse("2027-03-14")));
        assertFalse(lateOnTheDay.recordable(dates, LocalDate.parse("2027-03-15")), "tomorrow is not due yet");
    }

    @Test
    @DisplayName("a daily practice across the fall-back (2026-11-01, a 25-hour day): the repeated hour stays on one date")
    void dailyAcrossFallBack() {
        Schedule daily = new Schedule(PracticeSchedule.DAILY, LocalDate.parse("2026-10-30"), 4);
        List<LocalDate> dates = at("2026-11-01T12:00").dates(daily, LONG_AGO, null, List.of(), Set.of());
        assertEquals(dates("2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"), dates);
        // both 01:30s of the 1st (EDT, then EST) and 23:30 EST (04:30 UTC on the 2nd) are the 1st
        for (Instant now : List.of(Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-01T06:30:00Z"),
                Instant.parse("2026-11-02T04:30:00Z"))) {
            PracticeSchedule calendar = new PracticeSchedule(Clock.fixed(now, ZoneOffset.UTC), NEW_YORK);
            assertEquals(LocalDate.parse("2026-11-01"), calendar.today(), now.toString());
            assertEquals(List.of("2026-10-30 missed", "2026-10-31 missed", "2026-11-01 due", "2026-11-02 upcoming"),
                    states(calendar.occurrences(dates, Map.of())), now.toString());
        }
    }

    @Test
    @DisplayName("after a dosing that ended at 23:30 local before the spring-forward: its own date, then the next ones "
            + "(24-hour steps would skip the 14th); at 00:30 on the 15th, the 15th is due")
    void afterDosingEndingLateBeforeSpringForward() {
        Schedule afterDosing = new Schedule(PracticeSchedule.AFTER_DOSING, null, 3);
        Instant ended = local("2027-03-13T23:30"); // 04:30 UTC on the 14th
        PracticeSchedule calendar = at("2027-03-15T00:30");
        List<LocalDate> dates = calendar.dates(afterDosing, LONG_AGO, null, List.of(ended), Set.of());
        assertEquals(dates("2027-03-13", "2027-03-14", "2027-03-15"), dates);
        assertEquals(List.of("2027-03-13 missed", "2027-03-14 done", "2027-03-15 due"),
                states(calendar.occurrences(dates, Map.of(LocalDate.parse("2027-03-14"), done("2027-03-14")))));
    }

    @Test
    @DisplayName("after a dosing that ended at 23:30 local on the fall-back day (04:30 UTC the next day): the dosing's local "
            + "date counts; at 00:30 local just after, yesterday is missed and today due")
    void afterDosingEndingLateOnFallBackDay() {
        Schedule afterDosing = new Schedule(PracticeSchedule.AFTER_DOSING, null, 2);
        Instant ended = local("2026-11-01T23:30");
        assertEquals(Instant.parse("2026-11-02T04:30:00Z"), ended);
        PracticeSchedule calendar = at("2026-11-02T00:30");
        List<LocalDate> dates = calendar.dates(afterDosing, LONG_AGO, null, List.of(ended), Set.of());
        assertEquals(dates("2026-11-01", "2026-11-02"), dates);
        assertEquals(LocalDate.parse("2026-11-02"), calendar.today());
        assertEquals(List.of("2026-11-01 missed", "2026-11-02 due"), states(calendar.occurrences(dates, Map.of())));
    }

    @Test
    @DisplayName("after-dosing: every attended dosing opens a window, overlapping days count once, none before the assignment")
    void afterDosingWindows() {
        Schedule afterDosing = new Schedule(PracticeSchedule.AFTER_DOSING, null, 3);
        PracticeSchedule calendar = at("2026-12-10T12:00");
        List<Instant> ends = List.of(local("2026-12-08T15:00"), local("2026-12-01T15:00"), local("2026-11-20T15:00"));
        // assigned on the 2nd: the window of the 20th is before it, the 1st's is cut to the 2nd and 3rd
        List<LocalDate> dates = calendar.dates(afterDosing, local("2026-12-02T09:00"), null, ends, Set.of());
        assertEquals(dates("2026-12-02", "2026-12-03", "2026-12-08", "2026-12-09", "2026-12-10"), dates);
        List<LocalDate> overlapping = calendar.dates(afterDosing, LONG_AGO, null,
                List.of(local("2026-12-01T10:00"), local("2026-12-02T10:00")), Set.of());
        assertEquals(dates("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"), overlapping);
        assertEquals(List.of(), calendar.dates(afterDosing, LONG_AGO, null, List.of(), Set.of()), "no dosing yet, nothing due");
    }

    @Test
    @DisplayName("an ended practice keeps the dates before the day it ended and any recorded date; the rest are gone")
    void ended() {
        Schedule daily = new Schedule(PracticeSchedule.DAILY, LocalDate.parse("2026-12-01"), 10);
        PracticeSchedule calendar = at("2026-12-05T18:00");
        List<LocalDate> dates = calendar.dates(daily, LONG_AGO, local("2026-12-05T09:00"), List.of(),
                Set.of(LocalDate.parse("2026-12-05")));
        assertEquals(dates("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"), dates);
        List<LocalDate> unrecorded = calendar.dates(daily, LONG_AGO, local("2026-12-05T09:00"), List.of(), Set.of());
        assertEquals(dates("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"), unrecorded);
        assertFalse(calendar.recordable(unrecorded, LocalDate.parse("2026-12-05")));
        AftercareModel.Adherence a = PracticeSchedule.adherence(calendar.occurrences(unrecorded,
                Map.of(LocalDate.parse("2026-12-02"), done("2026-12-02"))));
        assertEquals(new AftercareModel.Adherence(1, 0, 3, 0, 0), a);
    }

    @Test
    @DisplayName("a schedule that cannot work is refused naming its part")
    void validation() {
        PracticeSchedule calendar = at("2026-12-03T10:00");
        assertEquals(new Schedule(PracticeSchedule.DAILY, LocalDate.parse("2026-12-03"), 14),
                calendar.validate(new ProposedSchedule("daily", "2026-12-03", 14)));
        assertEquals(new Schedule(PracticeSchedule.AFTER_DOSING, null, 3), calendar.validate(new ProposedSchedule("after-dosing", null, 3)));
        assertInvalid(calendar, null, "schedule");
        assertInvalid(calendar, new ProposedSchedule("weekly", "2026-12-03", 4), "schedule.kind");
        assertInvalid(calendar, new ProposedSchedule("daily", null, 4), "schedule.startDate");
        assertInvalid(calendar, new ProposedSchedule("daily", "12/03/2026", 4), "schedule.startDate");
        assertInvalid(calendar, new ProposedSchedule("daily", "2026-02-30", 4), "schedule.startDate");
        assertInvalid(calendar, new ProposedSchedule("daily", "2026-10-01", 4), "schedule.startDate");
        assertInvalid(calendar, new ProposedSchedule("daily", "2028-01-01", 4), "schedule.startDate");
        assertInvalid(calendar, new ProposedSchedule("daily", "2026-12-03", 0), "schedule.days");
        assertInvalid(calendar, new ProposedSchedule("daily", "2026-12-03", 91), "schedule.days");
        assertInvalid(calendar, new ProposedSchedule("daily", "2026-12-03", null), "schedule.days");
        assertInvalid(calendar, new ProposedSchedule("after-dosing", null, 15), "schedule.days");
        assertInvalid(calendar, new ProposedSchedule("after-dosing", "2026-12-03", 3), "schedule.startDate");
    }

    static void assertInvalid(PracticeSchedule calendar, ProposedSchedule proposed, String field) {
        ProblemException e = assertThrows(ProblemException.class, () -> calendar.validate(proposed));
        assertEquals("invalid-schedule", e.type().slug());
        assertEquals(field, e.field());
    }
}
