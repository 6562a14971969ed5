package app.hearth.care.notes;

import app.hearth.booking.schedule.AppointmentType;
import java.util.List;
import java.util.Optional;

/**
 * The note's template per appointment type. Keys are stable (stored notes and clients use them);
 * titles and hints are what the therapist reads while writing. A circle has group sections and,
 * per seated attendee, a part of its own.
 */
public final class NoteTemplates {

    private NoteTemplates() {
    }

    /** One section of the note. */
    public record Section(String key, String title, String hint) {
    }

    /** The sections of a note, and (circles only) of each attendee's part. */
    public record Template(List<Section> sections, List<Section> attendeeSections) {

        public boolean hasSection(String key) {
            return sections.stream().anyMatch(s -> s.key().equals(key));
        }

        public boolean hasAttendeeSection(String key) {
            return attendeeSections.stream().anyMatch(s -> s.key().equals(key));
        }
    }

    public static final Template PREPARATION = new Template(List.of(
            new Section("intentions", "Intentions refined", "What the patient hopes to meet or understand in the dosing"),
            new Section("readiness", "Readiness, set and setting", "Mindset, support at home, the room and music, transport"),
            new Section("concerns", "Concerns and risks", "Fears, medical or psychiatric risks, contraindications reviewed"),
            new Section("plan", "Plan for the dosing", "Agreements, grounding tools, what happens if it gets hard")), List.of());

    public static final Template INTEGRATION = new Template(List.of(
            new Section("experience", "What came up", "The patient's account of the dosing experience"),
            new Section("themes", "Themes and insights", "Patterns, meanings, links to their intentions"),
            new Section("risk", "Risk and safety", "Mood, sleep, safety; anything that needs follow-up now"),
            new Section("plan", "Integration plan and practices", "Practices, journaling, next steps until the next session")), List.of());

    public static final Template CIRCLE = new Template(List.of(
            new Section("themes", "Themes of the circle", "What the group worked with, shared threads"),
            new Section("process", "Group process", "Dynamics, safety of the space, facilitation notes")), List.of(
            new Section("participation", "Participation", "How this person took part and what they shared"),
            new Section("followUp", "Follow-up", "Anything their therapist should pick up")));

    /** The template of a type; empty for a dosing (its dosing record is its record). */
    public static Optional<Template> of(AppointmentType type) {
        return switch (type) {
            case PREPARATION -> Optional.of(PREPARATION);
            case INTEGRATION -> Optional.of(INTEGRATION);
            case CIRCLE -> Optional.of(CIRCLE);
            case DOSING -> Optional.empty();
        };
    }
}
