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
 *
 * <p>Order of a booking: all claims first, then the appointment (or, for a circle seat, the seat).
 * A claim without its appointment is therefore either an orphan or a booking in the middle of being
 * written, and no read can tell them apart. {@link #releaseOrphans} never guesses: before it deletes
 * a claim it <em>fences</em> the write that would make the claim legitimate, so that write fails and
 * the booking is refused instead of acknowledged without its claims:
 * <ul>
 *   <li>an appointment that does not exist: a void marker is inserted under its id in the
 *       appointments collection ({@code {_id, voided: true}}, no clinic, so no query sees it); the
 *       booking's own insert of that id then fails on the primary key;</li>
 *   <li>a circle seat claimed but not taken: the claim's attempt id is added to the circle's
 *       {@code voidedClaims} in one conditional update that only matches while the patient is not
 *       in the circle; {@link ScheduleStore#join} only seats an attempt not listed there.</li>
 * </ul>
 * Age ({@code writtenBefore}) only keeps reconciliation from fencing bookings that are merely slow.
 *
 * <p>Reconciliation reads each claim once per node, not on every pass: a pass reads only claims
 * whose {@code at} lies between the previous pass's cut-off and its own, so a pass costs what was
 * written or changed since the last one, not the clinic's whole history. A claim found backed loses
 * its backing only through a cancel, a reschedule or a seat given up, and each of those first
 * {@link #reopen}s the claims it is about to release (sets their {@code at} to now) before it changes
 * the appointment: if the node dies between the change and the release, a later pass's window holds
 * the claims again and releases them. The window assumes what the age margin already assumes: a
 * claim reaches the store (written or reopened) well within the margin after the {@code at} it
 * carries, and the nodes' clocks agree to within it. The window lives in the node's memory: a node
 * that starts reads every claim once.
 */
public final class TimeClaims {

    public static final String COLLECTION = "time_claims";
    /** A claim's field naming the claim call that wrote it (a circle seat is fenced by it). */
    public static final String ATTEMPT = "attempt";
    public static final Duration MARK = Duration.ofMinutes(5);
    /** What one reconciliation pass did: claims it read, claims it released. */
    public record Reconciled(int examined, int released) { }

    private final MongoCollection<Document> claims;
    /** Claims written before this were read by an earlier pass of this node (see the class comment). */
    private final java.util.concurrent.atomic.AtomicReference<Instant> readUpTo =
            new java.util.concurrent.atomic.AtomicReference<>(Instant.EPOCH);

    public TimeClaims(Store store) {
        this.claims = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        claims.createIndex(Indexes.ascending("appointmentId"));
        // what a reconciliation pass reads: the claims written between two cut-offs
        claims.createIndex(Indexes.ascending("at"));
    }

    /** Whether an instant lies on a 5-minute mark. */
    public static boolean onMark(Instant instant) {
        return instant.getEpochSecond() % MARK.toSeconds() == 0 && instant.getNano() == 0;
    }

    private static String personOf(String claimId) {
        return claimId.substring(0, claimId.indexOf('|'));
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
        return claim(appointmentId, clinicId, ranges, now, replacing, app.hearth.platform.security.OpaqueTokens.newId());
    }

    /**
     * As {@link #claim(String, String, java.util.Map, Instant, String)}, every claim written carrying
     * {@code attempt}: the id a circle seat is then taken under ({@link ScheduleStore#join}).
     */
    public Set<String> claim(String appointmentId, String clinicId, java.util.Map<String, TimeRange> ranges, Instant now,
                             String replacing, String attempt) {
        TreeSet<String> sorted = new TreeSet<>();
        ranges.forEach((person, range) -> sorted.addAll(idsFor(person, range)));
        List<String> ids = new ArrayList<>(sorted);
        // One ordered insertMany per run of free marks: the store inserts them one by one in this
        // order and stops at the first taken mark, as single inserts would, in one round trip (and,
        // on the embedded store, one commit) instead of one per mark.
        int from = 0;
        while (from < ids.size()) {
            List<Document> batch = new ArrayList<>();
            for (String id : ids.subList(from, ids.size())) {
                batch.add(new Document("_id", id).append("appointmentId", appointmentId).append("personId", personOf(id))
                        .append("clinicId", clinicId).append("at", Date.from(now)).append(ATTEMPT, attempt));
            }
            try {
                claims.insertMany(batch, new com.mongodb.client.model.InsertManyOptions().ordered(true));
                return Set.of();
            } catch (com.mongodb.MongoBulkWriteException e) {
                if (e.getWriteErrors().isEmpty()
                        || com.mongodb.ErrorCategory.fromErrorCode(e.getWriteErrors().get(0).getCode()) != com.mongodb.ErrorCategory.DUPLICATE_KEY) {
                    undo(appointmentId, replacing, attempt);
                    throw e;
                }
                int taken = from + e.getWriteErrors().get(0).getIndex();
                String id = ids.get(taken);
                if (replacing != null && claims.findOneAndUpdate(
                        Filters.and(Filters.eq("_id", id), Filters.eq("appointmentId", replacing)),
                        com.mongodb.client.model.Updates.combine(com.mongodb.client.model.Updates.set("appointmentId", appointmentId),
                                com.mongodb.client.model.Updates.set("transferredFrom", replacing),
                                com.mongodb.client.model.Updates.set(ATTEMPT, attempt),
                                com.mongodb.client.model.Updates.set("at", Date.from(now))))
                        != null) {
                    from = taken + 1;
                    continue;
                }
                undo(appointmentId, replacing, attempt);
                return Set.of(personOf(id));
            } catch (RuntimeException e) {
                try {
                    undo(appointmentId, replacing, attempt);
                } catch (RuntimeException again) {
                    e.addSuppressed(again); // the store is unreachable: reconciliation releases them later
                }
                throw e;
            }
        }
        return Set.of();
    }

    /**
     * Gives back what a failed claim took: its own marks are deleted, taken-over marks return. Only
     * this attempt's marks: a circle's claims of other attendees (and of its facilitators) stay.
     *
     * @param attempt the claim call's attempt id, or null for every claim of the appointment
     */
    public void undo(String appointmentId, String replacing, String attempt) {
        claims.deleteMany(attempt == null
                ? Filters.and(Filters.eq("appointmentId", appointmentId), Filters.exists("transferredFrom", false))
                : Filters.and(Filters.eq("appointmentId", appointmentId), Filters.exists("transferredFrom", false),
                        Filters.eq(ATTEMPT, attempt)));
        if (replacing != null) {
            claims.updateMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("transferredFrom", replacing)),
                    com.mongodb.client.model.Updates.combine(com.mongodb.client.model.Updates.set("appointmentId", replacing),
                            com.mongodb.client.model.Updates.unset("transferredFrom")));
        }
    }

    /**
     * Makes an appointment's claims look new to reconciliation, before a change that may take their
     * backing away (cancel, reschedule): should the node die between that change and the release,
     * a later pass reads them again (see the class comment).
     */
    public void reopen(String appointmentId, Instant now) {
        claims.updateMany(Filters.eq("appointmentId", appointmentId), reopened(now));
    }

    /** As {@link #reopen(String, Instant)}, for one person's claims (a circle seat given up). */
    public void reopen(String appointmentId, String personId, Instant now) {
        claims.updateMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("personId", personId)), reopened(now));
    }

    private static org.bson.conversions.Bson reopened(Instant now) {
        return com.mongodb.client.model.Updates.set("at", Date.from(now));
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

    /** Releases what one claim call wrote for a person (a circle seat that was then not taken). */
    public void release(String appointmentId, String personId, String attempt) {
        claims.deleteMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("personId", personId),
                Filters.eq(ATTEMPT, attempt)));
    }

    /**
     * Deletes claims written before {@code writtenBefore} that no appointment stands behind: its
     * appointment does not exist (then it never will: see the class comment) or is cancelled, or the
     * person is not in it (a circle seat given up or never taken). Claims whose appointment holds the
     * person stay, whatever their age. Reads only claims written since this node's last completed
     * pass's cut-off (all of them on its first pass); a pass that fails leaves the window where it was.
     */
    public Reconciled releaseOrphans(MongoCollection<Document> appointments, Instant writtenBefore, Instant now) {
        // appointment id → person → the attempts that claimed for them
        java.util.Map<String, java.util.Map<String, Set<String>>> stale = new java.util.TreeMap<>();
        int examined = 0;
        for (Document d : claims.find(Filters.and(Filters.gte("at", Date.from(readUpTo.get())), Filters.lt("at", Date.from(writtenBefore))))) {
            examined++;
            stale.computeIfAbsent(d.getString("appointmentId"), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(d.getString("personId"), k -> new TreeSet<>())
                    .add(java.util.Objects.requireNonNullElse(d.getString(ATTEMPT), ""));
        }
        int released = 0;
        for (var entry : stale.entrySet()) {
            String appointmentId = entry.getKey();
            Document found = appointments.find(Filters.eq("_id", appointmentId)).first();
            if (found == null) {
                found = fence(appointments, appointmentId, now);
            }
            if (found == null || isVoid(found)) {
                // no appointment will ever have this id: marks a reschedule took over go back to the old
                // appointment (young again, so a later pass checks them against it), the rest is free
                claims.updateMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.exists("transferredFrom")),
                        new Document("$rename", new Document("transferredFrom", "appointmentId"))
                                .append("$set", new Document("at", Date.from(now))));
                released += (int) claims.deleteMany(Filters.eq("appointmentId", appointmentId)).getDeletedCount();
                continue;
            }
            Appointment appointment = ScheduleDocuments.appointment(found);
            if (appointment.status() == Appointment.Status.CANCELLED) {
                released += (int) claims.deleteMany(Filters.eq("appointmentId", appointmentId)).getDeletedCount();
                continue;
            }
            for (var person : entry.getValue().entrySet()) {
                if (appointment.involves(person.getKey())) {
                    continue;
                }
                for (String attempt : person.getValue()) {
                    if (appointment.type() == AppointmentType.CIRCLE && !fenceSeat(appointments, appointmentId, person.getKey(), attempt)) {
                        continue; // seated meanwhile: the claim is theirs now
                    }
                    released += (int) claims.deleteMany(Filters.and(Filters.eq("appointmentId", appointmentId),
                            Filters.eq("personId", person.getKey()),
                            attempt.isEmpty() ? Filters.exists(ATTEMPT, false) : Filters.eq(ATTEMPT, attempt))).getDeletedCount();
                }
            }
        }
        // the window moves on only after a whole pass: claims reopened meanwhile are younger than it
        readUpTo.accumulateAndGet(writtenBefore, (a, b) -> a.isAfter(b) ? a : b);
        return new Reconciled(examined, released);
    }

    /** Makes sure no appointment can be inserted under this id. @return what holds the id now (null: the void marker) */
    private static Document fence(MongoCollection<Document> appointments, String appointmentId, Instant now) {
        try {
            appointments.insertOne(new Document("_id", appointmentId).append("voided", true).append("at", Date.from(now)));
            return null;
        } catch (com.mongodb.MongoWriteException e) {
            if (!app.hearth.platform.store.Documents.isDuplicateKey(e)) {
                throw e;
            }
            return appointments.find(Filters.eq("_id", appointmentId)).first(); // the booking got there first
        }
    }

    /** Whether a document in the appointments collection is a void marker rather than an appointment. */
    static boolean isVoid(Document appointment) {
        return Boolean.TRUE.equals(appointment.getBoolean("voided"));
    }

    /**
     * Bars a circle seat attempt, only while the patient is not in the circle.
     *
     * @return true when the attempt can no longer take a seat (its claims may go)
     */
    private static boolean fenceSeat(MongoCollection<Document> appointments, String circleId, String personId, String attempt) {
        return appointments.updateOne(Filters.and(Filters.eq("_id", circleId), Filters.ne("attendees.patientId", personId)),
                com.mongodb.client.model.Updates.addToSet(ScheduleStore.VOIDED_CLAIMS, attempt)).getMatchedCount() == 1;
    }
}
