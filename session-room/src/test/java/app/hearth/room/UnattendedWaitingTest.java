package app.hearth.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.room.presence.LiveConnections;
import app.hearth.room.presence.Seat;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * When a waiting patient counts as unattended (issue 15, docs/adr/0030), on a clock the test moves:
 * no therapist of the session connected anywhere for the whole delay, once per waiting episode.
 */
@DisplayName("A waiting patient with no therapist connected")
class UnattendedWaitingTest {

    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    static final Duration DELAY = Duration.ofMinutes(1);

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    TestClock clock;
    LiveConnections live;
    List<Seat> seats;
    List<String> alarms;
    UnattendedWaiting waiting;

    @BeforeEach
    void setUp() {
        clock = new TestClock();
        live = LiveConnections.inMemory();
        seats = new ArrayList<>();
        alarms = new ArrayList<>();
        waiting = new UnattendedWaiting(null, () -> Future.succeededFuture(List.copyOf(seats)), live, DELAY,
                (seat, host) -> alarms.add(seat.personId() + "→" + host), clock);
    }

    static Seat waitingSeat(String patient, List<String> hosts, Instant since) {
        return new Seat("clinic", "room-1", "appt-1", "preparation", T0.plusSeconds(600), T0.plusSeconds(3600),
                T0.plusSeconds(4500), patient, "Pat", "patient", hosts, Seat.Stage.WAITING, Seat.Link.CONNECTED, "node-a",
                "conn-" + patient, true, null, since, since, null);
    }

    /** Checks at every 15 s of {@code d} (as the node does, a quarter of the delay apart). */
    void run(Duration d) {
        for (long s = 0; s < d.toSeconds(); s += 15) {
            clock.advance(Duration.ofSeconds(15));
            waiting.check();
        }
    }

    @Test
    @DisplayName("therapist away the whole minute → one alarm; the patient still waiting later → no second")
    void awayTheWholeMinute() {
        seats.add(waitingSeat("p1", List.of("t1"), T0));
        waiting.check();
        run(Duration.ofSeconds(45));
        assertEquals(List.of(), alarms, "not before the minute");
        run(Duration.ofSeconds(15));
        assertEquals(List.of("p1→t1"), alarms);
        run(Duration.ofMinutes(5));
        assertEquals(List.of("p1→t1"), alarms, "once per waiting episode");
    }

    @Test
    @DisplayName("therapist connects within the minute → none; leaves again → a full minute from then")
    void connectsWithinTheMinute() {
        seats.add(waitingSeat("p1", List.of("t1"), T0));
        run(Duration.ofSeconds(30));
        live.opened("c1", "clinic", "t1");
        run(Duration.ofMinutes(3));
        assertEquals(List.of(), alarms, "connected: the patient is in view");
        live.closed("c1");
        run(Duration.ofSeconds(45));
        assertEquals(List.of(), alarms, "the clock restarted when they left");
        run(Duration.ofSeconds(30));
        assertEquals(List.of("p1→t1"), alarms);
    }

    @Test
    @DisplayName("patient admitted or gone before the minute → none; a new wait later is a new episode")
    void patientLeaves() {
        Seat seat = waitingSeat("p1", List.of("t1"), T0);
        seats.add(seat);
        run(Duration.ofSeconds(45));
        seats.clear();
        run(Duration.ofMinutes(2));
        assertEquals(List.of(), alarms);
        seats.add(waitingSeat("p1", List.of("t1"), clock.instant()));
        run(Duration.ofMinutes(1));
        assertEquals(List.of("p1→t1"), alarms);
    }

    @Test
    @DisplayName("two therapists: one connected → none; neither → each gets an alarm; another clinic's person of that id does not count")
    void coTherapists() {
        seats.add(waitingSeat("p1", List.of("t1", "t2"), T0));
        live.opened("c2", "clinic", "t2");
        live.opened("x", "other-clinic", "t1");
        run(Duration.ofMinutes(2));
        assertEquals(List.of(), alarms);
        live.closed("c2");
        run(Duration.ofSeconds(60));
        assertEquals(List.of(), alarms, "a minute from when they were first seen gone (the next look)");
        run(Duration.ofSeconds(15));
        assertEquals(List.of("p1→t1", "p1→t2"), alarms);
    }

    @Test
    @DisplayName("a seat that is not waiting (online, admitted, reconnecting, a host) → none")
    void notWaiting() {
        Seat base = waitingSeat("p1", List.of("t1"), T0);
        seats.add(base.withStage(Seat.Stage.ONLINE, T0));
        seats.add(waitingSeat("p2", List.of("t1"), T0).withStage(Seat.Stage.ADMITTED, T0));
        seats.add(waitingSeat("p3", List.of("t1"), T0).reconnecting("node-a", T0));
        run(Duration.ofMinutes(3));
        assertEquals(List.of(), alarms);
    }
}
