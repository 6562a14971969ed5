package app.hearth.booking.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.platform.problem.ProblemException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Slots from wall-clock availability")
class SlotCalculatorTest {

    static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    static Availability hours(String zone, DayOfWeek day, String start, String end) {
        return new Availability("t1", zone, List.of(new WeeklyHours(day, LocalTime.parse(start), LocalTime.parse(end))),
                List.of(), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofDays(700));
    }

    static List<Instant> slotsOn(Availability a, String date, Duration duration) {
        Instant from = LocalDate.parse(date).atStartOfDay(a.zone()).toInstant();
        return SlotCalculator.slots(a, duration, List.of(), from, from.plus(Duration.ofDays(1)), NOW);
    }

    static List<TimeRange> windowsOn(Availability a, String date) {
        Instant from = LocalDate.parse(date).atStartOfDay(a.zone()).toInstant();
        return SlotCalculator.windows(a, from, from.plus(Duration.ofDays(1)));
    }

    @Nested
    @DisplayName("America/New_York")
    class NewYork {
        @Test
        @DisplayName("spring forward (2027-03-14): 01:00–04:00 is two real hours; the missing hour offers nothing")
        void springForward() {
            Availability a = hours("America/New_York", DayOfWeek.SUNDAY, "01:00", "04:00");
            assertEquals(List.of(new TimeRange(Instant.parse("2027-03-14T06:00:00Z"), Instant.parse("2027-03-14T08:00:00Z"))),
                    windowsOn(a, "2027-03-14"));
            List<Instant> slots = slotsOn(a, "2027-03-14", HOUR);
            assertEquals(5, slots.size(), slots.toString());
            assertEquals(Instant.parse("2027-03-14T07:00:00Z"), slots.get(slots.size() - 1));
            // a span lying wholly inside the gap does not exist at all
            assertTrue(windowsOn(hours("America/New_York", DayOfWeek.SUNDAY, "02:00", "03:00"), "2027-03-14").isEmpty());
        }

        @Test
        @DisplayName("spring forward: no start in the missing 02:00–03:00, and hours touching it are cut at the switch")
        void springForwardExactly() {
            ZoneId ny = ZoneId.of("America/New_York");
            List<Instant> slots = slotsOn(hours("America/New_York", DayOfWeek.SUNDAY, "01:00", "04:00"), "2027-03-14", HOUR);
            assertEquals(instants("2027-03-14T06:00:00Z", "2027-03-14T06:15:00Z", "2027-03-14T06:30:00Z",
                    "2027-03-14T06:45:00Z", "2027-03-14T07:00:00Z"), slots);
            assertEquals(List.of("01:00-05:00", "01:15-05:00", "01:30-05:00", "01:45-05:00", "03:00-04:00"), local(slots, ny));
            assertNoStartInGap(slots, ny);
            assertEndsBy(slots, HOUR, Instant.parse("2027-03-14T08:00:00Z"));

            Instant switchover = Instant.parse("2027-03-14T07:00:00Z"); // 02:00 EST becomes 03:00 EDT
            assertTrue(windowsOn(hours("America/New_York", DayOfWeek.SUNDAY, "02:15", "02:45"), "2027-03-14").isEmpty());
            assertEquals(List.of(new TimeRange(switchover, Instant.parse("2027-03-14T08:00:00Z"))),
                    windowsOn(hours("America/New_York", DayOfWeek.SUNDAY, "02:30", "04:00"), "2027-03-14"));
            assertEquals(List.of(new TimeRange(Instant.parse("2027-03-14T05:00:00Z"), switchover)),
                    windowsOn(hours("America/New_York", DayOfWeek.SUNDAY, "00:00", "02:30"), "2027-03-14"));
        }

        @Test
        @DisplayName("fall back (01:00–02:00 happens twice): 01:00–04:00 is four real hours, hourly starts are four distinct instants")
        void fallBackOneToFour() {
            ZoneId ny = ZoneId.of("America/New_York");
            Availability a = hours("America/New_York", DayOfWeek.SUNDAY, "01:00", "04:00");
            assertEquals(List.of(new TimeRange(Instant.parse("2027-11-07T05:00:00Z"), Instant.parse("2027-11-07T09:00:00Z"))),
                    windowsOn(a, "2027-11-07"));
            List<Instant> slots = slotsOn(a, "2027-11-07", HOUR);
            assertEquals(13, Set.copyOf(slots).size());
            List<Instant> hourly = slots.stream().filter(s -> s.getEpochSecond() % 3600 == 0).toList();
            assertEquals(instants("2027-11-07T05:00:00Z", "2027-11-07T06:00:00Z", "2027-11-07T07:00:00Z", "2027-11-07T08:00:00Z"), hourly);
            assertEquals(List.of("01:00-04:00", "01:00-05:00", "02:00-05:00", "03:00-05:00"), local(hourly, ny));
        }

        @Test
        @DisplayName("fall back (2027-11-07): 00:00–03:00 is four real hours; the repeated hour is offered twice")
        void fallBack() {
            Availability a = hours("America/New_York", DayOfWeek.SUNDAY, "00:00", "03:00");
            assertEquals(List.of(new TimeRange(Instant.parse("2027-11-07T04:00:00Z"), Instant.parse("2027-11-07T08:00:00Z"))),
                    windowsOn(a, "2027-11-07"));
            List<Instant> slots = slotsOn(a, "2027-11-07", HOUR);
            assertEquals(13, slots.size());
            ZoneId ny = ZoneId.of("America/New_York");
            long oneThirties = slots.stream().filter(s -> s.atZone(ny).toLocalTime().equals(LocalTime.of(1, 30))).count();
            assertEquals(2, oneThirties, "01:30 EDT and 01:30 EST are different instants, both bookable");
        }

        @Test
        @DisplayName("an ordinary Sunday has three real hours")
        void ordinaryDay() {
            assertEquals(9, slotsOn(hours("America/New_York", DayOfWeek.SUNDAY, "00:00", "03:00"), "2027-11-14", HOUR).size());
        }
    }

    @Nested
    @DisplayName("Europe/Berlin")
    class Berlin {
        static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

        @Test
        @DisplayName("spring forward (2027-03-28, 02:00–03:00 does not exist): 01:00–04:00 is two real hours; no start in the gap")
        void springForward() {
            Availability a = hours("Europe/Berlin", DayOfWeek.SUNDAY, "01:00", "04:00");
            // 01:00 CET = 00:00Z; 04:00 CEST = 02:00Z
            assertEquals(List.of(new TimeRange(Instant.parse("2027-03-28T00:00:00Z"), Instant.parse("2027-03-28T02:00:00Z"))),
                    windowsOn(a, "2027-03-28"));
            List<Instant> slots = slotsOn(a, "2027-03-28", HOUR);
            // 01:00, 01:15, 01:30, 01:45 CET, then straight to 03:00 CEST: the quarter-hour grid runs on in real time
            assertEquals(instants("2027-03-28T00:00:00Z", "2027-03-28T00:15:00Z", "2027-03-28T00:30:00Z",
                    "2027-03-28T00:45:00Z", "2027-03-28T01:00:00Z"), slots);
            assertEquals(List.of("01:00+01:00", "01:15+01:00", "01:30+01:00", "01:45+01:00", "03:00+02:00"), local(slots, BERLIN));
            assertNoStartInGap(slots, BERLIN);
            assertEndsBy(slots, HOUR, Instant.parse("2027-03-28T02:00:00Z"));
        }

        @Test
        @DisplayName("spring forward: hours that begin or end inside the missing hour are cut at the switch, never pushed later")
        void spansTouchingTheGap() {
            Instant switchover = Instant.parse("2027-03-28T01:00:00Z"); // 02:00 CET becomes 03:00 CEST
            assertTrue(windowsOn(hours("Europe/Berlin", DayOfWeek.SUNDAY, "02:00", "03:00"), "2027-03-28").isEmpty());
            assertTrue(windowsOn(hours("Europe/Berlin", DayOfWeek.SUNDAY, "02:15", "02:45"), "2027-03-28").isEmpty(),
                    "a span wholly inside the gap is not moved to 03:15–03:45");
            // 02:30–04:00 means the real 03:00–04:00 CEST, not 03:30–04:00
            assertEquals(List.of(new TimeRange(switchover, Instant.parse("2027-03-28T02:00:00Z"))),
                    windowsOn(hours("Europe/Berlin", DayOfWeek.SUNDAY, "02:30", "04:00"), "2027-03-28"));
            // 00:00–02:30 ends when the clock jumps; it does not run on to 03:30 CEST
            Availability untilGap = hours("Europe/Berlin", DayOfWeek.SUNDAY, "00:00", "02:30");
            assertEquals(List.of(new TimeRange(Instant.parse("2027-03-27T23:00:00Z"), switchover)), windowsOn(untilGap, "2027-03-28"));
            List<Instant> slots = slotsOn(untilGap, "2027-03-28", HOUR);
            assertEquals(Instant.parse("2027-03-28T00:00:00Z"), slots.get(slots.size() - 1), "the last hour is 01:00–02:00 CET");
            assertEndsBy(slots, HOUR, switchover);
            assertFalse(SlotCalculator.withinAvailability(untilGap, new TimeRange(switchover, switchover.plus(HOUR))),
                    "03:00 CEST is outside hours that end at 02:30");
        }

        @Test
        @DisplayName("fall back (2027-10-31, 02:00–03:00 happens twice): 01:00–04:00 is four real hours, hourly starts are four distinct instants")
        void fallBack() {
            Availability a = hours("Europe/Berlin", DayOfWeek.SUNDAY, "01:00", "04:00");
            // 01:00 CEST = 23:00Z the day before; 04:00 CET = 03:00Z
            assertEquals(List.of(new TimeRange(Instant.parse("2027-10-30T23:00:00Z"), Instant.parse("2027-10-31T03:00:00Z"))),
                    windowsOn(a, "2027-10-31"));
            List<Instant> slots = slotsOn(a, "2027-10-31", HOUR);
            assertEquals(13, slots.size(), "four real hours hold 13 quarter-hour starts of a one-hour appointment: " + slots);
            assertEquals(13, Set.copyOf(slots).size(), "no instant offered twice");
            List<Instant> hourly = slots.stream().filter(s -> s.getEpochSecond() % 3600 == 0).toList();
            assertEquals(instants("2027-10-30T23:00:00Z", "2027-10-31T00:00:00Z", "2027-10-31T01:00:00Z", "2027-10-31T02:00:00Z"), hourly);
            assertEquals(List.of("01:00+02:00", "02:00+02:00", "02:00+01:00", "03:00+01:00"), local(hourly, BERLIN),
                    "02:00 CEST and 02:00 CET are both offered");
            assertEquals(List.of(Instant.parse("2027-10-30T23:00:00Z")), slotsOn(a, "2027-10-31", Duration.ofHours(4)),
                    "exactly one four-hour appointment fits");
        }

        @Test
        @DisplayName("fall back: a time that exists twice is read as its first occurrence")
        void ambiguousEnd() {
            // 01:00–02:30 ends at the first 02:30 (CEST): one and a half real hours
            assertEquals(List.of(new TimeRange(Instant.parse("2027-10-30T23:00:00Z"), Instant.parse("2027-10-31T00:30:00Z"))),
                    windowsOn(hours("Europe/Berlin", DayOfWeek.SUNDAY, "01:00", "02:30"), "2027-10-31"));
            // 02:00–03:00 starts at the first 02:00 and ends at 03:00 CET (which exists once): both passes of the hour
            assertEquals(List.of(new TimeRange(Instant.parse("2027-10-31T00:00:00Z"), Instant.parse("2027-10-31T02:00:00Z"))),
                    windowsOn(hours("Europe/Berlin", DayOfWeek.SUNDAY, "02:00", "03:00"), "2027-10-31"));
        }
    }

    static List<Instant> instants(String... values) {
        return java.util.Arrays.stream(values).map(Instant::parse).toList();
    }

    /** Wall-clock time and offset of each instant in a zone, e.g. "02:00+01:00". */
    static List<String> local(List<Instant> instants, ZoneId zone) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("HH:mmxxx");
        return instants.stream().map(i -> i.atZone(zone).format(f)).toList();
    }

    /** Every start is a wall-clock time that really exists, so none lies in (or was moved out of) a gap. */
    static void assertNoStartInGap(List<Instant> slots, ZoneId zone) {
        for (Instant slot : slots) {
            java.time.LocalDateTime wall = java.time.LocalDateTime.ofInstant(slot, zone);
            java.time.zone.ZoneOffsetTransition transition = zone.getRules().getTransition(wall);
            assertFalse(transition != null && transition.isGap(), slot + " reads as " + wall + ", inside the gap");
            assertTrue(zone.getRules().isValidOffset(wall, zone.getRules().getOffset(slot)), slot.toString());
        }
    }

    static void assertEndsBy(List<Instant> slots, Duration duration, Instant end) {
        assertFalse(slots.isEmpty());
        for (Instant slot : slots) {
            assertFalse(slot.plus(duration).isAfter(end), slot + " + " + duration + " runs past " + end);
        }
    }

    @Test
    @DisplayName("a viewer in New York sees a Berlin therapist's 09:00 at 03:00 — or 04:00 in the week the US has switched and Europe has not")
    void viewerInAnotherZone() {
        Availability a = hours("Europe/Berlin", DayOfWeek.MONDAY, "09:00", "10:00");
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
        ZoneId viewer = ZoneId.of("America/New_York");
        assertEquals("03:00", slotsOn(a, "2027-03-08", HOUR).get(0).atZone(viewer).format(hhmm));
        assertEquals("04:00", slotsOn(a, "2027-03-15", HOUR).get(0).atZone(viewer).format(hhmm));
        assertEquals("03:00", slotsOn(a, "2027-03-29", HOUR).get(0).atZone(viewer).format(hhmm));
    }

    @Test
    @DisplayName("busy ranges, buffers, notice, horizon and date exceptions all remove slots")
    void constraints() {
        Availability base = new Availability("t1", "UTC",
                List.of(new WeeklyHours(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(13, 0))),
                List.of(new DateException(LocalDate.parse("2027-01-11"), DateException.Kind.OFF, null, null),
                        new DateException(LocalDate.parse("2027-01-18"), DateException.Kind.OFF, LocalTime.of(10, 0), LocalTime.of(12, 0)),
                        new DateException(LocalDate.parse("2027-01-19"), DateException.Kind.EXTRA, LocalTime.of(14, 0), LocalTime.of(15, 0))),
                Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ZERO, Duration.ofDays(700));
        assertEquals(13, slotsOn(base, "2027-01-04", HOUR).size(), "09:00..12:00 every 15 min");
        assertTrue(slotsOn(base, "2027-01-11", HOUR).isEmpty(), "day off");
        assertEquals(List.of(Instant.parse("2027-01-18T09:00:00Z"), Instant.parse("2027-01-18T12:00:00Z")),
                slotsOn(base, "2027-01-18", HOUR), "10:00–12:00 off leaves 09–10 and 12–13");
        assertEquals(List.of(Instant.parse("2027-01-19T14:00:00Z")), slotsOn(base, "2027-01-19", HOUR), "extra hours on a Tuesday");

        // an appointment 10:00–11:00 (with its own 15-min buffers) and this one's buffers: 09:00 and 11:15+ survive
        TimeRange busy = new TimeRange(Instant.parse("2027-01-04T10:00:00Z"), Instant.parse("2027-01-04T11:00:00Z"))
                .widen(Duration.ofMinutes(15), Duration.ofMinutes(15));
        Instant from = Instant.parse("2027-01-04T00:00:00Z");
        List<Instant> around = SlotCalculator.slots(base, HOUR, List.of(busy), from, from.plus(Duration.ofDays(1)), NOW);
        assertFalse(around.contains(Instant.parse("2027-01-04T09:15:00Z")));
        assertFalse(around.contains(Instant.parse("2027-01-04T11:15:00Z")));
        assertTrue(around.contains(Instant.parse("2027-01-04T11:30:00Z")));

        Availability strict = new Availability("t1", "UTC", base.weekly(), List.of(), Duration.ZERO, Duration.ZERO,
                Duration.ofHours(48), Duration.ofDays(14));
        Instant now = Instant.parse("2027-01-03T10:00:00Z");
        List<Instant> soon = SlotCalculator.slots(strict, HOUR, List.of(), from, from.plus(Duration.ofDays(40)), now);
        assertFalse(soon.contains(Instant.parse("2027-01-04T09:00:00Z")), "inside 48 h notice");
        assertTrue(soon.contains(Instant.parse("2027-01-11T09:00:00Z")));
        assertFalse(soon.contains(Instant.parse("2027-01-25T09:00:00Z")), "beyond the 14-day horizon");
    }

    @Test
    @DisplayName("overlapping or inverted hours and unknown zones are refused naming the field")
    void invalid() {
        ProblemException overlap = assertThrows(ProblemException.class, () -> new Availability("t1", "UTC",
                List.of(new WeeklyHours(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(12, 0)),
                        new WeeklyHours(DayOfWeek.MONDAY, LocalTime.of(11, 0), LocalTime.of(14, 0))),
                List.of(), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofDays(30)));
        assertEquals("weekly", overlap.field());
        assertEquals("invalid-availability", assertThrows(ProblemException.class,
                () -> new WeeklyHours(DayOfWeek.MONDAY, LocalTime.of(12, 0), LocalTime.of(9, 0))).type().slug());
        assertEquals("unknown-time-zone", assertThrows(ProblemException.class,
                () -> Availability.empty("t1", "Mars/Olympus")).type().slug());
    }
}
