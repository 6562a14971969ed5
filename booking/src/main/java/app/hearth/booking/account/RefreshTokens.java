package app.hearth.booking.account;

import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Rotating refresh tokens. Each sign-in starts a family; each refresh spends the presented token and
 * issues the next one of the same family. Presenting a spent token means it was copied, so the whole
 * family is revoked (the thief and the owner both have to sign in again). Stored as digests only.
 */
public final class RefreshTokens {

    public static final String COLLECTION = "refresh_tokens";

    /** A live token: who it signs in, and the family it rotates in (the session id in access tokens). */
    public record Grant(String personId, String clinicId, String familyId) {
    }

    /**
     * What presenting a token did: {@code grant} when it was live and is now spent; otherwise empty,
     * with {@code reusedFamily} set when it had been spent before and its family is now revoked.
     */
    public record Spent(Optional<Grant> grant, Optional<String> reusedFamily) {
    }

    private final MongoCollection<Document> tokens;

    public RefreshTokens(Store store) {
        this.tokens = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        tokens.createIndex(Indexes.ascending("familyId"));
        tokens.createIndex(Indexes.ascending("personId"));
        // A real MongoDB deletes a token a day after it expired (reuse detection needs spent tokens
        // for their lifetime only); the embedded store ignores TTL indexes.
        tokens.createIndex(Indexes.ascending("expiresAt"),
                new com.mongodb.client.model.IndexOptions().expireAfter(1L, java.util.concurrent.TimeUnit.DAYS));
    }

    /** @return the secret to hand to the client */
    public String issue(Grant grant, Instant now, Instant expiresAt) {
        String secret = OpaqueTokens.newSecret();
        tokens.insertOne(new Document("_id", OpaqueTokens.digest(secret))
                .append("familyId", grant.familyId())
                .append("personId", grant.personId())
                .append("clinicId", grant.clinicId())
                .append("issuedAt", Date.from(now))
                .append("expiresAt", Date.from(expiresAt))
                .append("usedAt", null)
                .append("revokedAt", null));
        return secret;
    }

    /**
     * Spends a token in one conditional update.
     *
     * @return its grant, or no grant when it is unknown, expired, revoked or already spent (in the
     * last case the family has been revoked as well, and is named)
     */
    public Spent spend(String secret, Instant now) {
        String digest = OpaqueTokens.digest(secret);
        Document spent = tokens.findOneAndUpdate(
                Filters.and(Filters.eq("_id", digest), Filters.eq("usedAt", null), Filters.eq("revokedAt", null),
                        Filters.gt("expiresAt", Date.from(now))),
                Updates.set("usedAt", Date.from(now)));
        if (spent != null) {
            return new Spent(Optional.of(grantOf(spent)), Optional.empty());
        }
        Document existing = tokens.find(Filters.eq("_id", digest)).first();
        if (existing != null && existing.get("usedAt") != null) {
            revokeFamily(existing.getString("familyId"), now);
            return new Spent(Optional.empty(), Optional.of(existing.getString("familyId")));
        }
        return new Spent(Optional.empty(), Optional.empty());
    }

    /**
     * Revokes the family of a presented token (sign-out); unknown tokens are ignored.
     *
     * @return the family (session) id, when the token was known
     */
    public Optional<String> revokeFamilyOf(String secret, Instant now) {
        Document existing = tokens.find(Filters.eq("_id", OpaqueTokens.digest(secret))).first();
        if (existing != null) {
            revokeFamily(existing.getString("familyId"), now);
            return Optional.of(existing.getString("familyId"));
        }
        return Optional.empty();
    }

    /**
     * Signs a person out everywhere, e.g. after their password changed.
     *
     * @return the families (session ids) that were still live
     */
    public Set<String> revokeAllOf(String personId, Instant now) {
        Set<String> families = new HashSet<>();
        Bson live = Filters.and(Filters.eq("personId", personId), Filters.eq("revokedAt", null));
        for (Document d : tokens.find(live).projection(Projections.include("familyId"))) {
            families.add(d.getString("familyId"));
        }
        tokens.updateMany(live, Updates.set("revokedAt", Date.from(now)));
        return families;
    }

    private void revokeFamily(String familyId, Instant now) {
        tokens.updateMany(Filters.and(Filters.eq("familyId", familyId), Filters.eq("revokedAt", null)),
                Updates.set("revokedAt", Date.from(now)));
    }

    private static Grant grantOf(Document d) {
        return new Grant(d.getString("personId"), d.getString("clinicId"), d.getString("familyId"));
    }
}
