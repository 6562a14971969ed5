package app.hearth.room.presence;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the seats of live rooms are kept: in this node's memory (a single node) or in a Hazelcast map
 * shared by the cluster. Both implementations pass the same tests ({@code PresenceStoreContract}).
 *
 * <p>Writes are compare-and-set on the whole seat, so two nodes changing one seat at once cannot
 * both win. Every seat carries a time-to-live that its node refreshes while the connection is up; it
 * is the backstop that empties the cache if everything else fails.
 */
public interface PresenceStore {

    Future<Optional<Seat>> get(String roomId, String personId);

    /** Stores the seat when none exists for its room and person. @return whether it was stored */
    Future<Boolean> putIfAbsent(Seat seat);

    /** Replaces {@code expected} by {@code next} only if the stored seat still equals {@code expected}. */
    Future<Boolean> replace(Seat expected, Seat next);

    /** Removes the seat only if the stored one still equals {@code expected}. */
    Future<Boolean> remove(Seat expected);

    /** Pushes the time-to-live of these seats forward (their connections are alive). */
    Future<Void> touch(List<String> keys);

    Future<List<Seat>> inRoom(String roomId);

    Future<List<Seat>> inClinic(String clinicId);

    /** Seats whose connection is (or was) held by that cluster member. */
    Future<List<Seat>> onNode(String nodeId);

    /** Called with a seat that vanished without a {@link #remove} (its time-to-live ran out). */
    void onExpired(Consumer<Seat> listener);
}
