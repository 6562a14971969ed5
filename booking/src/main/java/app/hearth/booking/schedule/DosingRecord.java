package app.hearth.booking.schedule;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * What the clinic records about an in-clinic dosing after it happened: attended or not, and when
 * attended, the route, the start and end, and who supervised. Hearth never hosts the dosing; this is
 * the record the integration window counts from.
 *
 * @param supervisedBy the supervising clinician's name as the clinic writes it (not always a Hearth user)
 * @param reason       why it did not take place (only when not attended; optional)
 */
public record DosingRecord(
        String appointmentId,
        String clinicId,
        String patientId,
        boolean attended,
        Route route,
        Instant startedAt,
        Instant endedAt,
        String supervisedBy,
        String reason,
        String recordedBy,
        Instant recordedAt) {

    public enum Route {
        IV, IM, NASAL_SPRAY, ORAL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Route> fromWire(String value) {
            for (Route route : values()) {
                if (route.wire().equals(value)) {
                    return Optional.of(route);
                }
            }
            return Optional.empty();
        }
    }
}
