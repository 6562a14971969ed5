package app.hearth.booking.schedule;

import java.time.Instant;
import java.util.List;

/**
 * A request to book: 1:1 types name one therapist and a patient; a circle names one or two
 * facilitators and optionally a capacity. {@code mode} is "remote" or "in-clinic" when given.
 */
public record BookingRequest(AppointmentType type, List<String> therapistIds, String patientId, Instant start,
                             String mode, String location, String dosingAppointmentId, Integer capacity) {

    public BookingRequest {
        therapistIds = therapistIds == null ? List.of() : List.copyOf(therapistIds);
    }
}
