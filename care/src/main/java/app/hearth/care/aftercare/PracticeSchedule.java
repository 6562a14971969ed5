package app.hearth.care.aftercare;

import app.hearth.care.aftercare.AftercareModel.Adherence;
import app.hearth.care.aftercare.AftercareModel.Completion;
import app.hearth.care.aftercare.AftercareModel.Occurrence;
import app.hearth.care.aftercare.AftercareModel.ProposedSchedule;
import app.hearth.care.aftercare.AftercareModel.Schedule;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a practice falls, in the clinic's time zone: a pure function of the schedule, the dosings and
 * the clock. Every date is a {@link LocalDate} reached by calendar arithmetic in {@code zone}, never
 * by adding 24 hours to an instant: a day around a daylight-saving change is 23 or 25 hours long,
 * and an instant plus 24 h would skip or repeat a date (docs/adr/0019).
 * <ul>
 *   <li>{@code daily}: {@code days} dates from {@code startDate};</li>
 *   <li>{@code after-dosing}: {@code days} dates from the local date each attended dosing ended
 *       (that date included), none before the day the practice was assigned; overlapping windows
 *       count a date once;</li>
 *   <li>a practice ended on some date keeps the dates before it, and any date already recorded; the
 *       rest are gone.</li>
 * </ul>
 * States: recorded dates are {@code done} or {@code skipped}; otherwise a past date is
 * {@code missed}, today's {@code due}, a later one {@code upcoming}.
 */
public final class PracticeSchedule {

    public static final String DAILY = "daily";
    public static final String AFTER_DOSING = "after-dosing";
    public static final int DAILY_MAX_DAYS = 90;
    public static final int AFTER_DOSING_MAX_DAYS = 14;
    /** A daily practice may start this far back (begun in the session, written down after it). */
    public static final int START_BACK_DAYS = 30;
    public static final int START_AHEAD_DAYS = 365;

    private final Clock clock;
    private final ZoneId zone;

    public PracticeSchedule(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Today in the clinic's zone. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), zone);
    }

    /** The local date, in the clinic's zone, of an instant. */
    public LocalDate localDate(Instant instant) {
        return LocalDate.ofInstant(instant, zone);
    }

    /** Checks a proposed schedule; {@link AftercareProblems#INVALID_SCHEDULE} names the part that cannot work. */
    public Schedule validate(ProposedSchedule proposed) {
        if (proposed == null) {
            throw AftercareProblems.INVALID_SCHEDULE.exception("Give a schedule", "schedule");
        }
        if (DAILY.equals(proposed.kind())) {
            if (proposed.startDate() == null) {
                throw AftercareProblems.INVALID_SCHEDULE.exception("A daily practice needs its first date", "schedule.startDate");
            }
            LocalDate start;
            try {
                start = LocalDate.parse(proposed.startDate());
            } catch (DateTimeParseException e) {
                throw AftercareProblems.INVALID_SCHEDULE.exception("Dates are YYYY-MM-DD", "schedule.startDate");
            }
            LocalDate today = today();
            if (start.isBefore(today.minusDays(START_BACK_DAYS)) || start.isAfter(today.plusDays(START_AHEAD_DAYS))) {
                throw AftercareProblems.INVALID_SCHEDULE.exception("Start within " + START_BACK_DAYS + " days back and a year ahead",
                        "schedule.startDate");
            }
            return new Schedule(DAILY, start, days(proposed.days(), DAILY_MAX_DAYS));
        }
        if (AFTER_DOSING.equals(proposed.kind())) {
            if (proposed.startDate() != null) {
                throw AftercareProblems.INVALID_SCHEDULE.exception("After-dosing practices start from each dosing", "schedule.startDate");
            }
            return new Schedule(AFTER_DOSING, null, days(proposed.days(), AFTER_DOSING_MAX_DAYS));
        }
        throw AftercareProblems.INVALID_SCHEDULE.exception("The kinds are daily and after-dosing", "schedule.kind");
    }

    private static int days(Integer days, int max) {
        if (days == null || days < 1 || days > max) {
            throw AftercareProblems.INVALID_SCHEDULE.exception("From 1 to " + max + " days", "schedule.days");
        }
        return days;
    }

    /**
     * The practice's dates, ascending.
     *
     * @param assignedAt when the practice was assigned (after-dosing dates start no earlier than its local date)
     * @param endedAt    when the therapist ended it, or null
     * @param dosingEnds when each attended dosing of the patient ended, any order
     * @param recorded   dates with a completion (kept even after the practice ended)
     */
    public List<LocalDate> dates(Schedule schedule, Instant assignedAt, Instant endedAt, Collection<Instant> dosingEnds,
                                 Set<LocalDate> recorded) {
        TreeSet<LocalDate> dates = new TreeSet<>();
        if (DAILY.equals(schedule.kind())) {
            for (int i = 0; i < schedule.days(); i++) {
                dates.add(schedule.startDate().plusDays(i));
            }
        } else {
            LocalDate assignedOn = localDate(assignedAt);
            for (Instant end : dosingEnds) {
                LocalDate first = localDate(end);
                for (int i = 0; i < schedule.days(); i++) {
                    LocalDate date = first.plusDays(i);
                    if (!date.isBefore(assignedOn)) {
                        dates.add(date);
                    }
                }
            }
        }
        if (endedAt != null) {
            LocalDate endedOn = localDate(endedAt);
            dates.removeIf(date -> !date.isBefore(endedOn) && !recorded.contains(date));
        }
        return List.copyOf(dates);
    }

    /** Each date with its state, from the completions recorded so far. */
    public List<Occurrence> occurrences(List<LocalDate> dates, Map<LocalDate, Completion> completions) {
        LocalDate today = today();
        List<Occurrence> out = new ArrayList<>(dates.size());
        for (LocalDate date : dates) {
            Completion c = completions.get(date);
            String state = c != null ? c.state()
                    : date.isBefore(today) ? AftercareModel.MISSED
                    : date.isEqual(today) ? AftercareModel.DUE
                    : AftercareModel.UPCOMING;
            out.add(new Occurrence(date, state, c));
        }
        return out;
    }

    /** Whether the patient may record {@code date} now: one of the practice's dates, and not in the future. */
    public boolean recordable(List<LocalDate> dates, LocalDate date) {
        return dates.contains(date) && !date.isAfter(today());
    }

    public static Adherence adherence(List<Occurrence> occurrences) {
        int done = 0;
        int skipped = 0;
        int missed = 0;
        int due = 0;
        int upcoming = 0;
        for (Occurrence o : occurrences) {
            switch (o.state()) {
                case AftercareModel.DONE -> done++;
                case AftercareModel.SKIPPED -> skipped++;
                case AftercareModel.MISSED -> missed++;
                case AftercareModel.DUE -> due++;
                default -> upcoming++;
            }
        }
        return new Adherence(done, skipped, missed, due, upcoming);
    }
}
