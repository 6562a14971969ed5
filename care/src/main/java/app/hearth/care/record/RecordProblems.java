package app.hearth.care.record;

import app.hearth.platform.problem.ProblemType;

/** Named errors of the patient's record (intake, consents, intentions, journal). Slugs are public. */
public final class RecordProblems {

    private RecordProblems() {
    }

    public static final ProblemType INTAKE_LOCKED = new ProblemType("intake-locked", 409,
            "The intake closed when the first preparation began; tell your therapist what changed");
    public static final ProblemType CONSENT_VERSION_OUTDATED = new ProblemType("consent-version-outdated", 409,
            "That is not the current version of the consent text");
    public static final ProblemType INTENTIONS_CHANGED = new ProblemType("intentions-changed", 409,
            "The intentions changed since you read them; read them again and retry");
    public static final ProblemType JOURNAL_ENTRY_NOT_FOUND = new ProblemType("journal-entry-not-found", 404, "No such journal entry");
}
