package app.hearth.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonStatus;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.SigningKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token checked once is not checked for its signature again until it expires; what must hold on
 * every use still does: revocation, expiry, and the caller's address as it is now.
 */
@DisplayName("Access tokens: a verified token is remembered, never past its expiry or its session's revocation")
class AccessTokensTest {

    @TempDir
    Path data;

    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    AccessTokens tokens(RevokedSessions revoked, Duration ttl) {
        return new AccessTokens(vertx, SigningKeys.loadOrGenerate(data), "http://localhost", "hearth-api", ttl, revoked);
    }

    static Person ann() {
        return new Person("ann", "clinic-1", Role.PATIENT, "Ann", "ann@example.test", null, "UTC", null, null,
                PersonStatus.ACTIVE, Instant.now());
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static boolean refused(Future<?> future) {
        try {
            await(future);
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    @Test
    @DisplayName("a remembered token is refused as soon as its session is revoked, and carries the address of each use")
    void revokedAfterFirstUse() throws Exception {
        RevokedSessions revoked = RevokedSessions.inMemory(Duration.ofMinutes(15), Clock.systemUTC(), vertx.eventBus());
        AccessTokens tokens = tokens(revoked, Duration.ofMinutes(15));
        String token = tokens.mint(ann(), "family-1");

        assertEquals("127.0.0.2", await(tokens.verify(token, "127.0.0.2")).actor().sourceAddress());
        AccessTokens.Verified again = await(tokens.verify(token, "127.0.0.3"));
        assertEquals("127.0.0.3", again.actor().sourceAddress(), "the address is this request's, not the first one's");
        assertEquals("family-1", again.session().id());

        revoked.revokeSessions(List.of("family-1"));
        assertTrue(refused(tokens.verify(token, "127.0.0.2")), "remembered, but its session was revoked");
    }

    @Test
    @DisplayName("a remembered token is refused once it has expired (after the leeway)")
    void expiresWhileRemembered() throws Exception {
        RevokedSessions revoked = RevokedSessions.inMemory(Duration.ofSeconds(1), Clock.systemUTC(), vertx.eventBus());
        AccessTokens tokens = tokens(revoked, Duration.ofSeconds(1));
        String token = tokens.mint(ann(), "family-2");
        await(tokens.verify(token, "127.0.0.2")); // checked (and remembered) while valid

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) { // exp (1 s) + the library's leeway (5 s)
            refused = refused(tokens.verify(token, "127.0.0.2"));
            if (!refused) {
                Thread.sleep(100); // polling interval of a loop with a deadline
            }
        }
        assertTrue(refused, "an expired token must not stay accepted because it was remembered");
    }
}
