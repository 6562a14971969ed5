package app.hearth.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.protocol.EventBusAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Revoked sessions (this node's memory, as when not clustered)")
class RevokedSessionsTest {

    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-02T10:00:00.400Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    final Vertx vertx = Vertx.vertx();
    final ManualClock clock = new ManualClock();
    final RevokedSessions revoked = RevokedSessions.inMemory(Duration.ofMinutes(15), clock, vertx.eventBus());

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    AccessSession session(String id, String person, Instant issuedAt) {
        return new AccessSession(id, person, issuedAt);
    }

    @Test
    @DisplayName("a revoked session is refused until no token of it can be valid any more (TTL + leeway + margin), and is announced")
    void sessionRevokedThenForgotten() throws Exception {
        CompletableFuture<JsonObject> announced = new CompletableFuture<>();
        vertx.eventBus().<JsonObject>consumer(EventBusAddresses.SESSIONS_REVOKED_EVENTS, m -> announced.complete(m.body()))
                .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        revoked.revokeSessions(List.of("family-1"));

        assertTrue(revoked.isRevoked(session("family-1", "ann", clock.now.minusSeconds(60))));
        assertFalse(revoked.isRevoked(session("family-2", "ann", clock.now.minusSeconds(60))), "other sessions go on");
        assertEquals("family-1", announced.get(10, TimeUnit.SECONDS).getJsonArray("sessionIds").getString(0));
        clock.now = clock.now.plus(Duration.ofMinutes(16).plusSeconds(4));
        assertTrue(revoked.isRevoked(session("family-1", "ann", clock.now.minusSeconds(60))), "still within TTL + margin");
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        revoked.evictExpired();
        assertFalse(revoked.isRevoked(session("family-1", "ann", clock.now.minusSeconds(60))), "forgotten once tokens expired");
    }

    @Test
    @DisplayName("a person's not-before refuses tokens issued in an earlier second, not those of its own second or later")
    void personNotBefore() {
        Instant notBefore = clock.now; // 10:00:00.400
        revoked.revokePerson("ann", notBefore);

        assertTrue(revoked.isRevoked(session("f", "ann", Instant.parse("2026-12-02T09:59:59Z"))));
        assertFalse(revoked.isRevoked(session("f", "ann", Instant.parse("2026-12-02T10:00:00Z"))),
                "same second: covered by the session's own revocation, not by the instant");
        assertFalse(revoked.isRevoked(session("f", "ann", Instant.parse("2026-12-02T10:00:01Z"))));
        assertFalse(revoked.isRevoked(session("f", "bob", Instant.parse("2026-12-02T09:59:59Z"))), "other people");
    }
}
