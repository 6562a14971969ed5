package app.hearth.booking.people;

import app.hearth.platform.problem.ProblemType;

/** Named errors of people management. Slugs are public: never rename or reuse one. */
public final class PeopleProblems {

    private PeopleProblems() {
    }

    public static final ProblemType EMAIL_TAKEN = new ProblemType("email-taken", 409, "That email already belongs to someone");
    public static final ProblemType PERSON_NOT_FOUND = new ProblemType("person-not-found", 404, "No such person in your clinic");
    public static final ProblemType UNKNOWN_THERAPIST = new ProblemType("unknown-therapist", 400, "No such therapist in your clinic");
    public static final ProblemType EDIT_CONFLICT = new ProblemType("person-edit-conflict", 409,
            "Someone changed this person since you opened it; reload and edit again");
    public static final ProblemType NOT_FOR_THIS_ROLE = new ProblemType("field-not-for-role", 400,
            "Only patients have assigned therapists and an emergency contact");
    public static final ProblemType CANNOT_DEACTIVATE_SELF = new ProblemType("cannot-deactivate-self", 409,
            "You cannot deactivate your own account");
    public static final ProblemType HAS_UPCOMING_APPOINTMENTS = new ProblemType("person-has-upcoming-appointments", 409,
            "This person has upcoming appointments; cancel or move them first");
    public static final ProblemType PERSON_DEACTIVATED = new ProblemType("person-deactivated", 409,
            "This person is deactivated; reactivate them first");
    public static final ProblemType ROLE_NOT_ALLOWED = new ProblemType("role-not-allowed", 403, "Your role may not do this");
}
