package app.hearth.room;

import java.time.Duration;

/**
 * How live rooms behave; read once by the node from its settings and handed in (domain code never
 * reads configuration itself).
 *
 * @param closeGrace        how long after an appointment's end its room stays open (default 15 min)
 * @param reconnectGrace    how long a dropped connection keeps its seat (default 8 s): a person back
 *                          within it needs no new admission; after it they are gone from every roster
 * @param idleTimeout       a connection silent this long (no message, no pong) is taken for dead (8 s); the
 *                          heartbeat notices within a second more (docs/adr/0028)
 * @param pingInterval      how long a connection may be silent before the server pings it (4 s), and then
 *                          again every half interval; browsers answer on their own, and a browser's page
 *                          sends its own pings every 3 s, so only idle clients are pinged
 * @param seatTtl           the backstop lifetime of a seat whose node stopped refreshing it (30 s)
 * @param maxMessageBytes   the largest message accepted (16 KiB); larger ones get an error
 * @param messagesPerSecond the sustained rate per connection (20); bursts up to {@link #messageBurst()} pass,
 *                          beyond that messages are refused, and only keeping up more than twice the rate closes
 *                          the connection ({@link RateBucket})
 * @param restingIdleTimeout  the idle timeout of a <em>resting</em> connection, one in no room and watching no
 *                          lobby (60 s): no roster shows it, so a slow verdict hides nobody's departure, and
 *                          a node holding 20,000 of them pings each one a fifth as often (docs/adr/0031)
 * @param restingPingInterval the ping interval of a resting connection (25 s, Engine.IO's cadence)
 */
public record RoomConfig(Duration closeGrace, Duration reconnectGrace, Duration idleTimeout, Duration pingInterval,
                         Duration seatTtl, int maxMessageBytes, int messagesPerSecond,
                         Duration restingIdleTimeout, Duration restingPingInterval) {

    public static RoomConfig defaults() {
        return new RoomConfig(Duration.ofMinutes(15), Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(4),
                Duration.ofSeconds(30), 72 * 1024, 20, Duration.ofSeconds(60), Duration.ofSeconds(25));
    }

    /** The burst a connection may send at once (three seconds' worth): a call's set-up fits in it. */
    public int messageBurst() {
        return 3 * messagesPerSecond;
    }

    public RoomConfig {
        if (reconnectGrace.isNegative() || idleTimeout.compareTo(pingInterval) <= 0 || seatTtl.compareTo(reconnectGrace) <= 0) {
            throw new IllegalArgumentException("room timings must satisfy idle timeout > ping interval and seat TTL > reconnect grace");
        }
        if (restingIdleTimeout.compareTo(restingPingInterval) <= 0 || restingPingInterval.compareTo(pingInterval) < 0) {
            throw new IllegalArgumentException("a resting connection's idle timeout must exceed its ping interval, "
                    + "which must be at least the ping interval");
        }
        if (maxMessageBytes < 1024 || messagesPerSecond < 1) {
            throw new IllegalArgumentException("a room message limit of at least 1 KiB and 1 message per second is needed");
        }
    }
}
