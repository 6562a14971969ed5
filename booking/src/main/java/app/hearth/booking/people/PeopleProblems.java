package app.hearth.booking.people;

import app.hearth.platform.problem.ProblemType;

/** Named errors of people management. Slugs are public: never rename or reuse one. */
public final class PeopleProblems {

    private PeopleProblems() {
    }

    public static final ProblemType EMAIL_TAKEN = new ProblemType("email-taken", 409, "That email already belongs to someone");
    public static final ProblemType PERSON_NOT_FOUND = new ProblemType("person-not-found", 404, "No such person in your clinic");
    public static final ProblemType UNKNOWN_THERAPIST = new ProblemType("unknown-therapist", 400, "No such therapist in your clinic");
    public static final ProblemType ROLE_NOT_ALLOWED = new ProblemType("role-not-allowed", 403, "Your role may not do this");
}
