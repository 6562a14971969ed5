package app.hearth.booking.schedule;

import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/** The {@code dosing_records} collection: one document per dosing appointment, keyed by its id. Blocking. */
public final class DosingRecords {

    public static final String COLLECTION = "dosing_records";

    private final MongoCollection<Document> records;

    public DosingRecords(Store store) {
        this.records = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        records.createIndex(Indexes.ascending("clinicId", "patientId", "startedAt"));
    }

    /** Records (or corrects) what happened; the last word stands. */
    public void save(DosingRecord r) {
        records.replaceOne(Filters.eq("_id", r.appointmentId()), toDocument(r), new ReplaceOptions().upsert(true));
    }

    public Optional<DosingRecord> find(String clinicId, String appointmentId) {
        return Optional.ofNullable(records.find(Filters.and(Filters.eq("_id", appointmentId), Filters.eq("clinicId", clinicId)))
                .first()).map(DosingRecords::fromDocument);
    }

    /** A patient's records, oldest first. */
    public List<DosingRecord> forPatient(String clinicId, String patientId) {
        List<DosingRecord> out = new ArrayList<>();
        records.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("patientId", patientId)))
                .sort(Sorts.ascending("recordedAt")).forEach(d -> out.add(fromDocument(d)));
        return out;
    }

    /** The records of these appointments (those that have one), by appointment id. */
    public java.util.Map<String, DosingRecord> findAll(String clinicId, java.util.Collection<String> appointmentIds) {
        java.util.Map<String, DosingRecord> out = new java.util.HashMap<>();
        if (appointmentIds.isEmpty()) {
            return out;
        }
        records.find(Filters.and(Filters.in("_id", appointmentIds), Filters.eq("clinicId", clinicId)))
                .forEach(d -> out.put(d.getString("_id"), fromDocument(d)));
        return out;
    }

    static Document toDocument(DosingRecord r) {
        return new Document("_id", r.appointmentId()).append("clinicId", r.clinicId()).append("patientId", r.patientId())
                .append("attended", r.attended())
                .append("route", r.route() == null ? null : r.route().wire())
                .append("startedAt", r.startedAt() == null ? null : Date.from(r.startedAt()))
                .append("endedAt", r.endedAt() == null ? null : Date.from(r.endedAt()))
                .append("supervisedBy", r.supervisedBy()).append("reason", r.reason())
                .append("recordedBy", r.recordedBy()).append("recordedAt", Date.from(r.recordedAt()));
    }

    static DosingRecord fromDocument(Document d) {
        return new DosingRecord(d.getString("_id"), d.getString("clinicId"), d.getString("patientId"), d.getBoolean("attended"),
                d.getString("route") == null ? null : DosingRecord.Route.fromWire(d.getString("route")).orElseThrow(),
                ScheduleDocuments.instant(d, "startedAt"), ScheduleDocuments.instant(d, "endedAt"), d.getString("supervisedBy"),
                d.getString("reason"), d.getString("recordedBy"), ScheduleDocuments.instant(d, "recordedAt"));
    }
}
