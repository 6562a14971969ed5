package app.hearth.care.measures;

import app.hearth.platform.problem.ProblemType;

/** Named errors of the measures and safety alerts. Slugs are public: never rename or reuse one. */
public final class MeasureProblems {

    private MeasureProblems() {
    }

    /** Wrong number of answers, or an answer outside the instrument's options; {@code field} names it. */
    public static final ProblemType INVALID_ANSWERS = new ProblemType("invalid-answers", 400,
            "The answers do not fit the questionnaire");
    /** That questionnaire is not due for that occasion (or the occasion is not one of the patient's). */
    public static final ProblemType MEASURE_NOT_DUE = new ProblemType("measure-not-due", 409, "This questionnaire is not due now");
    /** The patient already answered that questionnaire for that occasion: the first answer stands. */
    public static final ProblemType MEASURE_ALREADY_ANSWERED = new ProblemType("measure-already-answered", 409,
            "This questionnaire was already answered for this occasion");
    /** Clinic settings that cannot work (unknown instrument, bad weeks, empty crisis contact). */
    public static final ProblemType INVALID_CARE_SETTINGS = new ProblemType("invalid-care-settings", 400,
            "The measure settings are not valid");
    /** No such alert for this therapist: another therapist's, another clinic's or made up. */
    public static final ProblemType ALERT_NOT_FOUND = new ProblemType("alert-not-found", 404, "No such alert for you");
}
