package app.hearth.care.record;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Which reflection to suggest to the patient: after an attended dosing or an ended integration
 * with no journal entry written since. After a dosing: what came up. After an integration: the
 * insights, or — when the patient already reflected on the dosing before that integration — what
 * to carry into daily life.
 */
public final class JournalPrompts {

    public static final String WHAT_CAME_UP = "What came up for you during the dosing? Images, feelings, memories or"
            + " sensations — whatever stayed with you.";
    public static final String INSIGHTS = "What insights from your integration session feel most important to you now?";
    public static final String CARRY_INTO_LIFE = "What would you like to carry from this work into your daily life,"
            + " and what is one small step toward it?";

    private JournalPrompts() {
    }

    /** A session the patient may reflect on: an attended dosing (when it ended) or an ended integration. */
    public record Moment(String appointmentId, Kind kind, Instant at, Instant dosingEndedAt) {
        public enum Kind { DOSING, INTEGRATION }
    }

    /** A suggestion: the prompt text and the session it follows. */
    public record Prompt(String text, String afterAppointmentId) {
    }

    /**
     * @param moments    the patient's attended dosings and ended integrations (any order)
     * @param entryTimes when each of the patient's journal entries was written
     */
    public static Optional<Prompt> choose(Collection<Moment> moments, Collection<Instant> entryTimes, Instant now) {
        Optional<Moment> latest = moments.stream().filter(m -> !m.at().isAfter(now)).max(Comparator.comparing(Moment::at));
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        Moment m = latest.get();
        if (entryTimes.stream().anyMatch(t -> !t.isBefore(m.at()))) {
            return Optional.empty(); // written since: nothing to nudge
        }
        if (m.kind() == Moment.Kind.DOSING) {
            return Optional.of(new Prompt(WHAT_CAME_UP, m.appointmentId()));
        }
        boolean reflectedOnDosing = m.dosingEndedAt() != null
                && entryTimes.stream().anyMatch(t -> !t.isBefore(m.dosingEndedAt()) && t.isBefore(m.at()));
        return Optional.of(new Prompt(reflectedOnDosing ? CARRY_INTO_LIFE : INSIGHTS, m.appointmentId()));
    }
}
