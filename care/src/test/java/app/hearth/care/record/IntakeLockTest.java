package app.hearth.care.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The intake is editable until the first booked preparation starts")
class IntakeLockTest {

    static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");

    static Appointment appointment(AppointmentType type, Appointment.Status status, Instant start) {
        return new Appointment("a-" + type + start, "c", type, status, start, start.plus(Duration.ofHours(1)), List.of("t"), "p",
                null, null, null, 0, List.of(), List.of());
    }

    @Test
    @DisplayName("no preparation booked: editable, no end")
    void noPreparation() {
        Optional<Instant> until = IntakeLock.editableUntil(List.of(
                appointment(AppointmentType.DOSING, Appointment.Status.BOOKED, NOW.minus(Duration.ofDays(3)))));
        assertTrue(until.isEmpty());
        assertTrue(IntakeLock.editable(until, NOW));
    }

    @Test
    @DisplayName("the earliest booked preparation counts; cancelled ones and other types do not")
    void earliestBookedPreparation() {
        Instant first = NOW.plus(Duration.ofDays(2));
        Optional<Instant> until = IntakeLock.editableUntil(List.of(
                appointment(AppointmentType.PREPARATION, Appointment.Status.CANCELLED, NOW.plus(Duration.ofDays(1))),
                appointment(AppointmentType.PREPARATION, Appointment.Status.BOOKED, NOW.plus(Duration.ofDays(9))),
                appointment(AppointmentType.INTEGRATION, Appointment.Status.BOOKED, NOW.plus(Duration.ofHours(1))),
                appointment(AppointmentType.PREPARATION, Appointment.Status.BOOKED, first)));
        assertEquals(Optional.of(first), until);
        assertTrue(IntakeLock.editable(until, NOW));
        assertTrue(IntakeLock.editable(until, first.minusMillis(1)));
        assertFalse(IntakeLock.editable(until, first), "locked at the start itself");
        assertFalse(IntakeLock.editable(until, first.plus(Duration.ofDays(30))));
    }

    @Test
    @DisplayName("a preparation that already took place keeps the intake locked")
    void pastPreparation() {
        Optional<Instant> until = IntakeLock.editableUntil(List.of(
                appointment(AppointmentType.PREPARATION, Appointment.Status.BOOKED, NOW.minus(Duration.ofDays(5)))));
        assertFalse(IntakeLock.editable(until, NOW));
    }
}
