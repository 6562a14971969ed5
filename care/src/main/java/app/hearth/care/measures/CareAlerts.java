package app.hearth.care.measures;

import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * The {@code care_alerts} collection. An alert's id is derived from its response and kind, so
 * raising it again (a retried request) stores nothing new. Identifiers and times only: the answers
 * that raised it stay sealed in their response. Blocking.
 */
public final class CareAlerts {

    public static final String COLLECTION = "care_alerts";

    private final MongoCollection<Document> alerts;

    public CareAlerts(Store store) {
        this.alerts = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        alerts.createIndex(Indexes.ascending("clinicId", "recipients", "acknowledgedAt"));
        alerts.createIndex(Indexes.ascending("clinicId", "patientId"));
    }

    /** Stores the alert unless it is there already (same response and kind). */
    public void insert(CareAlert a) {
        try {
            alerts.insertOne(new Document("_id", a.id()).append("clinicId", a.clinicId()).append("patientId", a.patientId())
                    .append("patientName", a.patientName()).append("kind", a.kind()).append("responseId", a.responseId())
                    .append("recipients", a.recipients()).append("raisedAt", Date.from(a.raisedAt()))
                    .append("acknowledgedAt", null).append("acknowledgedBy", null));
        } catch (MongoWriteException e) {
            if (!Documents.isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    public Optional<CareAlert> find(String clinicId, String id) {
        return Optional.ofNullable(alerts.find(Filters.and(Filters.eq("_id", id), Filters.eq("clinicId", clinicId))).first())
                .map(CareAlerts::fromDocument);
    }

    /** Open alerts a therapist is a recipient of, oldest first. */
    public List<CareAlert> openFor(String clinicId, String therapistId) {
        List<CareAlert> out = new ArrayList<>();
        alerts.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("recipients", therapistId),
                Filters.eq("acknowledgedAt", null))).sort(Sorts.ascending("raisedAt")).forEach(d -> out.add(fromDocument(d)));
        return out;
    }

    /**
     * Records the acknowledgement if the alert is still open; a later one changes nothing.
     *
     * @return the alert as it stands afterwards
     */
    public Optional<CareAlert> acknowledge(String clinicId, String id, String by, Instant at) {
        alerts.updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("clinicId", clinicId), Filters.eq("acknowledgedAt", null)),
                Updates.combine(Updates.set("acknowledgedAt", Date.from(at)), Updates.set("acknowledgedBy", by)));
        return find(clinicId, id);
    }

    static CareAlert fromDocument(Document d) {
        Date ack = d.getDate("acknowledgedAt");
        return new CareAlert(d.getString("_id"), d.getString("clinicId"), d.getString("patientId"), d.getString("patientName"),
                d.getString("kind"), d.getString("responseId"), d.getList("recipients", String.class, List.of()),
                d.getDate("raisedAt").toInstant(), ack == null ? null : ack.toInstant(), d.getString("acknowledgedBy"));
    }
}
