package app.hearth.care.notes;

import app.hearth.care.notes.NoteModel.Addendum;
import app.hearth.care.notes.NoteModel.NoteMeta;
import app.hearth.care.notes.NoteModel.Status;
import app.hearth.care.notes.NoteModel.StoredNote;
import app.hearth.platform.security.FieldCipher;
import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/**
 * The {@code care_notes} collection: one document per appointment ({@code _id} = its id). The
 * group sections are one sealed JSON object ({@code care_notes/<id>/sections}), each attendee's
 * part one sealed blob of its own ({@code care_notes/<id>/attendees/<patientId>}), each addendum's
 * text sealed ({@code care_notes/<id>/addenda/<addendumId>}); status, version, people and times
 * stay plain so lists need not open anything. Every write is conditional on the state it was
 * decided from, so two writers or two signers cannot both win. Blocking: call from the store pool.
 */
public final class NotesStore {

    public static final String COLLECTION = "care_notes";

    private final MongoCollection<Document> notes;
    private final FieldCipher cipher;

    public NotesStore(Store store, FieldCipher cipher) {
        this.notes = store.collection(COLLECTION);
        this.cipher = cipher;
    }

    public Optional<StoredNote> find(String clinicId, String appointmentId) {
        return Optional.ofNullable(notes.find(Filters.and(Filters.eq("_id", appointmentId), Filters.eq("clinicId", clinicId))).first())
                .map(this::note);
    }

    /** The first save of a note (version 1); false when someone saved it first. */
    public boolean insertDraft(String clinicId, String appointmentId, Map<String, String> sections,
                               Map<String, Map<String, String>> attendees, String by, Instant now) {
        try {
            notes.insertOne(new Document("_id", appointmentId).append("clinicId", clinicId).append("status", "draft")
                    .append("version", 1L).append("sections", sealSections(appointmentId, sections))
                    .append("attendees", sealAttendees(appointmentId, attendees)).append("createdBy", by)
                    .append("createdAt", Documents.date(now)).append("updatedBy", by).append("updatedAt", Documents.date(now))
                    .append("addenda", List.of()));
            return true;
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces a draft still at {@code expectedVersion}; false when it was saved or signed since. */
    public boolean updateDraft(String clinicId, String appointmentId, long expectedVersion, Map<String, String> sections,
                               Map<String, Map<String, String>> attendees, String by, Instant now) {
        return notes.updateOne(Filters.and(Filters.eq("_id", appointmentId), Filters.eq("clinicId", clinicId),
                        Filters.eq("status", "draft"), Filters.eq("version", expectedVersion)),
                Updates.combine(Updates.set("sections", sealSections(appointmentId, sections)),
                        Updates.set("attendees", sealAttendees(appointmentId, attendees)), Updates.set("version", expectedVersion + 1),
                        Updates.set("updatedBy", by), Updates.set("updatedAt", Documents.date(now)))).getModifiedCount() == 1;
    }

    /** Draft at {@code version} → signed, once: of two signers exactly one gets true. */
    public boolean sign(String clinicId, String appointmentId, long version, String by, Instant now) {
        return notes.updateOne(Filters.and(Filters.eq("_id", appointmentId), Filters.eq("clinicId", clinicId),
                        Filters.eq("status", "draft"), Filters.eq("version", version)),
                Updates.combine(Updates.set("status", "signed"), Updates.set("signedBy", by), Updates.set("signedAt", Documents.date(now))))
                .getModifiedCount() == 1;
    }

    /** Appends an addendum to a signed note; false when the note is not signed. */
    public boolean addAddendum(String clinicId, String appointmentId, Addendum addendum) {
        return notes.updateOne(Filters.and(Filters.eq("_id", appointmentId), Filters.eq("clinicId", clinicId), Filters.eq("status", "signed")),
                Updates.push("addenda", new Document("id", addendum.id())
                        .append("text", cipher.seal(addendum.text(), addendaContext(appointmentId, addendum.id())))
                        .append("authorId", addendum.authorId()).append("at", Documents.date(addendum.at())))).getModifiedCount() == 1;
    }

    /** Status, signature time and author of these appointments' notes (those that have one), opening nothing. */
    public Map<String, NoteMeta> meta(String clinicId, Collection<String> appointmentIds) {
        Map<String, NoteMeta> out = new HashMap<>();
        if (appointmentIds.isEmpty()) {
            return out;
        }
        notes.find(Filters.and(Filters.in("_id", appointmentIds), Filters.eq("clinicId", clinicId)))
                .projection(new Document("status", 1).append("signedAt", 1).append("createdBy", 1))
                .forEach(d -> out.put(d.getString("_id"), new NoteMeta(status(d), Documents.instant(d, "signedAt"), d.getString("createdBy"))));
        return out;
    }

    // ------------------------------------------------------------------ sealing

    private String sealSections(String id, Map<String, String> sections) {
        return cipher.seal(new JsonObject(new LinkedHashMap<>(sections)).encode(), COLLECTION + "/" + id + "/sections");
    }

    private Document sealAttendees(String id, Map<String, Map<String, String>> attendees) {
        Document sealed = new Document();
        attendees.forEach((patientId, part) -> sealed.append(patientId,
                cipher.seal(new JsonObject(new LinkedHashMap<>(part)).encode(), COLLECTION + "/" + id + "/attendees/" + patientId)));
        return sealed;
    }

    private static String addendaContext(String id, String addendumId) {
        return COLLECTION + "/" + id + "/addenda/" + addendumId;
    }

    private StoredNote note(Document d) {
        String id = d.getString("_id");
        Map<String, String> sections = texts(cipher.open(d.getString("sections"), COLLECTION + "/" + id + "/sections"));
        Map<String, Map<String, String>> attendees = new LinkedHashMap<>();
        Document parts = d.get("attendees", Document.class);
        if (parts != null) {
            parts.forEach((patientId, sealed) -> attendees.put(patientId,
                    texts(cipher.open((String) sealed, COLLECTION + "/" + id + "/attendees/" + patientId))));
        }
        List<Addendum> addenda = new ArrayList<>();
        for (Document a : d.getList("addenda", Document.class, List.of())) {
            String addendumId = a.getString("id");
            addenda.add(new Addendum(addendumId, cipher.open(a.getString("text"), addendaContext(id, addendumId)), a.getString("authorId"),
                    Documents.instant(a, "at")));
        }
        return new StoredNote(id, status(d), d.get("version", Number.class).longValue(), sections, attendees, d.getString("createdBy"),
                Documents.instant(d, "updatedAt"), Documents.instant(d, "signedAt"), d.getString("signedBy"), List.copyOf(addenda));
    }

    private static Map<String, String> texts(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json != null) {
            new JsonObject(json).forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return out;
    }

    private static Status status(Document d) {
        return Status.valueOf(d.getString("status").toUpperCase(Locale.ROOT));
    }
}
