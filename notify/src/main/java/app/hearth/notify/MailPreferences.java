package app.hearth.notify;

import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * Each person's choice of the optional mail they get (docs/adr/0029): one document per person in
 * {@code mail_preferences} listing the kinds they turned off; no document means everything on.
 * Only kinds of {@link MailPolicy#OPTIONAL} are ever stored. Blocking: call on a store worker.
 */
public final class MailPreferences {

    public static final String COLLECTION = "mail_preferences";

    private final MongoCollection<Document> preferences;

    public MailPreferences(Store store) {
        this.preferences = store.collection(COLLECTION);
    }

    /** The optional kinds this person turned off. */
    public Set<String> turnedOff(String personId) {
        Document d = preferences.find(Filters.eq("_id", personId)).first();
        return d == null ? Set.of() : new LinkedHashSet<>(d.getList("off", String.class, List.of()));
    }

    public boolean isOff(String personId, String kind) {
        return preferences.countDocuments(Filters.and(Filters.eq("_id", personId), Filters.eq("off", kind))) > 0;
    }

    /** Replaces the person's choice: {@code off} are the optional kinds they do not want. */
    public void save(String personId, String clinicId, Set<String> off, Instant now) {
        List<String> kinds = off.stream().filter(MailPolicy.OPTIONAL::contains).sorted().toList();
        preferences.updateOne(Filters.eq("_id", personId), Updates.combine(Updates.set("clinicId", clinicId),
                Updates.set("off", kinds), Updates.set("updatedAt", Documents.date(now))), new UpdateOptions().upsert(true));
    }

    /** Turns one optional kind off (an unsubscribe link), keeping the rest as they were. */
    public void turnOff(String personId, String clinicId, String kind, Instant now) {
        if (!MailPolicy.OPTIONAL.contains(kind)) {
            throw new IllegalArgumentException("not an optional kind: " + kind);
        }
        preferences.updateOne(Filters.eq("_id", personId), Updates.combine(Updates.set("clinicId", clinicId),
                Updates.addToSet("off", kind), Updates.set("updatedAt", Documents.date(now))), new UpdateOptions().upsert(true));
    }
}
