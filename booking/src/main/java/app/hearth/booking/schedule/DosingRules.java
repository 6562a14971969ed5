package app.hearth.booking.schedule;

import app.hearth.platform.problem.CommonProblems;
import java.time.Instant;

/** The shape rules of a dosing record, apart from who may write it and when (BookingService). */
final class DosingRules {

    static final int MAX_NAME = 200;
    static final int MAX_REASON = 1000;

    private DosingRules() {
    }

    static DosingRecord record(Appointment dosing, BookingService.DosingReport r, String recordedBy, Instant now) {
        if (!r.attended()) {
            String reason = blankToNull(r.reason());
            if (reason != null && reason.length() > MAX_REASON) {
                throw CommonProblems.INVALID_REQUEST.exception("At most " + MAX_REASON + " characters", "reason");
            }
            return new DosingRecord(dosing.id(), dosing.clinicId(), dosing.patientId(), false, null, null, null, null, reason,
                    recordedBy, now);
        }
        if (r.route() == null) {
            throw CommonProblems.INVALID_REQUEST.exception("Name the route: iv, im, nasal-spray or oral", "route");
        }
        if (r.startedAt() == null) {
            throw CommonProblems.INVALID_REQUEST.exception("Give the start time", "startedAt");
        }
        if (r.endedAt() == null) {
            throw CommonProblems.INVALID_REQUEST.exception("Give the end time", "endedAt");
        }
        if (!r.endedAt().isAfter(r.startedAt())) {
            throw CommonProblems.INVALID_REQUEST.exception("The end comes after the start", "endedAt");
        }
        if (r.endedAt().isAfter(now)) {
            throw CommonProblems.INVALID_REQUEST.exception("Record the end once it has happened", "endedAt");
        }
        String supervisor = blankToNull(r.supervisedBy());
        if (supervisor == null || supervisor.length() > MAX_NAME) {
            throw CommonProblems.INVALID_REQUEST.exception("Name who supervised (up to " + MAX_NAME + " characters)", "supervisedBy");
        }
        return new DosingRecord(dosing.id(), dosing.clinicId(), dosing.patientId(), true, r.route(), r.startedAt(), r.endedAt(),
                supervisor.strip(), null, recordedBy, now);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
