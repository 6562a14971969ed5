package app.hearth.care;

import app.hearth.platform.problem.ProblemType;

/** Named errors of the clinical record. Slugs are public: never rename or reuse one. */
public final class CareProblems {

    private CareProblems() {
    }

    /** Someone else's patient, another clinic's, or a made-up id: the same answer for all three. */
    public static final ProblemType PATIENT_NOT_FOUND = new ProblemType("patient-not-found", 404, "No such patient in your care");
    /** An admin (or a role that never reads clinical content) asked for it. */
    public static final ProblemType CLINICAL_CONTENT_NOT_ALLOWED = new ProblemType("clinical-content-not-allowed", 403,
            "Your role may not read or write clinical content");
    public static final ProblemType TEXT_TOO_LONG = new ProblemType("text-too-long", 400, "A text is longer than allowed");
}
