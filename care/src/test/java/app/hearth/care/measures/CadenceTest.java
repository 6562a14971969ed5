package app.hearth.care.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.DosingRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What a patient owes: the cadence of measures")
class CadenceTest {

    static final CareSettings.Cadence CADENCE = CareSettings.defaults().cadence();
    static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    static Appointment appointment(String id, AppointmentType type, Instant start, Duration length) {
        return new Appointment(id, "c", type, Appointment.Status.BOOKED, start, start.plus(length), List.of("t"), "p",
                type == AppointmentType.DOSING ? "Room 1" : null, type.remote() ? "room-" + id : null, null, 1, List.of(), List.of());
    }

    static DosingRecord attended(String id, Instant start, Instant end) {
        return new DosingRecord(id, "c", "p", true, DosingRecord.Route.IM, start, end, "Dr. Who", null, "admin", end);
    }

    static List<String> occasions(List<Cadence.Due> due) {
        return due.stream().map(d -> d.instrument() + "@" + d.occasion()).toList();
    }

    @Test
    @DisplayName("baseline: due at once while the patient has none, dated from the course start, gone once answered")
    void baseline() {
        List<Cadence.Due> due = Cadence.due(CADENCE, T0.minus(Duration.ofDays(3)), List.of(), List.of(), Set.of(), T0);
        assertEquals(List.of("phq9@baseline", "gad7@baseline", "pcl5@baseline"), occasions(due));
        assertEquals(T0.minus(Duration.ofDays(3)), due.get(0).dueAt());
        // a course that starts next week: due now all the same
        assertEquals(T0, Cadence.due(CADENCE, T0.plus(Duration.ofDays(7)), List.of(), List.of(), Set.of(), T0).get(0).dueAt());
        // answered ones drop out
        List<Cadence.Due> rest = Cadence.due(CADENCE, T0, List.of(), List.of(),
                Set.of(Cadence.key("phq9", "baseline"), Cadence.key("gad7", "baseline")), T0);
        assertEquals(List.of("pcl5@baseline"), occasions(rest));
    }

    @Test
    @DisplayName("before a dosing: due from 7 days before until it starts, not a moment outside")
    void beforeDosing() {
        Set<String> baselineDone = Set.of(Cadence.key("phq9", "baseline"), Cadence.key("gad7", "baseline"), Cadence.key("pcl5", "baseline"));
        Instant dose = T0.plus(Duration.ofDays(10));
        List<Appointment> course = List.of(appointment("d1", AppointmentType.DOSING, dose, Duration.ofHours(2)));
        Instant opens = dose.minus(Duration.ofDays(7));

        assertEquals(List.of(), Cadence.due(CADENCE, T0, course, List.of(), baselineDone, opens.minusSeconds(1)));
        List<Cadence.Due> atOpen = Cadence.due(CADENCE, T0, course, List.of(), baselineDone, opens);
        assertEquals(List.of("phq9@before-dosing:d1", "gad7@before-dosing:d1"), occasions(atOpen));
        assertEquals(opens, atOpen.get(0).dueAt());
        assertEquals(2, Cadence.due(CADENCE, T0, course, List.of(), baselineDone, dose.minusSeconds(1)).size());
        assertEquals(List.of(), Cadence.due(CADENCE, T0, course, List.of(), baselineDone, dose), "the dosing has started");
        // answered: gone
        assertEquals(List.of("gad7@before-dosing:d1"), occasions(Cadence.due(CADENCE, T0, course, List.of(),
                union(baselineDone, Cadence.key("phq9", "before-dosing:d1")), opens.plusSeconds(60))));
        // a cancelled dosing asks for nothing
        Appointment cancelled = new Appointment("d2", "c", AppointmentType.DOSING, Appointment.Status.CANCELLED, dose,
                dose.plus(Duration.ofHours(2)), List.of("t"), "p", "Room 1", null, null, 1, List.of(), List.of());
        assertEquals(List.of(), Cadence.due(CADENCE, T0, List.of(cancelled), List.of(), baselineDone, opens.plusSeconds(60)));
    }

    @Test
    @DisplayName("after an integration: due from its end for 7 days")
    void afterIntegration() {
        Set<String> baselineDone = Set.of(Cadence.key("phq9", "baseline"), Cadence.key("gad7", "baseline"), Cadence.key("pcl5", "baseline"));
        Appointment integration = appointment("i1", AppointmentType.INTEGRATION, T0, Duration.ofMinutes(60));
        Instant end = integration.end();
        assertEquals(List.of(), Cadence.due(CADENCE, T0, List.of(integration), List.of(), baselineDone, end.minusSeconds(1)));
        List<Cadence.Due> due = Cadence.due(CADENCE, T0, List.of(integration), List.of(), baselineDone, end);
        assertEquals(List.of("phq9@after-integration:i1", "gad7@after-integration:i1"), occasions(due));
        assertEquals(end, due.get(0).dueAt());
        assertEquals(2, Cadence.due(CADENCE, T0, List.of(integration), List.of(), baselineDone,
                end.plus(Duration.ofDays(7)).minusSeconds(1)).size());
        assertEquals(List.of(), Cadence.due(CADENCE, T0, List.of(integration), List.of(), baselineDone, end.plus(Duration.ofDays(7))));
    }

    @Test
    @DisplayName("follow-ups: at the set weeks after the last attended dosing's end, each until the next one falls due")
    void followUps() {
        Set<String> baselineDone = Set.of(Cadence.key("phq9", "baseline"), Cadence.key("gad7", "baseline"), Cadence.key("pcl5", "baseline"));
        Instant firstEnd = T0.plus(Duration.ofHours(2));
        Instant lastEnd = T0.plus(Duration.ofDays(14)).plus(Duration.ofHours(2));
        List<DosingRecord> records = List.of(attended("d1", T0, firstEnd), attended("d2", T0.plus(Duration.ofDays(14)), lastEnd),
                new DosingRecord("d3", "c", "p", false, null, null, null, null, "ill", "admin", lastEnd.plus(Duration.ofDays(7))));
        Instant fourWeeks = lastEnd.plus(Duration.ofDays(28));
        assertEquals(List.of(), Cadence.due(CADENCE, T0, List.of(), records, baselineDone, fourWeeks.minusSeconds(1)),
                "counted from the last attended dosing, not the first, and not the one not attended");
        List<Cadence.Due> due = Cadence.due(CADENCE, T0, List.of(), records, baselineDone, fourWeeks);
        assertEquals(List.of("phq9@follow-up:4w", "gad7@follow-up:4w", "pcl5@follow-up:4w"), occasions(due));
        assertEquals(fourWeeks, due.get(0).dueAt());
        Instant twelveWeeks = lastEnd.plus(Duration.ofDays(84));
        assertEquals(List.of("phq9@follow-up:12w", "gad7@follow-up:12w", "pcl5@follow-up:12w"),
                occasions(Cadence.due(CADENCE, T0, List.of(), records, baselineDone, twelveWeeks)));
        assertTrue(Cadence.due(CADENCE, T0, List.of(), records, union(baselineDone, Cadence.key("pcl5", "follow-up:12w")),
                twelveWeeks.plus(Duration.ofDays(30))).stream().noneMatch(d -> d.instrument().equals("pcl5")));
        // no attended dosing: no follow-ups
        assertEquals(List.of(), Cadence.due(CADENCE, T0, List.of(), List.of(records.get(2)), baselineDone, twelveWeeks));
        assertFalse(Cadence.isDue(due, "phq9", "follow-up:12w"));
        assertTrue(Cadence.isDue(due, "phq9", "follow-up:4w"));
    }

    static Set<String> union(Set<String> a, String b) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.add(b);
        return s;
    }
}
