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
    /**
     * Read only, for what people management must know of a person's bookings (deactivation, audit
     * labels); scheduling owns and writes them. Named here to keep people free of the schedule package.
     */
    private final MongoCollection<Document> appointments;
    private final MongoCollection<Document> clinics;

    public PersonRepository(Store store) {
        this.people = store.collection(COLLECTION);
        this.appointments = store.collection("appointments");
        this.clinics = store.collection("clinics");
    }

    /** A booked appointment, as deactivation reports it: when, and of what type (nothing clinical). */
    public record Booked(String id, String type, java.time.Instant start) {
    }

    /** Booked (not cancelled) appointments of this person that start after {@code now}, soonest first. */
    public List<Booked> upcomingAppointments(String clinicId, String personId, java.time.Instant now) {
        List<Booked> result = new ArrayList<>();
        appointments.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.ne("status", "cancelled"),
                        Filters.gt("start", java.util.Date.from(now)),
                        Filters.or(Filters.eq("therapistIds", personId), Filters.eq("patientId", personId),
                                Filters.eq("attendees.patientId", personId))))
                .sort(Sorts.ascending("start")).limit(50)
                .forEach(d -> result.add(new Booked(d.getString("_id"), d.getString("type"), d.getDate("start").toInstant())));
        return result;
    }

    /** The clinic's IANA time zone (dates in audit labels are the clinic's), or UTC when unknown. */
    public String clinicTimeZone(String clinicId) {
        Document clinic = clinics.find(Filters.eq("_id", clinicId)).first();
        return clinic == null || clinic.getString("timeZone") == null ? "UTC" : clinic.getString("timeZone");
    }

    /** Start times of a clinic's appointments by id, in one query (audit labels). */
    public java.util.Map<String, java.time.Instant> appointmentStarts(String clinicId, java.util.Collection<String> ids) {
        java.util.Map<String, java.time.Instant> result = new java.util.HashMap<>();
        if (!ids.isEmpty()) {
            appointments.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.in("_id", ids)))
                    .projection(new Document("start", 1))
                    .forEach(d -> result.put(d.getString("_id"), d.getDate("start").toInstant()));
        }
        return result;
    }

    public void ensureIndexes() {
        // Sign-in is by email alone, so an address identifies one person across all clinics.
        people.createIndex(Indexes.ascending("emailKey"), new IndexOptions().unique(true));
        people.createIndex(Indexes.ascending("clinicId", "role"));
        people.createIndex(Indexes.ascending("clinicId", "therapistId"));
        people.createIndex(Indexes.ascending("clinicId", "therapistIds"));
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
        if (!person.therapistIds().isEmpty()) {
            doc.append("therapistIds", person.therapistIds());
        }
        doc.append("version", person.version());
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
        return list(clinicId, role, therapistId, true);
    }

    /** @param withDeactivated whether deactivated people are listed too (the admin's People page) */
    public List<Person> list(String clinicId, Role role, String therapistId, boolean withDeactivated) {
        List<Bson> filters = new ArrayList<>();
        filters.add(Filters.eq("clinicId", clinicId));
        if (role != null) {
            filters.add(Filters.eq("role", role.wire()));
        }
        if (therapistId != null) {
            // records written before assignments became a list name their therapist only in therapistId
            filters.add(Filters.or(Filters.eq("therapistIds", therapistId), Filters.eq("therapistId", therapistId)));
        }
        if (!withDeactivated) {
            filters.add(Filters.ne("status", "deactivated"));
        }
        List<Person> result = new ArrayList<>();
        people.find(Filters.and(filters)).sort(Sorts.ascending("displayName")).forEach(d -> result.add(fromDocument(d)));
        return result;
    }

    /** Every clinic's active patients (they set a password and are not deactivated), for jobs of the node. */
    public List<Person> activePatients() {
        List<Person> result = new ArrayList<>();
        people.find(Filters.and(Filters.eq("role", Role.PATIENT.wire()), Filters.eq("status", "active")))
                .forEach(d -> result.add(fromDocument(d)));
        return result;
    }

    /** An invited person set their password; a deactivated one stays deactivated (@return false then). */
    public boolean markActive(String personId) {
        return people.updateOne(Filters.and(Filters.eq("_id", personId), Filters.ne("status", "deactivated")),
                Updates.set("status", "active")).getMatchedCount() > 0;
    }

    /**
     * Applies an edit if the record is still at {@code expectedVersion}, and moves it to the next
     * version: of two submits of one form, the second finds the version moved and changes nothing.
     *
     * @return the edited person, or empty when the record is not at that version (or not in the clinic)
     * @throws app.hearth.platform.problem.ProblemException EMAIL_TAKEN when the new address is in use
     */
    public Optional<Person> update(String clinicId, String personId, long expectedVersion, List<Bson> changes) {
        List<Bson> all = new ArrayList<>(changes);
        all.add(Updates.set("version", expectedVersion + 1));
        Bson filter = Filters.and(Filters.eq("_id", personId), Filters.eq("clinicId", clinicId),
                expectedVersion == 1 ? Filters.or(Filters.eq("version", 1L), Filters.exists("version", false))
                        : Filters.eq("version", expectedVersion));
        try {
            return Optional.ofNullable(people.findOneAndUpdate(filter, Updates.combine(all),
                    new com.mongodb.client.model.FindOneAndUpdateOptions()
                            .returnDocument(com.mongodb.client.model.ReturnDocument.AFTER)))
                    .map(PersonRepository::fromDocument);
        } catch (MongoWriteException | com.mongodb.MongoCommandException e) {
            if (e instanceof MongoWriteException w && Documents.isDuplicateKey(w)
                    || e instanceof com.mongodb.MongoCommandException c && c.getErrorCode() == 11000) {
                throw PeopleProblems.EMAIL_TAKEN.exception("Someone already signs in with that email", "email");
            }
            throw e;
        }
    }

    /** People of one clinic by id, in one query (audit labels); ids of other clinics are left out. */
    public List<Person> findAllInClinic(String clinicId, java.util.Collection<String> ids) {
        List<Person> result = new ArrayList<>();
        if (!ids.isEmpty()) {
            people.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.in("_id", ids)))
                    .forEach(d -> result.add(fromDocument(d)));
        }
        return result;
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
                Documents.instant(d, "createdAt"),
                d.getList("therapistIds", String.class),
                d.get("version") instanceof Number n ? n.longValue() : 1L);
    }
}
