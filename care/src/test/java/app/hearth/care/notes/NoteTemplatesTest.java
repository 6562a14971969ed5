package app.hearth.care.notes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.AppointmentType;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Note templates: stable keys per type (stored notes and clients depend on them)")
class NoteTemplatesTest {

    static List<String> keys(List<NoteTemplates.Section> sections) {
        return sections.stream().map(NoteTemplates.Section::key).toList();
    }

    @Test
    @DisplayName("preparation, integration and circle carry the contract's keys; a dosing has no note")
    void keysAreTheContracts() {
        assertEquals(List.of("intentions", "readiness", "concerns", "plan"),
                keys(NoteTemplates.of(AppointmentType.PREPARATION).orElseThrow().sections()));
        assertEquals(List.of("experience", "themes", "risk", "plan"),
                keys(NoteTemplates.of(AppointmentType.INTEGRATION).orElseThrow().sections()));
        NoteTemplates.Template circle = NoteTemplates.of(AppointmentType.CIRCLE).orElseThrow();
        assertEquals(List.of("themes", "process"), keys(circle.sections()));
        assertEquals(List.of("participation", "followUp"), keys(circle.attendeeSections()));
        assertTrue(NoteTemplates.of(AppointmentType.PREPARATION).orElseThrow().attendeeSections().isEmpty());
        assertTrue(NoteTemplates.of(AppointmentType.DOSING).isEmpty());
    }

    @Test
    @DisplayName("every section has a title and a hint; group and attendee keys are told apart")
    void sectionsAreComplete() {
        for (AppointmentType type : List.of(AppointmentType.PREPARATION, AppointmentType.INTEGRATION, AppointmentType.CIRCLE)) {
            NoteTemplates.Template t = NoteTemplates.of(type).orElseThrow();
            for (NoteTemplates.Section s : t.sections()) {
                assertFalse(s.title().isBlank() || s.hint().isBlank(), s.key());
                assertTrue(t.hasSection(s.key()));
                assertFalse(t.hasAttendeeSection(s.key()));
            }
        }
        assertTrue(NoteTemplates.CIRCLE.hasAttendeeSection("followUp"));
        assertFalse(NoteTemplates.CIRCLE.hasSection("followUp"));
    }
}
