package app.hearth.notify;

import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.bson.Document;

/**
 * The iCalendar identity of an appointment across its changes. A reschedule books a new
 * appointment (another id) and cancels the old one, but people's calendars must see one event
 * moved: the new appointment continues the old one's UID with a higher SEQUENCE (RFC 5546).
 * One document per appointment id in {@code mail_calendar_threads}.
 */
public final class CalendarThreads {

    public static final String COLLECTION = "mail_calendar_threads";
    /** Set once the appointment's CANCEL has its SEQUENCE, so a second cancellation notice reuses it. */
    private static final String CANCELLED = "cancelled";

    /** The event's UID and the SEQUENCE of the latest invitation sent for it. */
    public record Thread(String uid, int sequence) {
    }

    private final MongoCollection<Document> threads;

    public CalendarThreads(Store store) {
        this.threads = store.collection(COLLECTION);
    }

    static String uidOf(String appointmentId) {
        return appointmentId + "@hearth";
    }

    /** A newly booked appointment's thread (sequence 0); the same answer if asked again. */
    public Thread booked(String appointmentId) {
        return upsert(appointmentId, uidOf(appointmentId), 0);
    }

    /** The thread the appointment {@code to} continues from {@code from}: same UID, one more SEQUENCE. */
    public Thread moved(String from, String to) {
        Thread old = find(from);
        return upsert(to, old.uid(), old.sequence() + 1);
    }

    /**
     * The thread of a cancelled appointment: same UID, one more SEQUENCE than its last invitation,
     * once: asked again (a replayed notice, docs/adr/0024 addendum) it answers the same. Two callers
     * at once read the same SEQUENCE and set the same value.
     */
    public Thread cancelled(String appointmentId) {
        Document existing = threads.find(Filters.eq("_id", appointmentId)).first();
        if (existing != null && existing.getBoolean(CANCELLED, false)) {
            return new Thread(existing.getString("uid"), existing.getInteger("sequence"));
        }
        Thread current = find(appointmentId);
        Document d = threads.findOneAndUpdate(Filters.eq("_id", appointmentId),
                Updates.combine(Updates.set("uid", current.uid()), Updates.set("sequence", current.sequence() + 1),
                        Updates.set(CANCELLED, true)),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return new Thread(d.getString("uid"), d.getInteger("sequence"));
    }

    /** A patient left a circle that goes on: one more SEQUENCE of the circle's thread for their CANCEL, each time. */
    public Thread left(String circleId) {
        Thread current = find(circleId);
        Document d = threads.findOneAndUpdate(Filters.eq("_id", circleId),
                Updates.combine(Updates.set("uid", current.uid()), Updates.set("sequence", current.sequence() + 1)),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return new Thread(d.getString("uid"), d.getInteger("sequence"));
    }

    private Thread find(String appointmentId) {
        Document d = threads.find(Filters.eq("_id", appointmentId)).first();
        return d == null ? new Thread(uidOf(appointmentId), 0) : new Thread(d.getString("uid"), d.getInteger("sequence"));
    }

    private Thread upsert(String appointmentId, String uid, int sequence) {
        Document d = threads.findOneAndUpdate(Filters.eq("_id", appointmentId),
                Updates.combine(Updates.setOnInsert("uid", uid), Updates.setOnInsert("sequence", sequence)),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return new Thread(d.getString("uid"), d.getInteger("sequence"));
    }
}
