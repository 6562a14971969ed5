package app.hearth.booking.schedule;

import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Booking policies, availabilities and appointments in MongoDB (synchronous; services call it on a
 * worker). Every query is scoped by clinic. Status changes are conditional single-document updates,
 * so two people cancelling at once cannot both succeed.
 */
public final class ScheduleStore {

    public static final String POLICIES = "booking_policies";
    public static final String AVAILABILITY = "availability";
    public static final String APPOINTMENTS = "appointments";
    /** A circle's list of seat attempts whose time claims reconciliation released: they can no longer be seated. */
    public static final String VOIDED_CLAIMS = "voidedClaims";
    /**
     * Changes whose mail is not yet known to be queued: {@code [{kind, at, from?}]}, written in the
     * same single-document write as the change itself and pulled once the listeners were told
     * (docs/adr/0024, addendum "Pending notices").
     */
    public static final String NOTICES = "notices";
    /** Until when one node's sweep replays this appointment's notices. */
    public static final String NOTICE_LEASE = "noticeLease";

    /**
     * A change the listeners (the mail outbox) may not have heard of. {@code from}: a move's old
     * appointment; {@code patientId}: who took or gave up a circle seat.
     */
    public record Notice(String kind, Instant at, String from, String patientId) {

        public Notice(String kind, Instant at, String from) {
            this(kind, at, from, null);
        }
    }

    /** An appointment whose notices one sweep claimed, and those older than the sweep's grace. */
    public record PendingNotices(Appointment appointment, List<Notice> notices) {
    }

    private final MongoCollection<Document> policies;
    private final MongoCollection<Document> availability;
    private final MongoCollection<Document> appointments;

    public ScheduleStore(Store store) {
        this.policies = store.collection(POLICIES);
        this.availability = store.collection(AVAILABILITY);
        this.appointments = store.collection(APPOINTMENTS);
    }

    public void ensureIndexes() {
        appointments.createIndex(Indexes.ascending("clinicId", "start"));
        appointments.createIndex(Indexes.ascending("therapistIds", "start"));
        appointments.createIndex(Indexes.ascending("patientId", "start"));
        appointments.createIndex(Indexes.ascending("attendees.patientId"));
        appointments.createIndex(Indexes.ascending(NOTICES + ".at"));
    }

    MongoCollection<Document> appointmentCollection() {
        return appointments;
    }

    public BookingPolicy policy(String clinicId) {
        return Optional.ofNullable(policies.find(Filters.eq("_id", clinicId)).first()).map(ScheduleDocuments::policy)
                .orElse(BookingPolicy.defaults());
    }

    public void savePolicy(String clinicId, BookingPolicy policy) {
        policies.replaceOne(Filters.eq("_id", clinicId), ScheduleDocuments.policy(clinicId, policy), new ReplaceOptions().upsert(true));
    }

    public Optional<Availability> availability(String clinicId, String therapistId) {
        return Optional.ofNullable(availability.find(Filters.and(Filters.eq("_id", therapistId), Filters.eq("clinicId", clinicId)))
                .first()).map(ScheduleDocuments::availability);
    }

    public void saveAvailability(String clinicId, Availability value) {
        availability.replaceOne(Filters.eq("_id", value.therapistId()), ScheduleDocuments.availability(clinicId, value),
                new ReplaceOptions().upsert(true));
    }

    public void insert(Appointment appointment) {
        appointments.insertOne(ScheduleDocuments.appointment(appointment));
    }

    /** Inserts the appointment with its pending notice, in the one write. */
    public void insert(Appointment appointment, Notice notice) {
        appointments.insertOne(ScheduleDocuments.appointment(appointment).append(NOTICES, List.of(notice(notice))));
    }

    /** The listeners were told of this change: its notice goes. */
    public void clearNotice(String appointmentId, String kind) {
        clearNotice(appointmentId, kind, null);
    }

    /** As {@link #clearNotice(String, String)}, for a seat's notice: that patient's. */
    public void clearNotice(String appointmentId, String kind, String patientId) {
        Document match = new Document("kind", kind);
        if (patientId != null) {
            match.append("patientId", patientId);
        }
        appointments.updateOne(Filters.eq("_id", appointmentId), Updates.pull(NOTICES, match));
    }

    /**
     * Claims one appointment with a notice written before {@code before} whose sweep lease is free,
     * leasing it until {@code leaseUntil}, so two nodes sweeping at once never replay the same one.
     */
    public Optional<PendingNotices> claimNotices(Instant before, Instant now, Instant leaseUntil) {
        Document d = appointments.findOneAndUpdate(Filters.and(
                        Filters.elemMatch(NOTICES, Filters.lt("at", Date.from(before))),
                        Filters.not(Filters.gt(NOTICE_LEASE, Date.from(now)))),
                Updates.set(NOTICE_LEASE, Date.from(leaseUntil)), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (d == null) {
            return Optional.empty();
        }
        List<Notice> notices = new ArrayList<>();
        for (Document n : d.getList(NOTICES, Document.class, List.of())) {
            Notice notice = new Notice(n.getString("kind"), n.getDate("at").toInstant(), n.getString("from"), n.getString("patientId"));
            if (notice.at().isBefore(before)) {
                notices.add(notice);
            }
        }
        return Optional.of(new PendingNotices(ScheduleDocuments.appointment(d), notices));
    }

    /** The sweep is done with this appointment. */
    public void releaseNoticeLease(String appointmentId) {
        appointments.updateOne(Filters.eq("_id", appointmentId), Updates.unset(NOTICE_LEASE));
    }

    private static Document notice(Notice n) {
        Document d = new Document("kind", n.kind()).append("at", Date.from(n.at()));
        if (n.from() != null) {
            d.append("from", n.from());
        }
        if (n.patientId() != null) {
            d.append("patientId", n.patientId());
        }
        return d;
    }

    public Optional<Appointment> find(String clinicId, String id) {
        return Optional.ofNullable(appointments.find(Filters.and(Filters.eq("_id", id), Filters.eq("clinicId", clinicId))).first())
                .map(ScheduleDocuments::appointment);
    }

    /** Booked appointments of a clinic overlapping [from, to), optionally of one person, by start time. */
    public List<Appointment> between(String clinicId, Instant from, Instant to, String therapistId, String patientId,
                                     boolean includeCancelled) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("clinicId", clinicId),
                Filters.lt("start", Date.from(to)), Filters.gt("end", Date.from(from))));
        if (!includeCancelled) {
            filters.add(Filters.eq("status", "booked"));
        }
        if (therapistId != null) {
            filters.add(Filters.eq("therapistIds", therapistId));
        }
        if (patientId != null) {
            filters.add(Filters.or(Filters.eq("patientId", patientId), Filters.eq("attendees.patientId", patientId)));
        }
        List<Appointment> result = new ArrayList<>();
        appointments.find(Filters.and(filters)).sort(Sorts.ascending("start")).forEach(d -> result.add(ScheduleDocuments.appointment(d)));
        return result;
    }

    /** Booked → cancelled, once. @return the appointment before the change, or empty if it was not booked */
    public Optional<Appointment> cancel(String clinicId, String id, Appointment.HistoryEntry entry) {
        return cancel(clinicId, id, entry, null);
    }

    /** As {@link #cancel(String, String, Appointment.HistoryEntry)}, recording {@code notice} (if any) in the same write. */
    public Optional<Appointment> cancel(String clinicId, String id, Appointment.HistoryEntry entry, Notice notice) {
        Bson change = Updates.combine(Updates.set("status", "cancelled"), Updates.push("history", ScheduleDocuments.history(entry)));
        if (notice != null) {
            change = Updates.combine(change, Updates.push(NOTICES, notice(notice)));
        }
        return Optional.ofNullable(appointments.findOneAndUpdate(
                Filters.and(Filters.eq("_id", id), Filters.eq("clinicId", clinicId), Filters.eq("status", "booked")), change))
                .map(ScheduleDocuments::appointment);
    }

    /**
     * Adds a patient to a circle: a seat if one is free, else the end of the waitlist.
     *
     * @param attempt the id the patient's time claims were written under; an attempt whose claims
     *                were released as orphans ({@link TimeClaims#releaseOrphans}) is not seated
     * @return the circle after the change, or empty when the patient is already in it, it is not
     *         booked or the attempt was voided
     */
    public Optional<Appointment> join(String clinicId, String circleId, int capacity, Appointment.Attendee seated,
                                      Appointment.HistoryEntry entry, String attempt) {
        Bson notIn = Filters.and(Filters.eq("_id", circleId), Filters.eq("clinicId", clinicId), Filters.eq("status", "booked"),
                Filters.ne("attendees.patientId", seated.patientId()), Filters.ne(VOIDED_CLAIMS, attempt));
        FindOneAndUpdateOptions after = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
        // A free seat goes to a newcomer only while nobody waits: otherwise the waitlist's first is
        // promoted (promoteFirstWaitlisted), and a join racing that promotion must not jump the queue.
        Document result = appointments.findOneAndUpdate(Filters.and(notIn, Filters.lt("seatCount", capacity),
                        Filters.ne("attendees.state", "waitlisted")),
                Updates.combine(Updates.push("attendees", ScheduleDocuments.attendee(seated)), Updates.inc("seatCount", 1),
                        Updates.push("history", ScheduleDocuments.history(entry)),
                        Updates.push(NOTICES, notice(new Notice(BookingService.NOTICE_SEATED, entry.at(), null, seated.patientId())))), after);
        if (result == null) {
            Appointment.Attendee waiting = new Appointment.Attendee(seated.patientId(), Appointment.AttendeeState.WAITLISTED,
                    seated.joinedAt());
            result = appointments.findOneAndUpdate(notIn, Updates.combine(
                    Updates.push("attendees", ScheduleDocuments.attendee(waiting)),
                    Updates.push("history", ScheduleDocuments.history(new Appointment.HistoryEntry(entry.at(), entry.actorId(),
                            "circle.waitlisted", entry.detail())))), after);
        }
        return Optional.ofNullable(result).map(ScheduleDocuments::appointment);
    }

    /** Whether reconciliation barred this seat attempt (its claims were taken for a crashed one's). */
    public boolean seatAttemptVoided(String circleId, String attempt) {
        return appointments.countDocuments(Filters.and(Filters.eq("_id", circleId), Filters.eq(VOIDED_CLAIMS, attempt))) > 0;
    }

    /** Removes a patient's seat or waitlist place. @return the circle before the change, or empty if they had none */
    public Optional<Appointment> leave(String clinicId, String circleId, String patientId, Appointment.HistoryEntry entry) {
        Bson circle = Filters.and(Filters.eq("_id", circleId), Filters.eq("clinicId", clinicId));
        Bson notice = Updates.push(NOTICES, notice(new Notice(BookingService.NOTICE_UNSEATED, entry.at(), null, patientId)));
        Document before = appointments.findOneAndUpdate(
                Filters.and(circle, Filters.elemMatch("attendees", Filters.and(Filters.eq("patientId", patientId), Filters.eq("state", "seated")))),
                Updates.combine(Updates.pull("attendees", new Document("patientId", patientId)), Updates.inc("seatCount", -1),
                        Updates.push("history", ScheduleDocuments.history(entry)), notice));
        if (before == null) {
            before = appointments.findOneAndUpdate(
                    Filters.and(circle, Filters.elemMatch("attendees", Filters.and(Filters.eq("patientId", patientId), Filters.eq("state", "waitlisted")))),
                    Updates.combine(Updates.pull("attendees", new Document("patientId", patientId)),
                            Updates.push("history", ScheduleDocuments.history(entry)), notice));
        }
        return Optional.ofNullable(before).map(ScheduleDocuments::appointment);
    }

    /**
     * Seats the first waitlisted patient (in join order) if a seat is free, with their seat's notice,
     * in one conditional update naming them.
     *
     * @return who was promoted, or empty
     */
    public Optional<String> promoteFirstWaitlisted(String clinicId, String circleId, int capacity, Instant at, String actorId) {
        // Read who is first, then seat exactly them, so the same write can record their notice. Waitlist
        // places are only appended or removed, so the first one read is still first unless removed or
        // promoted meanwhile; then the update matches nothing and we read again.
        for (int round = 0; round < 10; round++) {
            Document circle = appointments.find(Filters.and(Filters.eq("_id", circleId), Filters.eq("clinicId", clinicId),
                    Filters.eq("status", "booked"), Filters.lt("seatCount", capacity))).first();
            String first = circle == null ? null : ScheduleDocuments.appointment(circle).attendees().stream()
                    .filter(a -> a.state() == Appointment.AttendeeState.WAITLISTED).findFirst().map(Appointment.Attendee::patientId)
                    .orElse(null);
            if (first == null) {
                return Optional.empty();
            }
            Document before = appointments.findOneAndUpdate(
                    Filters.and(Filters.eq("_id", circleId), Filters.eq("clinicId", clinicId), Filters.eq("status", "booked"),
                            Filters.lt("seatCount", capacity),
                            Filters.elemMatch("attendees", Filters.and(Filters.eq("patientId", first), Filters.eq("state", "waitlisted")))),
                    Updates.combine(Updates.set("attendees.$.state", "seated"), Updates.inc("seatCount", 1),
                            Updates.push("history", ScheduleDocuments.history(new Appointment.HistoryEntry(at, actorId,
                                    "circle.promoted-from-waitlist", null))),
                            Updates.push(NOTICES, notice(new Notice(BookingService.NOTICE_SEATED, at, null, first)))));
            if (before != null) {
                return Optional.of(first);
            }
        }
        return Optional.empty();
    }

    /**
     * Records that a host ended the live session ("End for everyone"), once: a second end (another
     * node, a retried request) keeps the first time.
     *
     * @return whether this call recorded it
     */
    public boolean sessionEnded(String clinicId, String appointmentId, String endedBy, Instant at) {
        return appointments.updateOne(
                Filters.and(Filters.eq("_id", appointmentId), Filters.eq("clinicId", clinicId), Filters.eq("sessionEndedAt", null)),
                Updates.combine(Updates.set("sessionEndedAt", Date.from(at)),
                        Updates.push("history", ScheduleDocuments.history(new Appointment.HistoryEntry(at, endedBy, "session.ended", null)))))
                .getModifiedCount() > 0;
    }
}
