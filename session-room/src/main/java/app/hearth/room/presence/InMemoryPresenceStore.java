package app.hearth.room.presence;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** The presence cache of a node that is not clustered (and the reference for the contract tests). */
public final class InMemoryPresenceStore implements PresenceStore {

    private record Entry(Seat seat, Instant expiresAt) {
    }

    private final Map<String, Entry> seats = new ConcurrentHashMap<>();
    private final List<Consumer<Seat>> expiryListeners = new CopyOnWriteArrayList<>();
    private final Duration ttl;
    private final Clock clock;

    public InMemoryPresenceStore(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public Future<Optional<Seat>> get(String roomId, String personId) {
        return Future.succeededFuture(Optional.ofNullable(live(Seat.key(roomId, personId))));
    }

    @Override
    public Future<Boolean> putIfAbsent(Seat seat) {
        live(seat.key());
        return Future.succeededFuture(seats.putIfAbsent(seat.key(), fresh(seat)) == null);
    }

    @Override
    public Future<Boolean> replace(Seat expected, Seat next) {
        if (!expected.key().equals(next.key())) {
            return Future.failedFuture(new IllegalArgumentException("a seat cannot change room or person"));
        }
        boolean[] replaced = {false};
        seats.computeIfPresent(expected.key(), (k, current) -> {
            if (current.seat().equals(expected) && !expired(current)) {
                replaced[0] = true;
                return fresh(next);
            }
            return current;
        });
        return Future.succeededFuture(replaced[0]);
    }

    @Override
    public Future<Boolean> remove(Seat expected) {
        boolean[] removed = {false};
        seats.computeIfPresent(expected.key(), (k, current) -> {
            if (current.seat().equals(expected)) {
                removed[0] = true;
                return null;
            }
            return current;
        });
        return Future.succeededFuture(removed[0]);
    }

    @Override
    public Future<Void> touch(List<String> keys) {
        for (String key : keys) {
            seats.computeIfPresent(key, (k, current) -> expired(current) ? current : fresh(current.seat()));
        }
        // The node refreshes periodically: the moment to drop (and report) what nobody refreshed.
        List.copyOf(seats.keySet()).forEach(this::live);
        return Future.succeededFuture();
    }

    @Override
    public Future<List<Seat>> inRoom(String roomId) {
        return select(s -> s.roomId().equals(roomId));
    }

    @Override
    public Future<List<Seat>> inClinic(String clinicId) {
        return select(s -> s.clinicId().equals(clinicId));
    }

    @Override
    public Future<List<Seat>> onNode(String nodeId) {
        return select(s -> nodeId.equals(s.nodeId()));
    }

    @Override
    public void onExpired(Consumer<Seat> listener) {
        expiryListeners.add(listener);
    }

    private Future<List<Seat>> select(Predicate<Seat> filter) {
        List<Seat> result = new ArrayList<>();
        for (String key : List.copyOf(seats.keySet())) {
            Seat seat = live(key);
            if (seat != null && filter.test(seat)) {
                result.add(seat);
            }
        }
        return Future.succeededFuture(result);
    }

    /** The seat under the key, dropping it (and telling the listeners) when its time ran out. */
    private Seat live(String key) {
        Entry entry = seats.get(key);
        if (entry == null) {
            return null;
        }
        if (expired(entry)) {
            if (seats.remove(key, entry)) {
                expiryListeners.forEach(l -> l.accept(entry.seat()));
            }
            return null;
        }
        return entry.seat();
    }

    private boolean expired(Entry entry) {
        return !clock.instant().isBefore(entry.expiresAt());
    }

    private Entry fresh(Seat seat) {
        return new Entry(seat, clock.instant().plus(ttl));
    }
}
