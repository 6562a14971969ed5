package app.hearth.booking.account;

import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bson.Document;

/**
 * Password hashes, kept apart from people so that no read of a person can ever carry one out.
 * One document per person, keyed by the person's id.
 */
public final class CredentialRepository {

    public static final String COLLECTION = "credentials";

    private final MongoCollection<Document> credentials;

    public CredentialRepository(Store store) {
        this.credentials = store.collection(COLLECTION);
    }

    public void setPasswordHash(String personId, String passwordHash, Instant at) {
        credentials.replaceOne(Filters.eq("_id", personId),
                new Document("_id", personId).append("passwordHash", passwordHash).append("updatedAt", Date.from(at)),
                new ReplaceOptions().upsert(true));
    }

    public Optional<String> passwordHash(String personId) {
        return Optional.ofNullable(credentials.find(Filters.eq("_id", personId)).first())
                .map(d -> d.getString("passwordHash"));
    }
}
