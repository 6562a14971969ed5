package app.hearth.care.notes;

import app.hearth.platform.problem.ProblemType;

/** Named errors of the clinical notes. Slugs are public: never rename or reuse one. */
public final class NoteProblems {

    private NoteProblems() {
    }

    /** Patients and admins never read or write clinical notes, whatever the id (so the id reveals nothing). */
    public static final ProblemType CLINICAL_NOTES_NOT_ALLOWED = new ProblemType("clinical-notes-not-allowed", 403,
            "Clinical notes are for the patient's therapists");
    /** A dosing (its dosing record is its record) or a cancelled appointment has no note. */
    public static final ProblemType NOTE_NOT_APPLICABLE = new ProblemType("note-not-applicable", 409,
            "This appointment has no clinical note");
    /** A section or attendee the template or the circle does not have; {@code field} names it. */
    public static final ProblemType INVALID_NOTE = new ProblemType("invalid-note", 400, "The note does not fit its template");
    /** Someone saved or signed since the version the writer read. */
    public static final ProblemType NOTE_CHANGED = new ProblemType("note-changed", 409,
            "The note changed since you read it; read it again and retry");
    /** Signed notes are locked: what changes afterwards is an addendum. */
    public static final ProblemType NOTE_SIGNED = new ProblemType("note-signed", 409,
            "The note is signed and locked; add an addendum instead");
    /** Nothing written yet: there is nothing to sign. */
    public static final ProblemType NOTE_EMPTY = new ProblemType("note-empty", 409, "Write the note before signing it");
    /** Addenda follow a signed note; a draft is simply edited. */
    public static final ProblemType NOTE_NOT_SIGNED = new ProblemType("note-not-signed", 409,
            "The note is not signed yet; edit the draft instead");
}
