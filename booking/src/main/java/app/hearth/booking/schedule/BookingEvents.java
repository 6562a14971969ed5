package app.hearth.booking.schedule;

/**
 * What happened to appointments, for whoever must tell people outside the app (the mail outbox,
 * issue 15). Called on the store worker that made the change, right after it is stored and before
 * the caller hears of it, so a listener may write to the store itself. A listener that throws does
 * not undo the change: {@link BookingService} logs it and answers as usual.
 */
public interface BookingEvents {

    /** A new appointment (a 1:1 or a circle), as stored. */
    void booked(Appointment appointment);

    /** {@code from} was moved: {@code to} is the new appointment (another id), {@code from} is now cancelled. */
    void rescheduled(Appointment from, Appointment to);

    /** The appointment as stored after its cancellation. */
    void cancelled(Appointment appointment);

    /** A patient took a seat in a circle (joined, or moved in from the waitlist); the circle as stored. */
    default void seated(Appointment circle, String patientId) {
    }

    /** A patient gave up a seat (or waitlist place) in a circle that goes on; the circle as stored. */
    default void unseated(Appointment circle, String patientId) {
    }

    BookingEvents NONE = new BookingEvents() {
        @Override
        public void booked(Appointment appointment) {
        }

        @Override
        public void rescheduled(Appointment from, Appointment to) {
        }

        @Override
        public void cancelled(Appointment appointment) {
        }
    };
}
