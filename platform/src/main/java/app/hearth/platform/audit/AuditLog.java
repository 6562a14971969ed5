package app.hearth.platform.audit;

import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * The clinic's audit log in MongoDB. Append-only by construction: this class is the only code that
 * touches the collection and it offers no update or delete. Callers record before they hand patient
 * data out, so a read that cannot be audited fails instead of going unrecorded.
 */
public final class AuditLog {

    public static final String COLLECTION = "audit_log";

    private final MongoCollection<Document> collection;
    private final Blocking blocking;

    public AuditLog(Store store, Blocking blocking) {
        this.collection = store.collection(COLLECTION);
        this.blocking = blocking;
    }

    /** Creates the indexes the queries use; idempotent, run at start-up before any request. */
    public static void ensureIndexesOn(Store store) {
        MongoCollection<Document> collection = store.collection(COLLECTION);
        collection.createIndex(Indexes.compoundIndex(Indexes.ascending("clinicId"), Indexes.descending("at")));
        collection.createIndex(Indexes.ascending("clinicId", "actorId"));
        collection.createIndex(Indexes.ascending("clinicId", "resourceId"));
    }

    public Future<Void> record(AuditEntry entry) {
        return blocking.run(() -> {
            collection.insertOne(toDocument(entry));
            return null;
        });
    }

    /** Records several entries in one round trip (e.g. one per patient in a list that was read). */
    public Future<Void> recordAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return Future.succeededFuture();
        }
        return blocking.run(() -> {
            collection.insertMany(entries.stream().map(AuditLog::toDocument).toList());
            return null;
        });
    }

    public Future<AuditPage> page(AuditQuery query) {
        return blocking.run(() -> {
            List<Bson> filters = new ArrayList<>();
            filters.add(Filters.eq("clinicId", query.clinicId()));
            if (query.actorId() != null) {
                filters.add(Filters.eq("actorId", query.actorId()));
            }
            if (query.resourceId() != null) {
                filters.add(Filters.eq("resourceId", query.resourceId()));
            }
            if (query.action() != null) {
                // "person" matches every person.* action, "person.update" only itself
                filters.add(query.action().contains(".") ? Filters.eq("action", query.action())
                        : Filters.regex("action", "^" + query.action() + "\\."));
            }
            if (query.personId() != null) {
                filters.add(Filters.or(Filters.eq("actorId", query.personId()), Filters.eq("resourceId", query.personId())));
            }
            if (query.from() != null) {
                filters.add(Filters.gte("at", java.util.Date.from(query.from())));
            }
            if (query.to() != null) {
                filters.add(Filters.lt("at", java.util.Date.from(query.to())));
            }
            if (query.before() != null) {
                Cursor cursor = Cursor.parse(query.before());
                filters.add(Filters.or(
                        Filters.lt("at", java.util.Date.from(cursor.at())),
                        Filters.and(Filters.eq("at", java.util.Date.from(cursor.at())), Filters.lt("_id", cursor.id()))));
            }
            List<AuditEntry> items = new ArrayList<>();
            collection.find(Filters.and(filters))
                    .sort(Sorts.orderBy(Sorts.descending("at"), Sorts.descending("_id")))
                    .limit(query.limit() + 1)
                    .forEach(doc -> items.add(fromDocument(doc)));
            String next = null;
            if (items.size() > query.limit()) {
                items.remove(items.size() - 1);
                AuditEntry last = items.get(items.size() - 1);
                next = new Cursor(last.at(), new ObjectId(last.id())).encode();
            }
            return new AuditPage(List.copyOf(items), next);
        });
    }

    private static Document toDocument(AuditEntry e) {
        Document doc = new Document("_id", new ObjectId())
                .append("at", java.util.Date.from(e.at()))
                .append("actorId", e.actorId())
                .append("actorRole", e.actorRole())
                .append("clinicId", e.clinicId())
                .append("action", e.action())
                .append("outcome", e.outcome().name().toLowerCase(Locale.ROOT));
        if (e.resourceType() != null) {
            doc.append("resourceType", e.resourceType());
        }
        if (e.resourceId() != null) {
            doc.append("resourceId", e.resourceId());
        }
        if (e.sourceAddress() != null) {
            doc.append("sourceAddress", e.sourceAddress());
        }
        if (!e.changed().isEmpty()) {
            doc.append("changed", e.changed());
        }
        return doc;
    }

    private static AuditEntry fromDocument(Document d) {
        return new AuditEntry(d.getObjectId("_id").toHexString(), d.getDate("at").toInstant(), d.getString("actorId"),
                d.getString("actorRole"), d.getString("clinicId"), d.getString("action"), d.getString("resourceType"),
                d.getString("resourceId"), AuditEntry.Outcome.valueOf(d.getString("outcome").toUpperCase(Locale.ROOT)),
                d.getString("sourceAddress"), d.getList("changed", String.class));
    }

    /** Position in the newest-first order: the last entry's time and id, as {@code <millis>.<hex id>}. */
    private record Cursor(Instant at, ObjectId id) {
        String encode() {
            return at.toEpochMilli() + "." + id.toHexString();
        }

        static Cursor parse(String text) {
            int dot = text.indexOf('.');
            try {
                if (dot > 0) {
                    return new Cursor(Instant.ofEpochMilli(Long.parseLong(text.substring(0, dot))),
                            new ObjectId(text.substring(dot + 1)));
                }
            } catch (IllegalArgumentException e) {
                // fall through to the clear error below
            }
            throw CommonProblems.INVALID_REQUEST.exception("The 'before' cursor is not one this server issued", "before");
        }
    }
}
