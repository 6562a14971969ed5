package app.hearth.care.aftercare;

import app.hearth.platform.problem.ProblemType;

/** Named errors of the aftercare plan and the clinic's resources. Slugs are public: never rename or reuse one. */
public final class AftercareProblems {

    private AftercareProblems() {
    }

    /** Another patient's practice, another clinic's, or a made-up id: the same answer for all three. */
    public static final ProblemType PRACTICE_NOT_FOUND = new ProblemType("practice-not-found", 404, "No such practice in this plan");
    /** Another clinic's resource, an archived one asked for by a patient, or a made-up id. */
    public static final ProblemType RESOURCE_NOT_FOUND = new ProblemType("resource-not-found", 404, "No such resource");
    /** The exercise is not one the therapist may use (not visible to them, archived, or made up). */
    public static final ProblemType UNKNOWN_EXERCISE = new ProblemType("unknown-exercise", 400,
            "That exercise is not in your library (or it is archived)");
    /** A schedule that cannot work; {@code field} names the part. */
    public static final ProblemType INVALID_SCHEDULE = new ProblemType("invalid-schedule", 400, "The schedule is not valid");
    /** A resource to assign that the clinic does not have (or archived). */
    public static final ProblemType UNKNOWN_RESOURCE = new ProblemType("unknown-resource", 400,
            "That resource is not one of the clinic's (or it is archived)");
    /** The date is not an occurrence of the practice's schedule, or it is still in the future in the clinic's zone. */
    public static final ProblemType PRACTICE_NOT_DUE = new ProblemType("practice-not-due", 409, "This practice is not due on that date");
    /** That occurrence was already marked done or skipped: the first record stands. */
    public static final ProblemType PRACTICE_ALREADY_RECORDED = new ProblemType("practice-already-recorded", 409,
            "This practice was already recorded for that date");
}
