package app.hearth.room.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PresenceStore} must do, run against each implementation (habit 4: the same tests
 * for the in-memory and the distributed one). {@link #writer()} and {@link #reader()} may be two
 * cluster members: what one writes, the other must see.
 */
abstract class PresenceStoreContract {

    /** The store a test writes through. */
    abstract PresenceStore writer();

    /** The store a test reads through: another cluster member where there is one. */
    abstract PresenceStore reader();

    /** The seat time-to-live the stores were made with. */
    abstract Duration ttl();

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static int counter;

    static Seat seat(String clinic, String room, String person, String node) {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        return new Seat(clinic, room, "appt-" + room, "preparation", now, now.plusSeconds(3600), now.plusSeconds(4500),
                person, "Person " + person, "patient", List.of("therapist-" + room), Seat.Stage.ONLINE, Seat.Link.CONNECTED,
                node, "conn-" + person + "-" + (++counter), false, null, now, now, null);
    }

    String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    @Test
    @DisplayName("a seat put on one member is read on the other, whole, including its safety check")
    void roundTrip() {
        String room = unique("room");
        Seat seat = seat("clinic-a", room, "p1", "node-1").withSafety(new JsonObject().put("address", "1 Main St")
                .put("emergencyContact", new JsonObject().put("name", "Kim").put("phone", "555"))
                .put("privateAndNotDriving", true).put("confirmedAt", "2026-11-23T10:01:00Z")
                .put("geolocation", new JsonObject().put("latitude", 45.5).put("longitude", -122.6).put("accuracyMeters", 12.5)));
        assertTrue(await(writer().putIfAbsent(seat)));
        assertEquals(Optional.of(seat), await(reader().get(room, "p1")));
        assertFalse(await(writer().putIfAbsent(seat("clinic-a", room, "p1", "node-2"))), "one seat per person per room");
    }

    @Test
    @DisplayName("compare-and-set: a change based on a stale seat loses, and of many racing changes exactly one wins")
    void compareAndSet() {
        String room = unique("room");
        Seat original = seat("clinic-a", room, "p1", "node-1");
        await(writer().putIfAbsent(original));
        Seat waiting = original.withStage(Seat.Stage.WAITING, original.since().plusSeconds(5));
        assertTrue(await(reader().replace(original, waiting)));
        assertFalse(await(writer().replace(original, original.withDevicesChecked(true))), "stale base loses");
        assertEquals(Optional.of(waiting), await(writer().get(room, "p1")));

        // twenty members of the cluster try to move the same seat at once
        List<Future<Boolean>> racers = IntStream.range(0, 20).mapToObj(i -> (i % 2 == 0 ? writer() : reader())
                .replace(waiting, waiting.connected("node-" + i, "conn-" + i, waiting.since()))).toList();
        long winners = racers.stream().map(PresenceStoreContract::await).filter(Boolean::booleanValue).count();
        assertEquals(1, winners);
        assertFalse(await(reader().remove(waiting)), "removal based on a stale seat is refused");
        Seat current = await(reader().get(room, "p1")).orElseThrow();
        assertTrue(await(writer().remove(current)));
        assertEquals(Optional.empty(), await(reader().get(room, "p1")));
    }

    @Test
    @DisplayName("seats are found by room, by clinic and by the node holding their connection")
    void queries() {
        String room1 = unique("room");
        String room2 = unique("room");
        String clinic = unique("clinic");
        String node = unique("node");
        await(writer().putIfAbsent(seat(clinic, room1, "a", node)));
        await(writer().putIfAbsent(seat(clinic, room1, "b", "elsewhere")));
        await(reader().putIfAbsent(seat(clinic, room2, "c", node)));
        await(reader().putIfAbsent(seat("other-clinic", unique("room"), "d", node)));

        assertEquals(List.of("a", "b"), sortedPeople(await(reader().inRoom(room1))));
        assertEquals(List.of("a", "b", "c"), sortedPeople(await(writer().inClinic(clinic))));
        assertEquals(List.of("a", "c", "d"), sortedPeople(await(reader().onNode(node))));
    }

    @Test
    @DisplayName("a seat nobody refreshes expires and is reported; a refreshed one stays")
    void expiry() throws Exception {
        String room = unique("room");
        List<Seat> expired = new CopyOnWriteArrayList<>();
        writer().onExpired(expired::add);
        reader().onExpired(expired::add);
        Seat forgotten = seat("clinic-a", room, "gone", "node-1");
        Seat kept = seat("clinic-a", room, "kept", "node-1");
        await(writer().putIfAbsent(forgotten));
        await(writer().putIfAbsent(kept));
        long deadline = System.nanoTime() + ttl().multipliedBy(6).toNanos();
        while (System.nanoTime() < deadline && (expired.stream().noneMatch(s -> s.personId().equals("gone"))
                || await(reader().get(room, "gone")).isPresent())) {
            await(writer().touch(List.of(kept.key())));
            Thread.sleep(200); // polling; the refresh keeps "kept" alive meanwhile
        }
        assertEquals(Optional.empty(), await(reader().get(room, "gone")));
        assertEquals(Optional.of(kept), await(reader().get(room, "kept")));
        assertTrue(expired.stream().anyMatch(s -> s.personId().equals("gone")), "expiry reported: " + expired);
        assertTrue(expired.stream().noneMatch(s -> s.personId().equals("kept")));
    }

    private static List<String> sortedPeople(List<Seat> seats) {
        return seats.stream().map(Seat::personId).sorted().toList();
    }
}
