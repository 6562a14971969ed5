package app.hearth.care.record;

import app.hearth.booking.people.Person;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.DosingRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The shapes of the patient's record (plaintext: sealing happens in {@link RecordStore}). */
public final class RecordModel {

    private RecordModel() {
    }

    /** The intake's questions, in the order the patient sees them. */
    public static final List<String> INTAKE_FIELDS = List.of("goals", "concerns", "history", "treatment", "medications", "notes");
    public static final Set<String> CONSENT_KINDS = Set.of("treatment", "telehealth");

    public static final int INTAKE_ANSWER_MAX = 4000;
    public static final int INTENTION_MAX = 500;
    public static final int INTENTIONS_MAX_ITEMS = 10;
    public static final int JOURNAL_TEXT_MAX = 10_000;
    public static final int JOURNAL_PROMPT_MAX = 500;
    public static final int CONSENT_TITLE_MAX = 200;
    public static final int CONSENT_TEXT_MAX = 20_000;

    public record Intake(Map<String, String> answers, Instant updatedAt) {
    }

    /** The intake as answered: missing until first saved; editable until the first preparation starts. */
    public record IntakeView(boolean submitted, Map<String, String> answers, Instant updatedAt, boolean editable,
                             Instant editableUntil) {
    }

    public record ConsentText(String kind, int version, String title, String text, Instant publishedAt, String publishedBy) {
    }

    public record ConsentAcceptance(String kind, int version, Instant acceptedAt) {
    }

    /** An acceptance answered to a POST, and whether this call made it (201) or found it (200). */
    public record Accepted(ConsentAcceptance acceptance, boolean created) {
    }

    public record AcceptanceView(String kind, int version, Instant acceptedAt, boolean current) {
    }

    public record PatientConsents(List<AcceptanceView> items, List<ConsentText> due) {
    }

    public record Intentions(List<String> items, long version, Instant updatedAt, String updatedById, String updatedByRole) {
        public static final Intentions NONE = new Intentions(List.of(), 0, null, null, null);
    }

    public record JournalEntry(String id, String patientId, String text, String prompt, String appointmentId, Instant createdAt,
                               Instant updatedAt, boolean shared, Instant sharedAt) {
    }

    public record NewJournalEntry(String text, String prompt, String appointmentId, boolean shared) {
    }

    /** A change to an entry; null leaves that part as it is. */
    public record JournalChange(Boolean shared, String text) {
    }

    public record TimelineItem(Appointment appointment, DosingRecord dosingRecord) {
    }

    public record Course(Person patient, String therapistName, List<TimelineItem> timeline, boolean intakeSubmitted,
                         Instant intakeEditableUntil, List<ConsentText> consentsDue, int journalEntries, int journalShared,
                         JournalPrompts.Prompt journalPrompt) {
    }
}
