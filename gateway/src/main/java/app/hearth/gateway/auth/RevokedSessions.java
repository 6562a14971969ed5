package app.hearth.gateway.auth;

import app.hearth.booking.account.SessionRevocations;
import app.hearth.protocol.EventBusAddresses;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sessions that ended before their access tokens expired (docs/adr/0013). Every request's token is
 * checked against this set, so it must be cheap: in a cluster it is a Hazelcast {@link ReplicatedMap}
 * (every member holds a full copy; reads are local, writes reach the others within milliseconds),
 * otherwise this node's memory. Entries live as long as an access token can (its lifetime plus the
 * verification leeway and a margin), then expire by themselves: after that no token they name is
 * valid anyway.
 *
 * <p>Each revocation is also published on {@link EventBusAddresses#SESSIONS_REVOKED_EVENTS}, so every
 * node closes its open sockets of those sessions.
 */
public final class RevokedSessions implements SessionRevocations {

    /** The cluster-wide map's name. */
    public static final String MAP_NAME = "hearth.auth.revoked-sessions";
    private static final Duration MARGIN = Duration.ofMinutes(1);

    /** Key → epoch milliseconds, with a time to live. */
    interface Entries {
        void put(String key, long value, Duration ttl);

        Long get(String key);

        default void evictExpired() {
        }
    }

    private final Entries entries;
    private final Duration ttl;
    private final EventBus bus;

    private RevokedSessions(Entries entries, Duration accessTokenTtl, EventBus bus) {
        this.entries = entries;
        this.ttl = accessTokenTtl.plus(AccessTokens.LEEWAY).plus(MARGIN);
        this.bus = bus;
    }

    /** The cluster's set, replicated to every member. */
    public static RevokedSessions clustered(HazelcastInstance hazelcast, Duration accessTokenTtl, EventBus bus) {
        ReplicatedMap<String, Long> map = hazelcast.getReplicatedMap(MAP_NAME);
        return new RevokedSessions(new Entries() {
            @Override
            public void put(String key, long value, Duration ttl) {
                map.put(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public Long get(String key) {
                return map.get(key);
            }
        }, accessTokenTtl, bus);
    }

    /** This node's own set, when it is not clustered. */
    public static RevokedSessions inMemory(Duration accessTokenTtl, Clock clock, EventBus bus) {
        record Entry(long value, Instant expiresAt) {
        }
        Map<String, Entry> map = new ConcurrentHashMap<>();
        return new RevokedSessions(new Entries() {
            @Override
            public void put(String key, long value, Duration ttl) {
                map.put(key, new Entry(value, clock.instant().plus(ttl)));
            }

            @Override
            public Long get(String key) {
                Entry entry = map.get(key);
                return entry == null || !clock.instant().isBefore(entry.expiresAt()) ? null : entry.value();
            }

            @Override
            public void evictExpired() {
                Instant now = clock.instant();
                map.values().removeIf(e -> !now.isBefore(e.expiresAt()));
            }
        }, accessTokenTtl, bus);
    }

    @Override
    public void revokeSessions(Collection<String> sessionIds) {
        if (sessionIds.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        for (String id : sessionIds) {
            entries.put(sessionKey(id), now, ttl);
        }
        bus.publish(EventBusAddresses.SESSIONS_REVOKED_EVENTS,
                new JsonObject().put("sessionIds", new JsonArray(java.util.List.copyOf(sessionIds))),
                app.hearth.platform.logging.RequestIds.deliveryOptions());
    }

    @Override
    public void revokePerson(String personId, Instant notBefore) {
        entries.put(personKey(personId), notBefore.toEpochMilli(), ttl);
        bus.publish(EventBusAddresses.SESSIONS_REVOKED_EVENTS,
                new JsonObject().put("personId", personId).put("notBefore", notBefore.toString()),
                app.hearth.platform.logging.RequestIds.deliveryOptions());
    }

    /**
     * Whether a token of this session may no longer be used: its session was revoked, or its person's
     * sessions were, after the token was issued. Token times are whole seconds: a token counts as
     * issued before {@code notBefore} when its second is an earlier one (tokens of the same second
     * are covered by their session's own revocation).
     */
    public boolean isRevoked(AccessSession session) {
        if (entries.get(sessionKey(session.id())) != null) {
            return true;
        }
        Long notBefore = entries.get(personKey(session.personId()));
        return notBefore != null && isBefore(session.issuedAt(), Instant.ofEpochMilli(notBefore));
    }

    /** Whether a token issued at {@code issuedAt} (whole seconds) was issued before {@code notBefore}. */
    public static boolean isBefore(Instant issuedAt, Instant notBefore) {
        return issuedAt.getEpochSecond() < notBefore.getEpochSecond();
    }

    /** Forgets expired entries of the in-memory set (Hazelcast expires its own); call periodically. */
    public void evictExpired() {
        entries.evictExpired();
    }

    private static String sessionKey(String sessionId) {
        return "s:" + sessionId;
    }

    private static String personKey(String personId) {
        return "p:" + personId;
    }
}
