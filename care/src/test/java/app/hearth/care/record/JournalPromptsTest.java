package app.hearth.care.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.care.record.JournalPrompts.Moment;
import app.hearth.care.record.JournalPrompts.Prompt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A reflection prompt after an attended dosing or an ended integration, until the patient writes")
class JournalPromptsTest {

    static final Instant NOW = Instant.parse("2027-03-10T12:00:00Z");
    static final Instant DOSED = NOW.minus(Duration.ofDays(6));
    static final Instant INTEGRATED = NOW.minus(Duration.ofDays(1));

    static final Moment DOSING = new Moment("dose", Moment.Kind.DOSING, DOSED, null);
    static final Moment INTEGRATION = new Moment("integrate", Moment.Kind.INTEGRATION, INTEGRATED, DOSED);

    @Test
    @DisplayName("nothing happened yet: no prompt")
    void nothing() {
        assertTrue(JournalPrompts.choose(List.of(), List.of(), NOW).isEmpty());
    }

    @Test
    @DisplayName("after a dosing with no entry since: what came up")
    void afterDosing() {
        assertEquals(Optional.of(new Prompt(JournalPrompts.WHAT_CAME_UP, "dose")),
                JournalPrompts.choose(List.of(DOSING), List.of(DOSED.minus(Duration.ofDays(2))), NOW));
    }

    @Test
    @DisplayName("an entry written since the latest session ends the prompt")
    void writtenSince() {
        assertTrue(JournalPrompts.choose(List.of(DOSING), List.of(DOSED.plus(Duration.ofHours(5))), NOW).isEmpty());
        assertTrue(JournalPrompts.choose(List.of(DOSING, INTEGRATION), List.of(INTEGRATED), NOW).isEmpty());
    }

    @Test
    @DisplayName("after an integration: the insights, or what to carry into daily life once the dosing was reflected on")
    void afterIntegration() {
        assertEquals(JournalPrompts.INSIGHTS, JournalPrompts.choose(List.of(DOSING, INTEGRATION), List.of(), NOW).orElseThrow().text());
        Prompt carry = JournalPrompts.choose(List.of(INTEGRATION, DOSING), List.of(DOSED.plus(Duration.ofDays(1))), NOW).orElseThrow();
        assertEquals(new Prompt(JournalPrompts.CARRY_INTO_LIFE, "integrate"), carry);
    }

    @Test
    @DisplayName("a session that has not ended yet does not count")
    void future() {
        Moment later = new Moment("later", Moment.Kind.INTEGRATION, NOW.plus(Duration.ofHours(2)), DOSED);
        assertEquals("dose", JournalPrompts.choose(List.of(DOSING, later), List.of(), NOW).orElseThrow().afterAppointmentId());
    }
}
