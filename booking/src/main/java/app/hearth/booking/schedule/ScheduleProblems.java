package app.hearth.booking.schedule;

import app.hearth.platform.problem.ProblemType;

/** Named errors of availability and booking. Slugs are public: never rename or reuse one. */
public final class ScheduleProblems {

    private ScheduleProblems() {
    }

    public static final ProblemType INVALID_AVAILABILITY = new ProblemType("invalid-availability", 400, "The availability is not valid");
    public static final ProblemType INVALID_POLICY = new ProblemType("invalid-booking-policy", 400, "The booking rules are not valid");
    public static final ProblemType UNKNOWN_TIME_ZONE = new ProblemType("unknown-time-zone", 400, "Unknown time zone");
    public static final ProblemType OUTSIDE_AVAILABILITY = new ProblemType("outside-availability", 409, "The therapist is not available then");
    public static final ProblemType INSIDE_MINIMUM_NOTICE = new ProblemType("inside-minimum-notice", 409, "Too soon to book");
    public static final ProblemType BEYOND_HORIZON = new ProblemType("beyond-booking-horizon", 409, "Too far ahead to book");
    public static final ProblemType THERAPIST_BUSY = new ProblemType("therapist-busy", 409, "The therapist already has an appointment then");
    public static final ProblemType PATIENT_BUSY = new ProblemType("patient-busy", 409, "The patient already has an appointment then");
    public static final ProblemType DOSING_IN_CLINIC_ONLY = new ProblemType("dosing-in-clinic-only", 400, "Dosing happens in the clinic only");
    public static final ProblemType INTEGRATION_OUTSIDE_WINDOW = new ProblemType("integration-outside-window", 409, "Integration must follow its dosing within the clinic's window");
    public static final ProblemType PREPARATION_AFTER_DOSING = new ProblemType("preparation-after-dosing", 409, "Preparation must end before the dosing it prepares");
    public static final ProblemType DOSING_NOT_FOUND = new ProblemType("dosing-not-found", 400, "No such dosing appointment for this patient");
    public static final ProblemType APPOINTMENT_NOT_FOUND = new ProblemType("appointment-not-found", 404, "No such appointment in your clinic");
    public static final ProblemType NOT_A_PATIENT_OF_CLINIC = new ProblemType("unknown-patient", 400, "No such patient in your clinic");
    public static final ProblemType NOT_A_THERAPIST_OF_CLINIC = new ProblemType("unknown-therapist", 400, "No such therapist in your clinic");
    public static final ProblemType ALREADY_CANCELLED = new ProblemType("already-cancelled", 409, "The appointment is already cancelled");
    public static final ProblemType CANCELLATION_TOO_LATE = new ProblemType("cancellation-too-late", 409, "Too late to cancel; please call your clinic");
    public static final ProblemType REASON_REQUIRED = new ProblemType("reason-required", 400, "Say why");
    public static final ProblemType NOT_A_CIRCLE = new ProblemType("not-a-circle", 409, "Seats belong to group circles only");
    public static final ProblemType ALREADY_SEATED = new ProblemType("already-seated", 409, "The patient already has a seat or a waitlist place");
    public static final ProblemType NOT_SEATED = new ProblemType("not-seated", 404, "The patient has no seat or waitlist place in this circle");
    public static final ProblemType ROOM_NOT_OPEN = new ProblemType("room-not-open", 409, "The room is not open yet");
    public static final ProblemType ROOM_CLOSED = new ProblemType("room-closed", 409, "The appointment is over");
    public static final ProblemType NO_VIDEO_ROOM = new ProblemType("no-video-room", 409, "This appointment has no video room");
    public static final ProblemType MISALIGNED_TIME = new ProblemType("misaligned-time", 400, "Times must fall on 5-minute marks");
    // dosing records (issue 11)
    public static final ProblemType NOT_A_DOSING = new ProblemType("not-a-dosing", 409, "Only a dosing appointment has a dosing record");
    public static final ProblemType DOSING_NOT_YET = new ProblemType("dosing-not-yet", 409, "The dosing has not started yet");
    public static final ProblemType DOSING_NOT_ATTENDED = new ProblemType("dosing-not-attended", 409,
            "The dosing was recorded as not attended; there is nothing to integrate");
    // ending a session (issue 12)
    public static final ProblemType SESSION_ENDED = new ProblemType("session-ended", 409, "The session has ended");
}
