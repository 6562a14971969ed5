package app.hearth.care.measures;

import app.hearth.platform.security.FieldCipher;
import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The {@code care_measure_responses} collection. The answers, the difficulty answer and the total are
 * sealed together in {@code answers} (context {@code care_measure_responses/<id>/answers}); a unique
 * index on (patientId, instrument, occasion) keeps one answer per occasion, whatever races. Blocking.
 */
public final class MeasureResponses {

    public static final String COLLECTION = "care_measure_responses";

    private final MongoCollection<Document> responses;
    private final FieldCipher cipher;

    public MeasureResponses(Store store, FieldCipher cipher) {
        this.responses = store.collection(COLLECTION);
        this.cipher = cipher;
    }

    public void ensureIndexes() {
        responses.createIndex(Indexes.ascending("patientId", "instrument", "occasion"), new IndexOptions().unique(true));
        responses.createIndex(Indexes.ascending("clinicId", "patientId", "submittedAt"));
    }

    /** @return false when the patient already answered that instrument for that occasion (nothing stored) */
    public boolean insert(MeasureResponse r) {
        JsonObject sealed = new JsonObject().put("answers", new JsonArray(r.answers())).put("difficulty", r.difficulty())
                .put("total", r.total());
        Document doc = new Document("_id", r.id()).append("clinicId", r.clinicId()).append("patientId", r.patientId())
                .append("instrument", r.instrument()).append("occasion", r.occasion())
                .append("submittedAt", Date.from(r.submittedAt())).append("flagged", r.flagged())
                .append("answers", cipher.seal(sealed.encode(), context(r.id())));
        try {
            responses.insertOne(doc);
            return true;
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    public boolean exists(String patientId, String instrument, String occasion) {
        return responses.find(Filters.and(Filters.eq("patientId", patientId), Filters.eq("instrument", instrument),
                Filters.eq("occasion", occasion))).projection(new Document("_id", 1)).first() != null;
    }

    /** (instrument, occasion) keys already answered, without opening anything. */
    public java.util.Set<String> answeredKeys(String clinicId, String patientId) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        responses.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)))
                .projection(new Document("instrument", 1).append("occasion", 1))
                .forEach(d -> keys.add(Cadence.key(d.getString("instrument"), d.getString("occasion"))));
        return keys;
    }

    /** The patient's responses, oldest first, opened. */
    public List<MeasureResponse> forPatient(String clinicId, String patientId) {
        List<MeasureResponse> out = new ArrayList<>();
        responses.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)))
                .sort(Sorts.ascending("submittedAt")).forEach(d -> out.add(open(d)));
        return out;
    }

    /** One response of a clinic by id, opened (the FHIR read API, issue 17); empty for another clinic's. */
    public java.util.Optional<MeasureResponse> find(String clinicId, String id) {
        return java.util.Optional.ofNullable(responses.find(Filters.and(Filters.eq("_id", id), Filters.eq("clinicId", clinicId)))
                .first()).map(this::open);
    }

    private MeasureResponse open(Document d) {
        String id = d.getString("_id");
        JsonObject sealed = new JsonObject(cipher.open(d.getString("answers"), context(id)));
        List<Integer> answers = sealed.getJsonArray("answers").stream().map(o -> ((Number) o).intValue()).toList();
        return new MeasureResponse(id, d.getString("clinicId"), d.getString("patientId"), d.getString("instrument"),
                d.getString("occasion"), d.getDate("submittedAt").toInstant(), Boolean.TRUE.equals(d.getBoolean("flagged")),
                answers, sealed.getInteger("difficulty"), sealed.getInteger("total"));
    }

    static String context(String id) {
        return COLLECTION + "/" + id + "/answers";
    }
}
