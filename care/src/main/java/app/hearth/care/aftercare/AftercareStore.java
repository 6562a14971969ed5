package app.hearth.care.aftercare;

import app.hearth.care.aftercare.AftercareModel.Completion;
import app.hearth.care.aftercare.AftercareModel.Practice;
import app.hearth.care.aftercare.AftercareModel.Resource;
import app.hearth.care.aftercare.AftercareModel.Resume;
import app.hearth.care.aftercare.AftercareModel.Schedule;
import app.hearth.care.aftercare.PracticeCatalog.ExerciseSummary;
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
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The aftercare collections. A practice's instructions and a completion's note are the clinical
 * text here, sealed with the context {@code "<collection>/<docId>/<field>"} (docs/adr/0016); the
 * rest — identifiers, dates, states, ratings, the exercise's title — stays plain so a plan is built
 * without opening anything but what is shown. Resources are the clinic's published pages, plain.
 * Blocking: call from the store pool.
 */
public final class AftercareStore {

    public static final String PRACTICES = "care_practices";
    public static final String RECORDS = "care_practice_records";
    public static final String RESOURCES = "care_resources";
    /** One per patient ({@code _id} = patient id): the resources their therapist assigned. */
    public static final String PLANS = "care_aftercare";

    private final MongoCollection<Document> practices;
    private final MongoCollection<Document> records;
    private final MongoCollection<Document> resources;
    private final MongoCollection<Document> plans;
    private final FieldCipher cipher;

    public AftercareStore(Store store, FieldCipher cipher) {
        this.practices = store.collection(PRACTICES);
        this.records = store.collection(RECORDS);
        this.resources = store.collection(RESOURCES);
        this.plans = store.collection(PLANS);
        this.cipher = cipher;
    }

    public void ensureIndexes() {
        practices.createIndex(Indexes.ascending("clinicId", "patientId", "assignedAt"));
        // one record per occurrence: a double submit (or two racing ones) stores one
        records.createIndex(Indexes.ascending("clinicId", "practiceId", "date"), new IndexOptions().unique(true));
        records.createIndex(Indexes.ascending("clinicId", "patientId"));
        resources.createIndex(Indexes.ascending("clinicId", "title"));
    }

    // ------------------------------------------------------------------ practices

    public void insertPractice(String clinicId, Practice p) {
        practices.insertOne(new Document("_id", p.id()).append("clinicId", clinicId).append("patientId", p.patientId())
                .append("exercise", exercise(p.exercise())).append("schedule", schedule(p.schedule()))
                .append("instructions", cipher.seal(p.instructions(), PRACTICES + "/" + p.id() + "/instructions"))
                .append("assignedBy", p.assignedBy()).append("assignedAt", Documents.date(p.assignedAt()))
                .append("endedAt", null).append("resume", null));
    }

    public List<Practice> practices(String clinicId, String patientId) {
        List<Practice> out = new ArrayList<>();
        practices.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)))
                .sort(Sorts.ascending("assignedAt", "_id")).forEach(d -> out.add(practice(d)));
        return out;
    }

    public Optional<Practice> practice(String clinicId, String patientId, String practiceId) {
        return Optional.ofNullable(practices.find(Filters.and(Filters.eq("_id", practiceId), Filters.eq("clinicId", clinicId),
                Filters.eq("patientId", patientId))).first()).map(this::practice);
    }

    /** Replaces what a therapist may change: schedule, instructions, the end. */
    public void updatePractice(String clinicId, Practice p) {
        practices.updateOne(Filters.and(Filters.eq("_id", p.id()), Filters.eq("clinicId", clinicId)), Updates.combine(
                Updates.set("schedule", schedule(p.schedule())),
                Updates.set("instructions", cipher.seal(p.instructions(), PRACTICES + "/" + p.id() + "/instructions")),
                Updates.set("endedAt", Documents.date(p.endedAt()))));
    }

    /** The resume point; the last write wins. */
    public void saveResume(String clinicId, String practiceId, Resume resume, Instant at) {
        practices.updateOne(Filters.and(Filters.eq("_id", practiceId), Filters.eq("clinicId", clinicId)),
                Updates.set("resume", new Document("date", resume.date().toString()).append("positionMs", resume.positionMs())
                        .append("at", Documents.date(at))));
    }

    private Practice practice(Document d) {
        String id = d.getString("_id");
        Document e = d.get("exercise", Document.class);
        Document s = d.get("schedule", Document.class);
        Document r = d.get("resume", Document.class);
        return new Practice(id, d.getString("patientId"),
                new ExerciseSummary(e.getString("id"), e.getString("kind"), e.getString("title"), e.getString("summary"),
                        e.get("totalSeconds", Number.class).intValue()),
                new Schedule(s.getString("kind"), s.getString("startDate") == null ? null : LocalDate.parse(s.getString("startDate")),
                        s.getInteger("days")),
                cipher.open(d.getString("instructions"), PRACTICES + "/" + id + "/instructions"),
                d.getString("assignedBy"), Documents.instant(d, "assignedAt"), Documents.instant(d, "endedAt"),
                r == null ? null : new Resume(LocalDate.parse(r.getString("date")), r.get("positionMs", Number.class).longValue()));
    }

    private static Document exercise(ExerciseSummary e) {
        return new Document("id", e.id()).append("kind", e.kind()).append("title", e.title()).append("summary", e.summary())
                .append("totalSeconds", e.totalSeconds());
    }

    private static Document schedule(Schedule s) {
        return new Document("kind", s.kind()).append("startDate", s.startDate() == null ? null : s.startDate().toString())
                .append("days", s.days());
    }

    // ------------------------------------------------------------------ completions

    /** Stores the completion; false when that date of that practice was recorded already (the unique index). */
    public boolean insertCompletion(String clinicId, String patientId, Completion c) {
        try {
            records.insertOne(new Document("_id", c.id()).append("clinicId", clinicId).append("patientId", patientId)
                    .append("practiceId", c.practiceId()).append("date", c.date().toString()).append("state", c.state())
                    .append("rating", c.rating()).append("note", cipher.seal(c.note(), RECORDS + "/" + c.id() + "/note"))
                    .append("recordedAt", Documents.date(c.recordedAt())));
            return true;
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Every completion of the patient's practices. */
    public List<Completion> completions(String clinicId, String patientId) {
        List<Completion> out = new ArrayList<>();
        records.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)))
                .sort(Sorts.ascending("date")).forEach(d -> {
                    String id = d.getString("_id");
                    out.add(new Completion(id, d.getString("practiceId"), LocalDate.parse(d.getString("date")), d.getString("state"),
                            d.getInteger("rating"), cipher.open(d.getString("note"), RECORDS + "/" + id + "/note"),
                            Documents.instant(d, "recordedAt")));
                });
        return out;
    }

    // ------------------------------------------------------------------ resources

    public List<Resource> resources(String clinicId, boolean includeArchived) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("clinicId", clinicId)));
        if (!includeArchived) {
            filters.add(Filters.ne("archived", true));
        }
        List<Resource> out = new ArrayList<>();
        resources.find(Filters.and(filters)).sort(Sorts.ascending("title", "_id")).forEach(d -> out.add(resource(d)));
        return out;
    }

    /** The clinic's resources with these ids that are not archived, by id (one query for a whole plan). */
    public Map<String, Resource> liveResources(String clinicId, List<String> ids) {
        Map<String, Resource> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        resources.find(Filters.and(Filters.in("_id", ids), Filters.eq("clinicId", clinicId), Filters.ne("archived", true)))
                .forEach(d -> out.put(d.getString("_id"), resource(d)));
        return out;
    }

    public Optional<Resource> resource(String clinicId, String id) {
        return Optional.ofNullable(resources.find(Filters.and(Filters.eq("_id", id), Filters.eq("clinicId", clinicId))).first())
                .map(AftercareStore::resource);
    }

    /** Inserts a resource; false when one with that id exists (a fixed-id seed another node wrote first). */
    public boolean insertResource(String clinicId, Resource r) {
        try {
            resources.insertOne(resourceDocument(clinicId, r));
            return true;
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    public void replaceResource(String clinicId, Resource r) {
        resources.replaceOne(Filters.and(Filters.eq("_id", r.id()), Filters.eq("clinicId", clinicId)), resourceDocument(clinicId, r));
    }

    private static Document resourceDocument(String clinicId, Resource r) {
        return new Document("_id", r.id()).append("clinicId", clinicId).append("title", r.title()).append("summary", r.summary())
                .append("category", r.category()).append("body", r.body()).append("archived", r.archived())
                .append("updatedAt", Documents.date(r.updatedAt())).append("updatedBy", r.updatedBy());
    }

    private static Resource resource(Document d) {
        return new Resource(d.getString("_id"), d.getString("title"), d.getString("summary"), d.getString("category"),
                d.getString("body"), Boolean.TRUE.equals(d.getBoolean("archived")), Documents.instant(d, "updatedAt"),
                d.getString("updatedBy"));
    }

    // ------------------------------------------------------------------ the patient's assigned resources

    public List<String> assignedResources(String clinicId, String patientId) {
        Document d = plans.find(Filters.and(Filters.eq("_id", patientId), Filters.eq("clinicId", clinicId))).first();
        return d == null || d.getList("resourceIds", String.class) == null ? List.of() : d.getList("resourceIds", String.class);
    }

    public void assignResources(String clinicId, String patientId, List<String> resourceIds, String by, Instant at) {
        plans.replaceOne(Filters.eq("_id", patientId), new Document("_id", patientId).append("clinicId", clinicId)
                .append("resourceIds", resourceIds).append("updatedBy", by).append("updatedAt", Documents.date(at)),
                new ReplaceOptions().upsert(true));
    }
}
