package app.hearth.care.record;

import app.hearth.care.record.RecordModel.ConsentAcceptance;
import app.hearth.care.record.RecordModel.ConsentText;
import app.hearth.care.record.RecordModel.Intake;
import app.hearth.care.record.RecordModel.Intentions;
import app.hearth.care.record.RecordModel.JournalEntry;
import app.hearth.platform.security.FieldCipher;
import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/**
 * The record's collections. Clinical text is sealed here, field by field, with the context
 * {@code "<collection>/<docId>/<field>"} so a value moved to another record or field does not open
 * (docs/adr/0016). Consent texts are the clinic's published wording, not clinical, and stay plain.
 * Blocking: call from the store pool.
 */
public final class RecordStore {

    public static final String INTAKES = "care_intakes";
    public static final String CONSENT_TEXTS = "care_consent_texts";
    public static final String CONSENT_ACCEPTANCES = "care_consent_acceptances";
    public static final String INTENTIONS = "care_intentions";
    public static final String JOURNAL = "care_journal";

    private final MongoCollection<Document> intakes;
    private final MongoCollection<Document> consentTexts;
    private final MongoCollection<Document> acceptances;
    private final MongoCollection<Document> intentions;
    private final MongoCollection<Document> journal;
    private final FieldCipher cipher;

    public RecordStore(Store store, FieldCipher cipher) {
        this.intakes = store.collection(INTAKES);
        this.consentTexts = store.collection(CONSENT_TEXTS);
        this.acceptances = store.collection(CONSENT_ACCEPTANCES);
        this.intentions = store.collection(INTENTIONS);
        this.journal = store.collection(JOURNAL);
        this.cipher = cipher;
    }

    public void ensureIndexes() {
        consentTexts.createIndex(Indexes.ascending("clinicId", "kind", "version"), new IndexOptions().unique(true));
        acceptances.createIndex(Indexes.ascending("clinicId", "patientId", "kind", "version"), new IndexOptions().unique(true));
        journal.createIndex(Indexes.ascending("clinicId", "patientId", "createdAt"));
    }

    // ------------------------------------------------------------------ intake (one per patient, _id = patient id)

    public Optional<Intake> intake(String clinicId, String patientId) {
        Document d = intakes.find(Filters.and(Filters.eq("_id", patientId), Filters.eq("clinicId", clinicId))).first();
        if (d == null) {
            return Optional.empty();
        }
        Document sealed = d.get("answers", Document.class);
        Map<String, String> answers = new LinkedHashMap<>();
        for (String field : RecordModel.INTAKE_FIELDS) {
            String value = sealed == null ? null : sealed.getString(field);
            if (value != null) {
                answers.put(field, cipher.open(value, INTAKES + "/" + patientId + "/answers." + field));
            }
        }
        return Optional.of(new Intake(answers, Documents.instant(d, "updatedAt")));
    }

    public void saveIntake(String clinicId, String patientId, Map<String, String> answers, Instant now) {
        Document sealed = new Document();
        answers.forEach((field, value) -> sealed.append(field, cipher.seal(value, INTAKES + "/" + patientId + "/answers." + field)));
        intakes.replaceOne(Filters.eq("_id", patientId), new Document("_id", patientId).append("clinicId", clinicId)
                .append("answers", sealed).append("updatedAt", Documents.date(now)), new ReplaceOptions().upsert(true));
    }

    // ------------------------------------------------------------------ consents

    /** The current (highest) version of each kind the clinic published. */
    public Map<String, ConsentText> currentConsents(String clinicId) {
        Map<String, ConsentText> current = new LinkedHashMap<>();
        consentTexts.find(Filters.eq("clinicId", clinicId)).sort(Sorts.ascending("kind", "version"))
                .forEach(d -> current.put(d.getString("kind"), consentText(d)));
        return current;
    }

    /** Publishes the next version of a kind; false when another publisher took that number first. */
    public boolean insertConsent(String clinicId, ConsentText text) {
        try {
            consentTexts.insertOne(new Document("_id", clinicId + ":" + text.kind() + ":" + text.version()).append("clinicId", clinicId)
                    .append("kind", text.kind()).append("version", text.version()).append("title", text.title())
                    .append("text", text.text()).append("publishedAt", Documents.date(text.publishedAt()))
                    .append("publishedBy", text.publishedBy()));
            return true;
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    public List<ConsentAcceptance> acceptances(String clinicId, String patientId) {
        List<ConsentAcceptance> out = new ArrayList<>();
        acceptances.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)))
                .sort(Sorts.ascending("acceptedAt"))
                .forEach(d -> out.add(new ConsentAcceptance(d.getString("kind"), d.getInteger("version"), Documents.instant(d, "acceptedAt"))));
        return out;
    }

    /** Records the acceptance once; a second call (or a concurrent one) finds the first. */
    public RecordModel.Accepted accept(String clinicId, String patientId, String kind, int version, Instant now) {
        String id = clinicId + ":" + patientId + ":" + kind + ":" + version;
        try {
            acceptances.insertOne(new Document("_id", id).append("clinicId", clinicId).append("patientId", patientId)
                    .append("kind", kind).append("version", version).append("acceptedAt", Documents.date(now)));
            return new RecordModel.Accepted(new ConsentAcceptance(kind, version, now), true);
        } catch (MongoWriteException e) {
            if (!Documents.isDuplicateKey(e)) {
                throw e;
            }
            Document d = acceptances.find(Filters.eq("_id", id)).first();
            return new RecordModel.Accepted(new ConsentAcceptance(kind, version, Documents.instant(d, "acceptedAt")), false);
        }
    }

    // ------------------------------------------------------------------ intentions (_id = patient id, optimistic version)

    public Intentions intentions(String clinicId, String patientId) {
        Document d = intentions.find(Filters.and(Filters.eq("_id", patientId), Filters.eq("clinicId", clinicId))).first();
        if (d == null) {
            return Intentions.NONE;
        }
        String json = cipher.open(d.getString("items"), INTENTIONS + "/" + patientId + "/items");
        List<String> items = new JsonArray(json).stream().map(String::valueOf).toList();
        Document by = d.get("updatedBy", Document.class);
        return new Intentions(items, d.get("version", Number.class).longValue(), Documents.instant(d, "updatedAt"),
                by == null ? null : by.getString("id"), by == null ? null : by.getString("role"));
    }

    /** Replaces the intentions if they are still at {@code expectedVersion}; false when someone changed them first. */
    public boolean saveIntentions(String clinicId, String patientId, List<String> items, long expectedVersion, String byId,
                                  String byRole, Instant now) {
        String sealed = cipher.seal(new JsonArray(items).encode(), INTENTIONS + "/" + patientId + "/items");
        Document by = new Document("id", byId).append("role", byRole);
        if (expectedVersion == 0) {
            try {
                intentions.insertOne(new Document("_id", patientId).append("clinicId", clinicId).append("items", sealed)
                        .append("version", 1L).append("updatedAt", Documents.date(now)).append("updatedBy", by));
                return true;
            } catch (MongoWriteException e) {
                if (Documents.isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        }
        return intentions.updateOne(Filters.and(Filters.eq("_id", patientId), Filters.eq("clinicId", clinicId),
                        Filters.eq("version", expectedVersion)),
                Updates.combine(Updates.set("items", sealed), Updates.set("version", expectedVersion + 1),
                        Updates.set("updatedAt", Documents.date(now)), Updates.set("updatedBy", by))).getModifiedCount() == 1;
    }

    // ------------------------------------------------------------------ journal

    public void insertJournal(String clinicId, JournalEntry e) {
        journal.insertOne(new Document("_id", e.id()).append("clinicId", clinicId).append("patientId", e.patientId())
                .append("text", cipher.seal(e.text(), JOURNAL + "/" + e.id() + "/text"))
                .append("prompt", cipher.seal(e.prompt(), JOURNAL + "/" + e.id() + "/prompt"))
                .append("appointmentId", e.appointmentId())
                .append("createdAt", Documents.date(e.createdAt())).append("updatedAt", Documents.date(e.updatedAt()))
                .append("shared", e.shared()).append("sharedAt", Documents.date(e.sharedAt())));
    }

    /** A patient's entries, newest first; only the shared ones when {@code sharedOnly}. */
    public List<JournalEntry> journal(String clinicId, String patientId, boolean sharedOnly) {
        List<org.bson.conversions.Bson> filters = new ArrayList<>(List.of(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)));
        if (sharedOnly) {
            filters.add(Filters.eq("shared", true));
        }
        List<JournalEntry> out = new ArrayList<>();
        journal.find(Filters.and(filters)).sort(Sorts.descending("createdAt", "_id")).forEach(d -> out.add(journalEntry(d)));
        return out;
    }

    public Optional<JournalEntry> journalEntry(String clinicId, String patientId, String id) {
        return Optional.ofNullable(journal.find(Filters.and(Filters.eq("_id", id), Filters.eq("clinicId", clinicId),
                Filters.eq("patientId", patientId))).first()).map(this::journalEntry);
    }

    public void updateJournal(String clinicId, JournalEntry e) {
        journal.updateOne(Filters.and(Filters.eq("_id", e.id()), Filters.eq("clinicId", clinicId)), Updates.combine(
                Updates.set("text", cipher.seal(e.text(), JOURNAL + "/" + e.id() + "/text")),
                Updates.set("updatedAt", Documents.date(e.updatedAt())), Updates.set("shared", e.shared()),
                Updates.set("sharedAt", Documents.date(e.sharedAt()))));
    }

    /** Counts and times without opening any text (for the course and its prompt). */
    public List<JournalMeta> journalMeta(String clinicId, String patientId) {
        List<JournalMeta> out = new ArrayList<>();
        journal.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)))
                .projection(new Document("createdAt", 1).append("shared", 1))
                .forEach(d -> out.add(new JournalMeta(Documents.instant(d, "createdAt"), Boolean.TRUE.equals(d.getBoolean("shared")))));
        return out;
    }

    /** When an entry was written and whether it is shared: no content. */
    public record JournalMeta(Instant createdAt, boolean shared) {
    }

    private JournalEntry journalEntry(Document d) {
        String id = d.getString("_id");
        return new JournalEntry(id, d.getString("patientId"), cipher.open(d.getString("text"), JOURNAL + "/" + id + "/text"),
                cipher.open(d.getString("prompt"), JOURNAL + "/" + id + "/prompt"), d.getString("appointmentId"),
                Documents.instant(d, "createdAt"), Documents.instant(d, "updatedAt"), Boolean.TRUE.equals(d.getBoolean("shared")),
                Documents.instant(d, "sharedAt"));
    }

    private static ConsentText consentText(Document d) {
        return new ConsentText(d.getString("kind"), d.getInteger("version"), d.getString("title"), d.getString("text"),
                Documents.instant(d, "publishedAt"), d.getString("publishedBy"));
    }
}
