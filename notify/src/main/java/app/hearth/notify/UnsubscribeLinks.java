package app.hearth.notify;

import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bson.Document;

/**
 * The secrets of unsubscribe links (docs/adr/0029): each optional message gets its own opaque,
 * unguessable token when it is sent, naming one person and one kind. The store keeps only the
 * token's digest (as for calendar feeds and set-password tickets), so neither the outbox nor this
 * collection holds a working link. A link works for {@link #VALID} after its message, then the
 * pruner removes it. Blocking: call on a store worker.
 */
public final class UnsubscribeLinks {

    public static final String COLLECTION = "mail_unsubscribe_links";
    /** How long a link in a received message keeps working. */
    public static final Duration VALID = Duration.ofDays(365);

    /** Whom a link names and what it turns off. */
    public record Target(String personId, String clinicId, String kind) {
    }

    private final MongoCollection<Document> links;

    public UnsubscribeLinks(Store store) {
        this.links = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        links.createIndex(Indexes.ascending("expiresAt"));
    }

    /** A new link secret for this person and kind; only its digest is stored. */
    public String issue(String personId, String clinicId, String kind, Instant now) {
        String secret = OpaqueTokens.newSecret();
        links.insertOne(new Document("_id", OpaqueTokens.digest(secret)).append("personId", personId).append("clinicId", clinicId)
                .append("kind", kind).append("createdAt", Documents.date(now)).append("expiresAt", Documents.date(now.plus(VALID))));
        return secret;
    }

    /** What an unexpired link names; empty for an unknown, forged or expired one. */
    public Optional<Target> find(String secret, Instant now) {
        if (secret == null || secret.length() > 100) {
            return Optional.empty();
        }
        Document d = links.find(Filters.and(Filters.eq("_id", OpaqueTokens.digest(secret)),
                Filters.gt("expiresAt", Documents.date(now)))).first();
        return d == null ? Optional.empty() : Optional.of(new Target(d.getString("personId"), d.getString("clinicId"), d.getString("kind")));
    }

    /** Removes expired links; how many. */
    public long prune(Instant now) {
        return links.deleteMany(Filters.lte("expiresAt", Documents.date(now))).getDeletedCount();
    }
}
