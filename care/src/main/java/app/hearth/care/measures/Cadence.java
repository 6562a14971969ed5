package app.hearth.care.measures;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.DosingRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which questionnaires a patient owes now, from their course: a pure function of the clinic's
 * cadence, the patient's appointments and dosing records, what they already answered, and the time.
 * Occasions (stable strings, one answer per instrument each):
 * <ul>
 *   <li>{@code baseline}: due at once while the patient has none, dated from the course start;</li>
 *   <li>{@code before-dosing:<dosingId>}: from {@link #BEFORE_DOSING} before a booked dosing until it
 *       starts. A week: the PHQ-9 and GAD-7 ask about the last two weeks, so a week before gives a
 *       reading of the state the patient goes into the dose with, and leaves days to answer around
 *       the preparation session that usually falls in that week;</li>
 *   <li>{@code after-integration:<integrationId>}: for {@link #AFTER_INTEGRATION} after a booked
 *       integration ended, while the session is fresh;</li>
 *   <li>{@code follow-up:<n>w}: n weeks after the end of the last attended dosing (the clinic's
 *       record), until the next follow-up falls due (a 4-week follow-up answered at 13 weeks would
 *       not be one).</li>
 * </ul>
 * Answered occasions drop out; cancelled appointments are not passed in.
 */
public final class Cadence {

    public static final Duration BEFORE_DOSING = Duration.ofDays(7);
    public static final Duration AFTER_INTEGRATION = Duration.ofDays(7);
    public static final String BASELINE = "baseline";

    /** One questionnaire owed for one occasion. */
    public record Due(String instrument, String occasion, String label, Instant dueAt) {
    }

    private Cadence() {
    }

    /**
     * @param courseStart  when the course began (its first appointment, or the patient's record), or null
     * @param appointments the patient's booked appointments, any order
     * @param dosings      the clinic's dosing records for the patient
     * @param answered     {@link #key} of every (instrument, occasion) already answered
     */
    public static List<Due> due(CareSettings.Cadence cadence, Instant courseStart, List<Appointment> appointments,
                                List<DosingRecord> dosings, Set<String> answered, Instant now) {
        List<Due> due = new ArrayList<>();
        Instant baselineAt = courseStart == null || courseStart.isAfter(now) ? now : courseStart;
        add(due, cadence.baseline(), BASELINE, "Baseline, before your course begins", baselineAt, answered);

        List<Appointment> sorted = appointments.stream().filter(a -> a.status() == Appointment.Status.BOOKED)
                .sorted(Comparator.comparing(Appointment::start)).toList();
        for (Appointment a : sorted) {
            if (a.type() == AppointmentType.DOSING) {
                Instant opens = a.start().minus(BEFORE_DOSING);
                if (!now.isBefore(opens) && now.isBefore(a.start())) {
                    add(due, cadence.beforeDosing(), "before-dosing:" + a.id(), "Before your dosing session", opens, answered);
                }
            } else if (a.type() == AppointmentType.INTEGRATION) {
                if (!now.isBefore(a.end()) && now.isBefore(a.end().plus(AFTER_INTEGRATION))) {
                    add(due, cadence.afterIntegration(), "after-integration:" + a.id(), "After your integration session", a.end(),
                            answered);
                }
            }
        }

        Optional<Instant> lastDose = dosings.stream().filter(DosingRecord::attended)
                .map(r -> r.endedAt() != null ? r.endedAt() : r.startedAt()).filter(java.util.Objects::nonNull)
                .max(Comparator.naturalOrder());
        if (lastDose.isPresent()) {
            List<Integer> weeks = cadence.followUpWeeks().stream().sorted().toList();
            for (int i = 0; i < weeks.size(); i++) {
                Instant from = lastDose.get().plus(Duration.ofDays(7L * weeks.get(i)));
                Instant until = i + 1 < weeks.size() ? lastDose.get().plus(Duration.ofDays(7L * weeks.get(i + 1))) : null;
                if (!now.isBefore(from) && (until == null || now.isBefore(until))) {
                    add(due, cadence.followUp(), followUp(weeks.get(i)), weeks.get(i) + "-week follow-up", from, answered);
                }
            }
        }
        return List.copyOf(due);
    }

    public static String followUp(int weeks) {
        return "follow-up:" + weeks + "w";
    }

    public static String key(String instrument, String occasion) {
        return instrument + "|" + occasion;
    }

    /** Whether the instrument is owed for the occasion in this list of what is due. */
    public static boolean isDue(List<Due> due, String instrument, String occasion) {
        return due.stream().anyMatch(d -> d.instrument().equals(instrument) && d.occasion().equals(occasion));
    }

    private static void add(List<Due> due, List<String> instruments, String occasion, String label, Instant at, Set<String> answered) {
        for (String instrument : instruments) {
            if (!answered.contains(key(instrument, occasion))) {
                due.add(new Due(instrument, occasion, label, at));
            }
        }
    }
}
