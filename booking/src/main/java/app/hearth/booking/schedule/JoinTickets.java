package app.hearth.booking.schedule;

import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * Single-use, short-lived tickets that let one person into one appointment's room. Made on demand
 * when someone presses "Join"; only the digest is stored; spending is one conditional update. The
 * live room redeems them (see the live-rooms issue); nothing long-lived ever appears in a URL.
 */
public final class JoinTickets {

    public static final String COLLECTION = "join_tickets";

    /** Who a spent ticket admits, and where. */
    public record Grant(String clinicId, String appointmentId, String roomId, String personId) {
    }

    private final MongoCollection<Document> tickets;

    public JoinTickets(Store store) {
        this.tickets = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        tickets.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(1L, TimeUnit.DAYS));
    }

    public String issue(Grant grant, Instant now, Instant expiresAt) {
        String secret = OpaqueTokens.newSecret();
        tickets.insertOne(new Document("_id", OpaqueTokens.digest(secret)).append("clinicId", grant.clinicId())
                .append("appointmentId", grant.appointmentId()).append("roomId", grant.roomId())
                .append("personId", grant.personId()).append("createdAt", Date.from(now))
                .append("expiresAt", Date.from(expiresAt)).append("usedAt", null));
        return secret;
    }

    /** @return the grant, or empty when the ticket is unknown, used or expired */
    public Optional<Grant> spend(String secret, Instant now) {
        Document spent = tickets.findOneAndUpdate(Filters.and(Filters.eq("_id", OpaqueTokens.digest(secret)),
                        Filters.eq("usedAt", null), Filters.gt("expiresAt", Date.from(now))),
                Updates.set("usedAt", Date.from(now)));
        return Optional.ofNullable(spent).map(d -> new Grant(d.getString("clinicId"), d.getString("appointmentId"),
                d.getString("roomId"), d.getString("personId")));
    }
}
