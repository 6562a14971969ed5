package app.hearth.gateway.auth;

import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * Single-use tickets that open one WebSocket. Browsers cannot put an Authorization header on a
 * WebSocket, and an access token in a URL would end up in proxy logs; a ticket in the URL is
 * harmless: it is spent by the upgrade, lives 60 seconds, and only its digest is stored. Kept in the
 * store (not in memory) because the socket may land on another node than the one that issued it.
 */
public final class ConnectionTickets {

    public static final String COLLECTION = "connection_tickets";
    public static final Duration TTL = Duration.ofSeconds(60);

    /** A fresh ticket for the caller and when it stops working. */
    public record Issued(String ticket, Instant expiresAt) {
    }

    /** A spent ticket: who it was issued to, and the session of the access token it was issued for. */
    public record Holder(Actor actor, AccessSession session) {
    }

    private final MongoCollection<Document> tickets;
    private final Blocking blocking;
    private final Clock clock;

    public ConnectionTickets(Store store, Blocking blocking, Clock clock) {
        this.tickets = store.collection(COLLECTION);
        this.blocking = blocking;
        this.clock = clock;
    }

    public void ensureIndexes() {
        tickets.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(1L, TimeUnit.HOURS));
    }

    /** A ticket for the caller, tied to their access token's session so that revoking it reaches the socket. */
    public Future<Issued> issue(Actor actor, AccessSession session) {
        return blocking.run(() -> {
            String secret = OpaqueTokens.newSecret();
            Instant now = clock.instant();
            Instant expires = now.plus(TTL);
            tickets.insertOne(new Document("_id", OpaqueTokens.digest(secret)).append("personId", actor.personId())
                    .append("clinicId", actor.clinicId()).append("role", actor.role().wire())
                    .append("sessionId", session.id()).append("tokenIssuedAt", Date.from(session.issuedAt()))
                    .append("createdAt", Date.from(now)).append("expiresAt", Date.from(expires)).append("usedAt", null));
            return new Issued(secret, expires);
        });
    }

    /** @return who the ticket was issued to, or empty when it is unknown, spent or expired */
    public Future<Optional<Holder>> spend(String secret, String sourceAddress) {
        if (secret == null || secret.isEmpty() || secret.length() > 128) {
            return Future.succeededFuture(Optional.empty());
        }
        return blocking.run(() -> {
            Instant now = clock.instant();
            Document spent = tickets.findOneAndUpdate(Filters.and(Filters.eq("_id", OpaqueTokens.digest(secret)),
                    Filters.eq("usedAt", null), Filters.gt("expiresAt", Date.from(now))), Updates.set("usedAt", Date.from(now)));
            return Optional.ofNullable(spent).filter(d -> d.getString("sessionId") != null && d.get("tokenIssuedAt") != null)
                    .flatMap(d -> Role.fromWire(d.getString("role")).map(role -> new Holder(
                            new Actor(d.getString("personId"), d.getString("clinicId"), role, sourceAddress),
                            new AccessSession(d.getString("sessionId"), d.getString("personId"),
                                    d.getDate("tokenIssuedAt").toInstant()))));
        });
    }
}
