package app.hearth.booking.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a therapist's wall-clock availability into real time and lists bookable starts.
 *
 * <p>Daylight saving: every wall-clock boundary of the therapist's hours is resolved to one instant
 * ({@link #resolve}). A time that does not exist (inside the spring-forward gap, e.g. 02:30 in
 * Berlin on the last Sunday of March) is the instant of the switch, so hours are cut at the jump and
 * never pushed later: 01:00–04:00 that night is two real hours, 02:30–04:00 is 03:00–04:00 summer
 * time, and a span wholly inside the gap is empty. A time that exists twice (the fall-back hour)
 * is read as its first occurrence; a span that runs through the repeated hour therefore holds it
 * twice, so 01:00–04:00 in Berlin on the last Sunday of October is four real hours (01:00 CEST to
 * 04:00 CET), and 01:00–02:30 that night ends at the first 02:30. Slots are steps of real time from
 * the window's start, so no start ever falls in a gap and a viewer in any zone sees the same instants.
 */
public final class SlotCalculator {

    /** Candidate starts are this far apart within a window. */
    public static final Duration STEP = Duration.ofMinutes(15);

    private SlotCalculator() {
    }

    /** Real-time windows of availability overlapping [from, to), merged and in order. */
    public static List<TimeRange> windows(Availability availability, Instant from, Instant to) {
        ZoneId zone = availability.zone();
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = to.atZone(zone).toLocalDate().plusDays(1);
        List<TimeRange> result = new ArrayList<>();
        for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
            for (LocalTime[] span : localSpans(availability, date)) {
                Instant start = resolve(date, span[0], zone);
                Instant end = resolve(date, span[1], zone);
                if (end.isAfter(start) && end.isAfter(from) && start.isBefore(to)) {
                    result.add(new TimeRange(start, end));
                }
            }
        }
        return merge(result);
    }

    /**
     * Bookable starts in [from, to) for an appointment of {@code duration}: inside a window, outside
     * the minimum notice, within the horizon, and with the appointment plus the therapist's buffers
     * clear of every busy range (existing appointments already widened by their buffers).
     */
    public static List<Instant> slots(Availability availability, Duration duration, List<TimeRange> busy,
                                      Instant from, Instant to, Instant now) {
        Instant earliest = now.plus(availability.minimumNotice());
        Instant latest = now.plus(availability.horizon());
        List<Instant> starts = new ArrayList<>();
        for (TimeRange window : windows(availability, from, to)) {
            for (Instant t = window.start(); !t.plus(duration).isAfter(window.end()); t = t.plus(STEP)) {
                if (t.isBefore(from) || !t.isBefore(to) || t.isBefore(earliest) || t.isAfter(latest)) {
                    continue;
                }
                TimeRange claimed = new TimeRange(t, t.plus(duration))
                        .widen(availability.bufferBefore(), availability.bufferAfter());
                if (busy.stream().noneMatch(claimed::overlaps)) {
                    starts.add(t);
                }
            }
        }
        return starts;
    }

    /**
     * The instant a wall-clock time on a date stands for in a zone: the switch itself for a time in a
     * spring-forward gap, the first occurrence for a time that a fall-back repeats.
     */
    static Instant resolve(LocalDate date, LocalTime time, ZoneId zone) {
        LocalDateTime local = date.atTime(time);
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        return ZonedDateTime.ofLocal(local, zone, null).toInstant(); // null: the earlier offset of an overlap
    }

    /** Whether an appointment fits entirely inside one availability window. */
    public static boolean withinAvailability(Availability availability, TimeRange appointment) {
        return windows(availability, appointment.start(), appointment.end()).stream()
                .anyMatch(w -> w.contains(appointment));
    }

    /** The day's spans as wall-clock times: weekly hours, minus time off, plus extra hours. */
    private static List<LocalTime[]> localSpans(Availability availability, LocalDate date) {
        List<LocalTime[]> spans = new ArrayList<>();
        availability.weekly().stream().filter(w -> w.day() == date.getDayOfWeek())
                .forEach(w -> spans.add(new LocalTime[] {w.start(), w.end()}));
        for (DateException exception : availability.exceptions()) {
            if (!exception.date().equals(date) || exception.kind() != DateException.Kind.OFF) {
                continue;
            }
            if (exception.wholeDay()) {
                spans.clear();
            } else {
                List<LocalTime[]> remaining = new ArrayList<>();
                for (LocalTime[] span : spans) {
                    if (!exception.start().isBefore(span[1]) || !span[0].isBefore(exception.end())) {
                        remaining.add(span);
                        continue;
                    }
                    if (span[0].isBefore(exception.start())) {
                        remaining.add(new LocalTime[] {span[0], exception.start()});
                    }
                    if (exception.end().isBefore(span[1])) {
                        remaining.add(new LocalTime[] {exception.end(), span[1]});
                    }
                }
                spans.clear();
                spans.addAll(remaining);
            }
        }
        availability.exceptions().stream()
                .filter(e -> e.date().equals(date) && e.kind() == DateException.Kind.EXTRA)
                .forEach(e -> spans.add(new LocalTime[] {e.start(), e.end()}));
        return spans;
    }

    private static List<TimeRange> merge(List<TimeRange> ranges) {
        ranges.sort(Comparator.comparing(TimeRange::start));
        List<TimeRange> merged = new ArrayList<>();
        for (TimeRange range : ranges) {
            if (!merged.isEmpty() && !range.start().isAfter(merged.get(merged.size() - 1).end())) {
                TimeRange last = merged.remove(merged.size() - 1);
                merged.add(new TimeRange(last.start(), range.end().isAfter(last.end()) ? range.end() : last.end()));
            } else {
                merged.add(range);
            }
        }
        return merged;
    }
}
