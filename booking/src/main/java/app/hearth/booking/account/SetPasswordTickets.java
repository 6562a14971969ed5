package app.hearth.booking.account;

import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * Single-use, expiring tickets behind set-password links. The link carries a random secret; only
 * its digest is stored. Spending one is a single conditional update (unused and unexpired → used),
 * so two clicks racing on the same link cannot both succeed.
 */
public final class SetPasswordTickets {

    public static final String COLLECTION = "set_password_tickets";

    private final MongoCollection<Document> tickets;

    public SetPasswordTickets(Store store) {
        this.tickets = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        tickets.createIndex(Indexes.ascending("personId"));
        // Kept a week past expiry so a late click still hears "expired" rather than "not valid";
        // a real MongoDB then deletes it (the embedded store ignores TTL indexes).
        tickets.createIndex(Indexes.ascending("expiresAt"),
                new com.mongodb.client.model.IndexOptions().expireAfter(7L, java.util.concurrent.TimeUnit.DAYS));
    }

    /** Issues a fresh ticket and retires the person's earlier unused ones; returns the secret. */
    public String issue(String personId, String clinicId, Instant now, Instant expiresAt) {
        tickets.updateMany(Filters.and(Filters.eq("personId", personId), Filters.eq("usedAt", null)),
                Updates.combine(Updates.set("usedAt", Date.from(now)), Updates.set("supersededAt", Date.from(now))));
        String secret = OpaqueTokens.newSecret();
        tickets.insertOne(new Document("_id", OpaqueTokens.digest(secret))
                .append("personId", personId)
                .append("clinicId", clinicId)
                .append("createdAt", Date.from(now))
                .append("expiresAt", Date.from(expiresAt))
                .append("usedAt", null));
        return secret;
    }

    /**
     * Spends a ticket.
     *
     * @return the person it was issued for
     * @throws app.hearth.platform.problem.ProblemException when it is unknown, used or expired
     */
    public String spend(String secret, Instant now) {
        String digest = OpaqueTokens.digest(secret);
        Document spent = tickets.findOneAndUpdate(
                Filters.and(Filters.eq("_id", digest), Filters.eq("usedAt", null), Filters.gt("expiresAt", Date.from(now))),
                Updates.set("usedAt", Date.from(now)));
        if (spent != null) {
            return spent.getString("personId");
        }
        Document existing = tickets.find(Filters.eq("_id", digest)).first();
        if (existing == null) {
            throw AccountProblems.LINK_INVALID.exception("Ask your clinic for a new link", "ticket");
        }
        if (existing.get("usedAt") != null) {
            throw AccountProblems.LINK_USED.exception("Each link works once. Sign in, or ask your clinic for a new link", "ticket");
        }
        Instant expiredAt = Documents.instant(existing, "expiresAt");
        throw AccountProblems.LINK_EXPIRED.exception("The link expired at " + expiredAt + ". Ask your clinic for a new one", "ticket");
    }
}
