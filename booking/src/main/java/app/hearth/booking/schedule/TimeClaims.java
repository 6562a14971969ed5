package app.hearth.booking.schedule;

import app.hearth.platform.store.Store;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;

/**
 * The store-enforced guarantee that nobody is double-booked. A booking claims every 5-minute mark of
 * its time (buffers included) for every person in it; a claim's id is {@code <person>|<mark>}, the
 * collection's primary key, so two bookings can never hold the same person at the same mark —
 * whatever the number of nodes and without multi-document transactions.
 *
 * <p>Claims are written in one global order (sorted ids), so among identical concurrent bookings
 * the first claim decides and exactly one wins. A booking that loses releases what it claimed; a
 * node that dies halfway leaves claims whose appointment never appeared, which
 * {@link #releaseOrphans} removes.
 */
public final class TimeClaims {

    public static final String COLLECTION = "time_claims";
    public static final Duration MARK = Duration.ofMinutes(5);

    private final MongoCollection<Document> claims;

    public TimeClaims(Store store) {
        this.claims = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        claims.createIndex(Indexes.ascending("appointmentId"));
    }

    /** Whether an instant lies on a 5-minute mark. */
    public static boolean onMark(Instant instant) {
        return instant.getEpochSecond() % MARK.toSeconds() == 0 && instant.getNano() == 0;
    }

    /** The ids a person's time range would claim. */
    public static List<String> idsFor(String personId, TimeRange range) {
        List<String> ids = new ArrayList<>();
        for (Instant t = range.start(); t.isBefore(range.end()); t = t.plus(MARK)) {
            ids.add(personId + "|" + (t.getEpochSecond() / MARK.toSeconds()));
        }
        return ids;
    }

    /**
     * Claims all marks for the appointment, or none.
     *
     * @param ranges person id → the range claimed for them
     * @return the person ids whose time was already taken (empty on success)
     */
    public Set<String> claim(String appointmentId, String clinicId, java.util.Map<String, TimeRange> ranges, Instant now) {
        TreeSet<String> ids = new TreeSet<>();
        ranges.forEach((person, range) -> ids.addAll(idsFor(person, range)));
        List<Document> docs = ids.stream().map(id -> new Document("_id", id).append("appointmentId", appointmentId)
                .append("personId", id.substring(0, id.indexOf('|'))).append("clinicId", clinicId)
                .append("at", Date.from(now))).toList();
        try {
            claims.insertMany(docs, new InsertManyOptions().ordered(true));
            return Set.of();
        } catch (MongoBulkWriteException e) {
            claims.deleteMany(Filters.eq("appointmentId", appointmentId));
            Set<String> busy = new TreeSet<>();
            claims.find(Filters.and(Filters.in("_id", ids), Filters.ne("appointmentId", appointmentId)))
                    .forEach(d -> busy.add(d.getString("personId")));
            if (busy.isEmpty()) {
                // the holder released in between: report the person of the first contested mark
                busy.add(docs.get(e.getWriteErrors().get(0).getIndex()).getString("personId"));
            }
            return busy;
        }
    }

    /** Whether the appointment holds claims for this person already. */
    public boolean heldBy(String appointmentId, String personId) {
        return claims.find(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("personId", personId)))
                .limit(1).first() != null;
    }

    public void release(String appointmentId) {
        claims.deleteMany(Filters.eq("appointmentId", appointmentId));
    }

    public void release(String appointmentId, String personId) {
        claims.deleteMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("personId", personId)));
    }

    /**
     * Deletes claims older than {@code age} that no appointment stands behind: its appointment does
     * not exist or is cancelled, or the person is no longer in it (a circle seat given up).
     */
    public int releaseOrphans(MongoCollection<Document> appointments, Instant now, Duration age) {
        java.util.Map<String, Set<String>> stale = new java.util.TreeMap<>();
        claims.find(Filters.lt("at", Date.from(now.minus(age))))
                .forEach(d -> stale.computeIfAbsent(d.getString("appointmentId"), k -> new TreeSet<>()).add(d.getString("personId")));
        int released = 0;
        for (var entry : stale.entrySet()) {
            Document found = appointments.find(Filters.eq("_id", entry.getKey())).first();
            Appointment appointment = found == null ? null : ScheduleDocuments.appointment(found);
            for (String person : entry.getValue()) {
                if (appointment == null || appointment.status() == Appointment.Status.CANCELLED || !appointment.involves(person)) {
                    released += (int) claims.deleteMany(Filters.and(Filters.eq("appointmentId", entry.getKey()),
                            Filters.eq("personId", person))).getDeletedCount();
                }
            }
        }
        return released;
    }
}
