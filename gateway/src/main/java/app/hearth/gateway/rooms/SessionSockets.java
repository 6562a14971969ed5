package app.hearth.gateway.rooms;

import app.hearth.gateway.auth.AccessSession;
import app.hearth.gateway.auth.RevokedSessions;
import app.hearth.protocol.EventBusAddresses;
import app.hearth.room.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's room sockets by the session of the access token they were opened with, so that a
 * revoked session's sockets close on every node ({@link EventBusAddresses#SESSIONS_REVOKED_EVENTS}).
 * The socket is closed with {@link #CLOSE_SESSION_REVOKED}; its close reaches the {@code RoomHub}
 * like any other close, so seats and rosters follow as usual.
 */
public final class SessionSockets {

    /** Close code of a socket whose session ended (sign-out, reused refresh token, new password). */
    public static final short CLOSE_SESSION_REVOKED = 4401;
    private static final Logger LOG = LoggerFactory.getLogger(SessionSockets.class);

    private record Open(AccessSession session, Context context, Connection connection) {
    }

    /**
     * How long a session whose socket was closed for flooding gets no new connection ticket on this
     * node. Without it a hostile client reconnects at once and floods again: each round costs a
     * ticket, a token check and store writes, which is what slowed other rooms (docs/benchmarks.md).
     */
    public static final java.time.Duration FLOOD_COOLDOWN = java.time.Duration.ofSeconds(30);

    private final Map<String, Open> open = new ConcurrentHashMap<>();
    /** Session id → when it may have a ticket again (epoch millis); entries are dropped when read late. */
    private final Map<String, Long> cooling = new ConcurrentHashMap<>();

    /** Starts listening for revocations on this node's event bus. */
    public Future<Void> start(Vertx vertx) {
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(EventBusAddresses.SESSIONS_REVOKED_EVENTS,
                message -> app.hearth.platform.logging.RequestIds.receive(message, () -> revoked(message.body())));
        return consumer.completion();
    }

    /** A socket opened with a ticket of this session; call on the socket's own context. */
    public void opened(AccessSession session, Connection connection) {
        open.put(connection.id(), new Open(session, Vertx.currentContext(), connection));
    }

    public void closed(String connectionId) {
        open.remove(connectionId);
    }

    /** A socket of this session was closed for flooding: no new ticket for {@link #FLOOD_COOLDOWN}. */
    public void flooded(AccessSession session, long nowMillis) {
        cooling.put(session.id(), nowMillis + FLOOD_COOLDOWN.toMillis());
        if (cooling.size() > 10_000) { // bounded: forget those that have cooled down
            cooling.values().removeIf(until -> until <= nowMillis);
        }
    }

    /** @return seconds until this session may have a connection ticket again, or 0 */
    public long coolingSeconds(AccessSession session, long nowMillis) {
        Long until = cooling.get(session.id());
        if (until == null) {
            return 0;
        }
        if (until <= nowMillis) {
            cooling.remove(session.id(), until);
            return 0;
        }
        return Math.max(1, (until - nowMillis + 999) / 1000);
    }

    /** How many open sockets this node knows a session of (tests). */
    public int size() {
        return open.size();
    }

    private void revoked(JsonObject event) {
        if (event == null) {
            return;
        }
        Set<String> sessionIds = new HashSet<>();
        JsonArray ids = event.getJsonArray("sessionIds");
        if (ids != null) {
            ids.forEach(id -> sessionIds.add(String.valueOf(id)));
        }
        String personId = event.getString("personId");
        Instant notBefore = null;
        if (personId != null) {
            try {
                notBefore = Instant.parse(event.getString("notBefore", ""));
            } catch (DateTimeParseException e) {
                LOG.warn("Session revocation without a valid notBefore ignored");
                return;
            }
        }
        for (Open o : open.values()) {
            AccessSession s = o.session();
            boolean ended = sessionIds.contains(s.id())
                    || (personId != null && personId.equals(s.personId()) && RevokedSessions.isBefore(s.issuedAt(), notBefore));
            if (ended) {
                open.remove(o.connection().id());
                Runnable close = () -> o.connection().close(CLOSE_SESSION_REVOKED, "session ended");
                if (o.context() != null) {
                    o.context().runOnContext(v -> close.run());
                } else {
                    close.run();
                }
            }
        }
    }
}
