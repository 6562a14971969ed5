package app.hearth.booking.schedule;

import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
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
 * <p>Claims are written one by one in a global order (sorted ids), so among identical concurrent
 * bookings the first claim decides and exactly one wins. A booking that loses releases what it claimed; a
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
        return claim(appointmentId, clinicId, ranges, now, null);
    }

    /**
     * Claims all marks for the appointment, or none. With {@code replacing} (a reschedule), marks the
     * old appointment holds are taken over instead of conflicting, and handed back if the claim fails.
     */
    public Set<String> claim(String appointmentId, String clinicId, java.util.Map<String, TimeRange> ranges, Instant now,
                             String replacing) {
        TreeSet<String> ids = new TreeSet<>();
        ranges.forEach((person, range) -> ids.addAll(idsFor(person, range)));
        for (String id : ids) {
            String personId = id.substring(0, id.indexOf('|'));
            try {
                claims.insertOne(new Document("_id", id).append("appointmentId", appointmentId).append("personId", personId)
                        .append("clinicId", clinicId).append("at", Date.from(now)));
            } catch (com.mongodb.MongoWriteException e) {
                if (!app.hearth.platform.store.Documents.isDuplicateKey(e)) {
                    undo(appointmentId, replacing);
                    throw e;
                }
                if (replacing != null && claims.findOneAndUpdate(
                        Filters.and(Filters.eq("_id", id), Filters.eq("appointmentId", replacing)),
                        com.mongodb.client.model.Updates.combine(com.mongodb.client.model.Updates.set("appointmentId", appointmentId),
                                com.mongodb.client.model.Updates.set("transferredFrom", replacing),
                                com.mongodb.client.model.Updates.set("at", Date.from(now))))
                        != null) {
                    continue;
                }
                undo(appointmentId, replacing);
                return Set.of(personId);
            }
        }
        return Set.of();
    }

    /** Gives back what a failed claim took: its own marks are deleted, taken-over marks return. */
    private void undo(String appointmentId, String replacing) {
        claims.deleteMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.exists("transferredFrom", false)));
        if (replacing != null) {
            claims.updateMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("transferredFrom", replacing)),
                    com.mongodb.client.model.Updates.combine(com.mongodb.client.model.Updates.set("appointmentId", replacing),
                            com.mongodb.client.model.Updates.unset("transferredFrom")));
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
            if (appointment == null) {
                // a reschedule that died halfway: marks taken over from the old appointment go back to it
                claims.updateMany(Filters.and(Filters.eq("appointmentId", entry.getKey()), Filters.exists("transferredFrom")),
                        new Document("$rename", new Document("transferredFrom", "appointmentId")));
            }
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
