package app.hearth.care.notes;

import app.hearth.booking.schedule.Appointment;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The shapes of clinical notes (plaintext: sealing happens in {@link NotesStore}). */
public final class NoteModel {

    private NoteModel() {
    }

    public static final int SECTION_TEXT_MAX = 10_000;
    public static final int ADDENDUM_TEXT_MAX = 5_000;

    public enum Status {
        EMPTY, DRAFT, SIGNED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A note as stored (opened). {@code attendees}: each attendee's part by patient id. */
    public record StoredNote(String appointmentId, Status status, long version, Map<String, String> sections,
                             Map<String, Map<String, String>> attendees, String createdBy, Instant updatedAt, Instant signedAt,
                             String signedBy, List<Addendum> addenda) {

        /** Whether anything at all was written (an empty note is not signed). */
        public boolean hasText() {
            return !sections.isEmpty() || attendees.values().stream().anyMatch(part -> !part.isEmpty());
        }
    }

    public record Addendum(String id, String text, String authorId, Instant at) {
    }

    /** What the store says about a note without opening anything (for lists). */
    public record NoteMeta(Status status, Instant signedAt, String createdBy) {
    }

    /** Someone named on a note. */
    public record PersonRef(String id, String displayName) {
    }

    public record AttendeePart(PersonRef patient, Map<String, String> sections) {
    }

    public record AddendumView(String id, String text, PersonRef author, Instant at) {
    }

    /** The note as the reader may see it. */
    public record NoteView(Appointment appointment, Status status, NoteTemplates.Template template, Map<String, String> sections,
                           List<AttendeePart> attendees, PersonRef patient, long version, PersonRef createdBy, Instant updatedAt,
                           Instant signedAt, PersonRef signedBy, List<AddendumView> addenda, boolean canEdit, boolean canSign,
                           boolean canAddAddendum) {
    }

    /** A draft as written: {@code attendees} null leaves every attendee's part as it is. */
    public record NoteEdit(Map<String, String> sections, List<AttendeeEdit> attendees, long version) {
    }

    public record AttendeeEdit(String patientId, Map<String, String> sections) {
    }

    public record ListItem(Appointment appointment, Status status, Instant signedAt, PersonRef createdBy) {
    }
}
