package app.hearth.room;

import app.hearth.room.presence.LiveConnections;
import app.hearth.room.presence.Seat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a patient who waits while no therapist of the session has had a live Hearth connection
 * anywhere in the cluster for {@code delay} (issue 15: the patient-waiting email). Each node looks
 * only at the waiting seats it holds (each seat has one node), a few times per delay: a therapist
 * seen connected starts the clock again; a patient who leaves, is admitted or drops out ends it.
 * The {@link Alarm} is told once per waiting episode (the seat's {@code since}), for each therapist,
 * on this node; it dedupes across nodes itself (a seat that moves to another node is watched there
 * from the start of its clock again, and may be told there too).
 */
public final class UnattendedWaiting {

    private static final Logger LOG = LoggerFactory.getLogger(UnattendedWaiting.class);

    /** Told that a patient's seat has waited {@code delay} with that host nowhere connected. */
    @FunctionalInterface
    public interface Alarm {
        void hostAbsent(Seat waiting, String hostId);
    }

    private final Vertx vertx;
    private final Supplier<Future<List<Seat>>> seatsHere;
    private final LiveConnections live;
    private final Duration delay;
    private final Alarm alarm;
    private final Clock clock;
    /** Episode → since when its hosts were seen absent (the seat's since when never seen present). */
    private final Map<String, Instant> absentSince = new ConcurrentHashMap<>();
    /** Episodes this node has looked at (hosts seen present at least once, or already absent). */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Set<String> told = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    /** @param seatsHere the seats this node holds ({@link RoomHub#seatsHere}) */
    public UnattendedWaiting(Vertx vertx, Supplier<Future<List<Seat>>> seatsHere, LiveConnections live, Duration delay, Alarm alarm,
                             Clock clock) {
        this.vertx = vertx;
        this.seatsHere = seatsHere;
        this.live = live;
        this.delay = delay;
        this.alarm = alarm;
        this.clock = clock;
    }

    /** Looks every quarter of the delay (between 0.2 s and 10 s). */
    public UnattendedWaiting start() {
        long every = Math.max(200, Math.min(10_000, delay.toMillis() / 4));
        timer = vertx.setPeriodic(every, id -> {
            try {
                check();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                stop(); // the node is shutting down: its pools are closed
            }
        });
        return this;
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void check() {
        seatsHere.get().onSuccess(seats -> {
            Set<String> current = new HashSet<>();
            for (Seat seat : seats) {
                if (seat.host() || seat.stage() != Seat.Stage.WAITING || seat.link() != Seat.Link.CONNECTED
                        || seat.hostIds().isEmpty()) {
                    continue;
                }
                String key = seat.roomId() + "/" + seat.personId() + "/" + seat.since().toEpochMilli();
                current.add(key);
                if (!told.contains(key)) {
                    look(seat, key);
                }
            }
            // episodes that ended (admitted, left, dropped, moved): forget them
            absentSince.keySet().retainAll(current);
            seen.retainAll(current);
            told.retainAll(current);
        }).onFailure(e -> LOG.warn("Could not read this node's waiting seats: {}", e.getClass().getSimpleName()));
    }

    /** Any therapist of the session connected anywhere: the patient is not unattended, the clock restarts. */
    private void look(Seat seat, String key) {
        List<Future<Boolean>> asked = seat.hostIds().stream().map(host -> live.anywhere(seat.clinicId(), host)).toList();
        Future.all(asked).onSuccess(done -> {
            Instant now = clock.instant();
            if (asked.stream().anyMatch(Future::result)) {
                seen.add(key);
                absentSince.remove(key);
                return;
            }
            Instant since = absentSince.computeIfAbsent(key, k -> seen.contains(k) ? now : seat.since());
            seen.add(key);
            if (!now.isBefore(since.plus(delay)) && told.add(key)) {
                seat.hostIds().forEach(host -> alarm.hostAbsent(seat, host));
            }
        }).onFailure(e -> LOG.warn("Could not tell whether a host is connected: {}", e.getClass().getSimpleName()));
    }
}
