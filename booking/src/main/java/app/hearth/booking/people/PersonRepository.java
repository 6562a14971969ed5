package app.hearth.booking.people;

import app.hearth.platform.access.Role;
import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * People in MongoDB (synchronous: services call it on a worker). Every lookup but the login one is
 * scoped by clinic, so an id from another clinic simply is not found.
 */
public final class PersonRepository {

    public static final String COLLECTION = "people";

    private final MongoCollection<Document> people;

    public PersonRepository(Store store) {
        this.people = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        // Sign-in is by email alone, so an address identifies one person across all clinics.
        people.createIndex(Indexes.ascending("emailKey"), new IndexOptions().unique(true));
        people.createIndex(Indexes.ascending("clinicId", "role"));
        people.createIndex(Indexes.ascending("clinicId", "therapistId"));
    }

    /** @throws app.hearth.platform.problem.ProblemException EMAIL_TAKEN when the address is in use */
    public void insert(Person person, String createdBy) {
        Document doc = new Document("_id", person.id())
                .append("clinicId", person.clinicId())
                .append("role", person.role().wire())
                .append("displayName", person.displayName())
                .append("email", person.email())
                .append("emailKey", NewPerson.normalizeEmail(person.email()))
                .append("status", person.status().name().toLowerCase())
                .append("createdAt", Documents.date(person.createdAt()))
                .append("createdBy", createdBy);
        putIfPresent(doc, "phone", person.phone());
        putIfPresent(doc, "timeZone", person.timeZone());
        putIfPresent(doc, "therapistId", person.therapistId());
        if (person.emergencyContact() != null) {
            doc.append("emergencyContact", person.emergencyContact().toDocument());
        }
        try {
            people.insertOne(doc);
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                throw PeopleProblems.EMAIL_TAKEN.exception("Someone already signs in with that email", "email");
            }
            throw e;
        }
    }

    public Optional<Person> findInClinic(String clinicId, String personId) {
        return Optional.ofNullable(people.find(Filters.and(Filters.eq("_id", personId), Filters.eq("clinicId", clinicId)))
                .first()).map(PersonRepository::fromDocument);
    }

    /** The one unscoped lookup: sign-in does not know the clinic yet. */
    public Optional<Person> findByEmail(String email) {
        return Optional.ofNullable(people.find(Filters.eq("emailKey", NewPerson.normalizeEmail(email))).first())
                .map(PersonRepository::fromDocument);
    }

    /** Unscoped lookup by id, for flows that hold a server-issued reference (tickets, refresh tokens). */
    public Optional<Person> findById(String personId) {
        return Optional.ofNullable(people.find(Filters.eq("_id", personId)).first()).map(PersonRepository::fromDocument);
    }

    public List<Person> list(String clinicId, Role role, String therapistId) {
        List<Bson> filters = new ArrayList<>();
        filters.add(Filters.eq("clinicId", clinicId));
        if (role != null) {
            filters.add(Filters.eq("role", role.wire()));
        }
        if (therapistId != null) {
            filters.add(Filters.eq("therapistId", therapistId));
        }
        List<Person> result = new ArrayList<>();
        people.find(Filters.and(filters)).sort(Sorts.ascending("displayName")).forEach(d -> result.add(fromDocument(d)));
        return result;
    }

    public void markActive(String personId) {
        people.updateOne(Filters.eq("_id", personId), Updates.set("status", "active"));
    }

    public boolean anyInClinic(String clinicId) {
        return people.find(Filters.eq("clinicId", clinicId)).limit(1).first() != null;
    }

    private static void putIfPresent(Document doc, String key, Object value) {
        if (value != null) {
            doc.append(key, value);
        }
    }

    static Person fromDocument(Document d) {
        return new Person(
                d.getString("_id"),
                d.getString("clinicId"),
                Role.fromWire(d.getString("role")).orElseThrow(),
                d.getString("displayName"),
                d.getString("email"),
                d.getString("phone"),
                d.getString("timeZone"),
                d.getString("therapistId"),
                EmergencyContact.fromDocument(d.get("emergencyContact", Document.class)),
                PersonStatus.valueOf(d.getString("status").toUpperCase()),
                Documents.instant(d, "createdAt"));
    }
}
