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

    public boolean isEmpty() {
        return clinics.countDocuments() == 0;
    }
}
