package app.hearth.room;

import app.hearth.platform.access.Actor;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * The room's view of booking (a port: the gateway plugs booking in, tests plug in a fake), so that
 * session rooms never depend on the booking module.
 */
public interface RoomDirectory {

    /**
     * Spends a single-use join ticket for the signed-in person. Fails with a {@link RoomException}
     * ({@code ticket-invalid}) when the ticket is unknown, spent, expired or was made for someone
     * else, and ({@code not-found}) when its appointment was cancelled since.
     */
    Future<RoomAccess> redeem(Actor actor, String joinTicket);

    /**
     * A host ended the appointment's live session for everyone: booking records it on the
     * appointment ({@code sessionEndedAt}) so every list shows the session as ended. A no-op by
     * default (test fakes).
     */
    default Future<Void> sessionEnded(String clinicId, String appointmentId, String endedBy, Instant at) {
        return Future.succeededFuture();
    }
}
