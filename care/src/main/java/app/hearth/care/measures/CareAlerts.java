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
    /**
     * When the alert's email is still owed (docs/adr/0024, addendum "pending notices"): written in the
     * alert's own insert, unset once the mail is queued, so a node dying in between loses nothing.
     */
    public static final String MAIL_PENDING = "mailPending";
    /** Until when one node's sweep holds the alert's owed mail. */
    public static final String MAIL_LEASE = "mailLease";

    /** An alert whose mail is still owed, claimed by one sweep. */
    public record PendingMail(String clinicId, String patientId, String alertId) {
    }

    private final MongoCollection<Document> alerts;

    public CareAlerts(Store store) {
        this.alerts = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        alerts.createIndex(Indexes.ascending("clinicId", "recipients", "acknowledgedAt"));
        alerts.createIndex(Indexes.ascending("clinicId", "patientId"));
        alerts.createIndex(Indexes.ascending(MAIL_PENDING), new com.mongodb.client.model.IndexOptions().sparse(true));
    }

    /** Stores the alert unless it is there already (same response and kind). */
    public void insert(CareAlert a) {
        try {
            alerts.insertOne(new Document("_id", a.id()).append("clinicId", a.clinicId()).append("patientId", a.patientId())
                    .append("patientName", a.patientName()).append("kind", a.kind()).append("responseId", a.responseId())
                    .append("recipients", a.recipients()).append("raisedAt", Date.from(a.raisedAt()))
                    .append("acknowledgedAt", null).append("acknowledgedBy", null)
                    .append(MAIL_PENDING, Date.from(a.raisedAt())));
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

    /** The alert's mail is queued: nothing is owed any more (and no sweep holds it). */
    public void clearMailPending(String id) {
        alerts.updateOne(Filters.eq("_id", id), Updates.combine(Updates.unset(MAIL_PENDING), Updates.unset(MAIL_LEASE)));
    }

    /**
     * Claims one alert whose mail has been owed since before {@code writtenBefore} and that no other
     * sweep holds ({@code findOneAndUpdate}: two nodes never get the same one), holding it until
     * {@code leaseUntil}; a sweep that dies lets it go then.
     */
    public Optional<PendingMail> claimMailPending(Instant writtenBefore, Instant now, Instant leaseUntil) {
        Document d = alerts.findOneAndUpdate(Filters.and(Filters.lte(MAIL_PENDING, Date.from(writtenBefore)),
                        Filters.or(Filters.exists(MAIL_LEASE, false), Filters.lte(MAIL_LEASE, Date.from(now)))),
                Updates.set(MAIL_LEASE, Date.from(leaseUntil)));
        return Optional.ofNullable(d).map(x -> new PendingMail(x.getString("clinicId"), x.getString("patientId"), x.getString("_id")));
    }

    static CareAlert fromDocument(Document d) {
        Date ack = d.getDate("acknowledgedAt");
        return new CareAlert(d.getString("_id"), d.getString("clinicId"), d.getString("patientId"), d.getString("patientName"),
                d.getString("kind"), d.getString("responseId"), d.getList("recipients", String.class, List.of()),
                d.getDate("raisedAt").toInstant(), ack == null ? null : ack.toInstant(), d.getString("acknowledgedBy"));
    }
}
