package app.hearth.booking.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.hearth.platform.problem.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The shape of a dosing record")
class DosingRulesTest {

    static final Instant NOW = Instant.parse("2027-03-10T18:00:00Z");
    static final Instant START = NOW.minus(Duration.ofHours(4));
    static final Appointment DOSING = new Appointment("d1", "c", AppointmentType.DOSING, Appointment.Status.BOOKED, START,
            START.plus(Duration.ofHours(2)), List.of("t"), "p", "Room 2", null, null, 0, List.of(), List.of());

    static BookingService.DosingReport attended(Instant from, Instant to, String supervisor) {
        return new BookingService.DosingReport(true, DosingRecord.Route.NASAL_SPRAY, from, to, supervisor, null);
    }

    static String field(Runnable r) {
        return assertThrows(ProblemException.class, r::run).field();
    }

    @Test
    @DisplayName("attended: route, start before end, end not in the future, a supervisor")
    void attended() {
        DosingRecord r = DosingRules.record(DOSING, attended(START, START.plus(Duration.ofMinutes(100)), " Dr. Lee "), "t", NOW);
        assertEquals("nasal-spray", r.route().wire());
        assertEquals("Dr. Lee", r.supervisedBy());
        assertEquals("endedAt", field(() -> DosingRules.record(DOSING, attended(START, START, "Dr. Lee"), "t", NOW)));
        assertEquals("endedAt", field(() -> DosingRules.record(DOSING, attended(START, START.minusSeconds(60), "Dr. Lee"), "t", NOW)));
        assertEquals("endedAt", field(() -> DosingRules.record(DOSING, attended(START, NOW.plusSeconds(60), "Dr. Lee"), "t", NOW)));
        assertEquals("supervisedBy", field(() -> DosingRules.record(DOSING, attended(START, NOW, " "), "t", NOW)));
        assertEquals("route", field(() -> DosingRules.record(DOSING,
                new BookingService.DosingReport(true, null, START, NOW, "Dr. Lee", null), "t", NOW)));
    }

    @Test
    @DisplayName("not attended: no route or times, an optional reason")
    void notAttended() {
        DosingRecord r = DosingRules.record(DOSING, new BookingService.DosingReport(false, DosingRecord.Route.IV, START, NOW,
                "x", "ill"), "t", NOW);
        assertFalse(r.attended());
        assertNull(r.route());
        assertNull(r.endedAt());
        assertEquals("ill", r.reason());
    }
}
