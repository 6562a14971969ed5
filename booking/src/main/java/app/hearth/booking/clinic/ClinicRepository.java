package app.hearth.booking.clinic;

import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.Optional;
import org.bson.Document;

/** Clinics in MongoDB. */
public final class ClinicRepository {

    public static final String COLLECTION = "clinics";

    private final MongoCollection<Document> clinics;

    public ClinicRepository(Store store) {
        this.clinics = store.collection(COLLECTION);
    }

    /** @return false when a clinic with that id exists already (the id is the primary key) */
    public boolean insertIfAbsent(Clinic clinic) {
        try {
            clinics.insertOne(new Document("_id", clinic.id()).append("name", clinic.name())
                    .append("timeZone", clinic.timeZone()));
            return true;
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    public Optional<Clinic> find(String id) {
        return Optional.ofNullable(clinics.find(Filters.eq("_id", id)).first())
                .map(d -> new Clinic(d.getString("_id"), d.getString("name"), d.getString("timeZone")));
    }

    /**
     * A new clinic of the operator's (docs/adr/0027): its id is fresh, so a duplicate key is a bug.
     */
    public void insert(Clinic clinic, java.time.Instant createdAt) {
        clinics.insertOne(new Document("_id", clinic.id()).append("name", clinic.name())
                .append("timeZone", clinic.timeZone()).append("createdAt", Documents.date(createdAt)));
    }

    /** Removes a clinic that was just inserted and never got its admin (a lost race on the email). */
    public void delete(String id) {
        clinics.deleteOne(Filters.eq("_id", id));
    }

    /** A clinic as the operator lists it; {@code createdAt} is null for the demo clinic and older ones. */
    public record Listed(String id, String name, String timeZone, java.time.Instant createdAt) {
    }

    /** Every clinic, by name. */
    public java.util.List<Listed> list() {
        java.util.List<Listed> result = new java.util.ArrayList<>();
        clinics.find().sort(com.mongodb.client.model.Sorts.ascending("name", "_id")).forEach(d -> result.add(new Listed(
                d.getString("_id"), d.getString("name"), d.getString("timeZone"),
                d.getDate("createdAt") == null ? null : d.getDate("createdAt").toInstant())));
        return result;
    }

    public boolean isEmpty() {
        return clinics.countDocuments() == 0;
    }
}
