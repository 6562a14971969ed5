package app.hearth.care.record;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * When the intake stops being editable: at the start of the patient's first booked (not cancelled)
 * preparation. From then on the therapist has worked with the answers, so they stay as given.
 */
public final class IntakeLock {

    private IntakeLock() {
    }

    /** The start of the first booked preparation, past or future; empty when none is booked. */
    public static Optional<Instant> editableUntil(Collection<Appointment> patientAppointments) {
        return patientAppointments.stream()
                .filter(a -> a.type() == AppointmentType.PREPARATION && a.status() == Appointment.Status.BOOKED)
                .map(Appointment::start)
                .min(Instant::compareTo);
    }

    public static boolean editable(Optional<Instant> until, Instant now) {
        return until.map(now::isBefore).orElse(true);
    }
}
