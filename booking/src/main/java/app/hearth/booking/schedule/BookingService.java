package app.hearth.booking.schedule;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Booking around the in-clinic dose: availability, slots, 1:1 appointments, circles with waitlists,
 * cancellation. Clinical rules are enforced here, not in the client:
 * dosing is in-clinic only; an integration follows its dosing within the clinic's window; a
 * preparation ends before the dosing it prepares; nobody is ever double-booked ({@link TimeClaims}).
 */
public final class BookingService {

    private final ScheduleStore schedule;
    private final TimeClaims claims;
    private final JoinTickets joinTickets;
    private final PersonRepository people;
    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;
    private final Duration roomCloseGrace;
    private final DosingRecords dosingRecords;
    private final BookingEvents events;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BookingService.class);

    /** As the full constructor, telling nobody outside the app of changes. */
    public BookingService(ScheduleStore schedule, TimeClaims claims, JoinTickets joinTickets, PersonRepository people,
                          AuditLog audit, Blocking store, Clock clock, Duration roomCloseGrace, DosingRecords dosingRecords) {
        this(schedule, claims, joinTickets, people, audit, store, clock, roomCloseGrace, dosingRecords, BookingEvents.NONE);
    }

    /** @param roomCloseGrace how long after an appointment's end its room can still be entered */
    public BookingService(ScheduleStore schedule, TimeClaims claims, JoinTickets joinTickets, PersonRepository people,
                          AuditLog audit, Blocking store, Clock clock, Duration roomCloseGrace, DosingRecords dosingRecords,
                          BookingEvents events) {
        this.events = events;
        this.roomCloseGrace = roomCloseGrace;
        this.dosingRecords = dosingRecords;
        this.schedule = schedule;
        this.claims = claims;
        this.joinTickets = joinTickets;
        this.people = people;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ policy and availability

    public Future<BookingPolicy> policy(Actor actor) {
        return store.run(() -> schedule.policy(actor.clinicId()));
    }

    public Future<BookingPolicy> updatePolicy(Actor actor, BookingPolicy policy) {
        requireAdmin(actor, "Only clinic admins change booking rules");
        return store.run(() -> {
            schedule.savePolicy(actor.clinicId(), policy);
            return policy;
        }).compose(p -> audit(actor, "booking-policy.update", "clinic", actor.clinicId()).map(p));
    }

    public Future<Availability> availability(Actor actor, String therapistId) {
        return store.run(() -> {
            Person therapist = therapist(actor.clinicId(), therapistId);
            return schedule.availability(actor.clinicId(), therapistId)
                    .orElse(Availability.empty(therapistId, therapist.timeZone() == null ? "UTC" : therapist.timeZone()));
        });
    }

    /** Admins edit anyone's availability; therapists their own. */
    public Future<Availability> setAvailability(Actor actor, Availability availability) {
        if (!(actor.is(Role.ADMIN) || (actor.is(Role.THERAPIST) && actor.personId().equals(availability.therapistId())))) {
            return Future.failedFuture(CommonProblems.FORBIDDEN.exception("Only admins and the therapist themselves edit availability"));
        }
        return store.run(() -> {
            therapist(actor.clinicId(), availability.therapistId());
            schedule.saveAvailability(actor.clinicId(), availability);
            return availability;
        }).compose(a -> audit(actor, "availability.update", "person", a.therapistId()).map(a));
    }

    public Future<List<Instant>> slots(Actor actor, String therapistId, AppointmentType type, Instant from, Instant to) {
        if (!to.isAfter(from) || Duration.between(from, to).compareTo(Duration.ofDays(62)) > 0) {
            return Future.failedFuture(CommonProblems.INVALID_REQUEST.exception("Ask for a range of up to 62 days, 'to' after 'from'", "to"));
        }
        return store.run(() -> {
            therapist(actor.clinicId(), therapistId);
            BookingPolicy policy = schedule.policy(actor.clinicId());
            Availability availability = effective(schedule.availability(actor.clinicId(), therapistId)
                    .orElse(Availability.empty(therapistId, "UTC")), policy.rules(type));
            List<TimeRange> busy = busyRanges(actor.clinicId(), therapistId, from, to, policy);
            return SlotCalculator.slots(availability, policy.rules(type).duration(), busy, from, to, clock.instant());
        });
    }

    // ------------------------------------------------------------------ booking

    public Future<Appointment> book(Actor actor, BookingRequest request) {
        return store.run(() -> {
                    Appointment booked = bookBlocking(actor, request, null);
                    tellOnce(booked.id(), NOTICE_BOOKED, () -> events.booked(booked));
                    return booked;
                })
                .compose(a -> audit(actor, "appointment.create", "appointment", a.id()).map(a));
    }

    private Appointment bookBlocking(Actor actor, BookingRequest request, Appointment replacing) {
        BookingPolicy policy = schedule.policy(actor.clinicId());
        boolean selfBooking = actor.is(Role.PATIENT) && policy.patientsMayBook() && actor.personId().equals(request.patientId())
                && (request.type() == AppointmentType.PREPARATION || request.type() == AppointmentType.INTEGRATION);
        if (!actor.is(Role.ADMIN) && !selfBooking) {
            throw CommonProblems.FORBIDDEN.exception("Only clinic admins book appointments"
                    + (actor.is(Role.PATIENT) ? " (your clinic does not let patients book themselves)" : ""));
        }
        AppointmentType type = request.type();
        checkMode(type, request.mode());
        if (request.start() == null) {
            throw CommonProblems.INVALID_REQUEST.exception("Give a start time", "start");
        }
        if (!TimeClaims.onMark(request.start())) {
            throw ScheduleProblems.MISALIGNED_TIME.exception(null, "start");
        }
        BookingPolicy.TypeRules rules = policy.rules(type);
        TimeRange range = new TimeRange(request.start(), request.start().plus(rules.duration()));

        List<String> therapistIds = request.therapistIds();
        int maxTherapists = type == AppointmentType.CIRCLE ? 2 : 1;
        if (therapistIds.isEmpty() || therapistIds.size() > maxTherapists || Set.copyOf(therapistIds).size() != therapistIds.size()) {
            String reason = Set.copyOf(therapistIds).size() != therapistIds.size() ? "Name each therapist once"
                    : type == AppointmentType.CIRCLE ? "A circle has one or two facilitators (" + therapistIds.size() + " given)"
                    : "Name one therapist for a " + type.wire() + " appointment";
            throw CommonProblems.INVALID_REQUEST.exception(reason, "therapistIds");
        }
        for (String therapistId : therapistIds) {
            therapist(actor.clinicId(), therapistId);
        }
        String patientId = null;
        if (type != AppointmentType.CIRCLE) {
            patientId = request.patientId();
            Person patient = people.findInClinic(actor.clinicId(), Objects.requireNonNullElse(patientId, ""))
                    .filter(p -> p.isPatient() && !p.isDeactivated())
                    .orElseThrow(() -> ScheduleProblems.NOT_A_PATIENT_OF_CLINIC.exception(null, "patientId"));
            patientId = patient.id();
        }
        if (type == AppointmentType.DOSING && (request.location() == null || request.location().isBlank())) {
            throw CommonProblems.INVALID_REQUEST.exception("Say where in the clinic the dosing takes place", "location");
        }
        checkCourse(actor.clinicId(), type, patientId, request.dosingAppointmentId(), range, policy);

        Instant now = clock.instant();
        Map<String, TimeRange> claimed = new LinkedHashMap<>();
        for (String therapistId : therapistIds) {
            Availability availability = effective(schedule.availability(actor.clinicId(), therapistId)
                    .orElse(Availability.empty(therapistId, "UTC")), rules);
            checkBookable(availability, range, now);
            claimed.put(therapistId, range.widen(availability.bufferBefore(), availability.bufferAfter()));
        }
        if (patientId != null) {
            claimed.put(patientId, range);
        }
        int capacity = 0;
        if (type == AppointmentType.CIRCLE) {
            capacity = request.capacity() == null ? policy.defaultCircleCapacity() : request.capacity();
            if (capacity < 2 || capacity > 50) {
                throw CommonProblems.INVALID_REQUEST.exception("A circle seats 2 to 50 people", "capacity");
            }
        }
        String id = OpaqueTokens.newId();
        Set<String> busy = claims.claim(id, actor.clinicId(), claimed, now, replacing == null ? null : replacing.id());
        if (!busy.isEmpty()) {
            boolean therapistBusy = busy.stream().anyMatch(therapistIds::contains);
            throw (therapistBusy ? ScheduleProblems.THERAPIST_BUSY : ScheduleProblems.PATIENT_BUSY).exception(
                    therapistBusy ? "The therapist has another appointment (or its buffer) at that time"
                            : "The patient has another appointment at that time", "start");
        }
        Appointment appointment = new Appointment(id, actor.clinicId(), type, Appointment.Status.BOOKED, range.start(), range.end(),
                therapistIds, patientId, type == AppointmentType.DOSING ? request.location().strip() : null,
                type.remote() ? OpaqueTokens.newId() : null, request.dosingAppointmentId(), capacity, List.of(),
                List.of(replacing == null ? new Appointment.HistoryEntry(now, actor.personId(), "appointment.booked", null)
                        : new Appointment.HistoryEntry(now, actor.personId(), "appointment.rescheduled-from", replacing.id())));
        try {
            // the notice is stored with the appointment, so its mail survives a crash before it is queued
            schedule.insert(appointment, replacing == null ? new ScheduleStore.Notice(NOTICE_BOOKED, now, null)
                    : new ScheduleStore.Notice(NOTICE_RESCHEDULED, now, replacing.id()));
        } catch (RuntimeException e) {
            claims.undo(id, replacing == null ? null : replacing.id(), null);
            if (e instanceof com.mongodb.MongoWriteException w && app.hearth.platform.store.Documents.isDuplicateKey(w)) {
                // reconciliation took this booking for one that died between its claims and its
                // appointment, and voided the id (TimeClaims.releaseOrphans): it is not booked
                throw CommonProblems.UNAVAILABLE.exception("The booking took too long and was not made; try again");
            }
            throw e;
        }
        return appointment;
    }

    /**
     * Moves a 1:1 appointment to a new start: the new one is booked first (taking over the old
     * one's time where they overlap), then the old one is cancelled with a link to the new. If the
     * new time cannot be booked, the old appointment stays exactly as it was.
     */
    public Future<Appointment> reschedule(Actor actor, String id, Instant newStart, String reason) {
        return store.run(() -> {
            Appointment old = schedule.find(actor.clinicId(), id)
                    .filter(a -> actor.is(Role.ADMIN) || a.involves(actor.personId()))
                    .orElseThrow(() -> ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null));
            if (old.status() != Appointment.Status.BOOKED) {
                throw ScheduleProblems.ALREADY_CANCELLED.exception(null);
            }
            if (old.type() == AppointmentType.CIRCLE) {
                throw CommonProblems.INVALID_REQUEST.exception("Circles are cancelled and created anew, not moved", null);
            }
            Instant now = clock.instant();
            BookingPolicy policy = schedule.policy(actor.clinicId());
            boolean late = now.plus(policy.patientCancellationCutoff()).isAfter(old.start());
            if (actor.is(Role.PATIENT)) {
                checkPatientCutoff(old, now);
            } else if (actor.is(Role.ADMIN) && late && (reason == null || reason.isBlank())) {
                throw ScheduleProblems.REASON_REQUIRED.exception("Moving an appointment this close to its start needs a reason", "reason");
            }
            Appointment moved = bookBlocking(actor, new BookingRequest(old.type(), old.therapistIds(), old.patientId(), newStart,
                    null, old.location(), old.dosingAppointmentId(), null), old);
            claims.reopen(old.id(), now); // should the node die before the release below (TimeClaims)
            schedule.cancel(actor.clinicId(), old.id(), new Appointment.HistoryEntry(now, actor.personId(),
                    "appointment.rescheduled-to", moved.id() + (reason == null || reason.isBlank() ? "" : ": " + reason)));
            claims.release(old.id());
            Appointment cancelledOld = schedule.find(actor.clinicId(), old.id()).orElse(old);
            tellOnce(moved.id(), NOTICE_RESCHEDULED, () -> events.rescheduled(cancelledOld, moved));
            return moved;
        }).compose(a -> audit(actor, "appointment.reschedule", "appointment", id).map(a));
    }

    /** A join ticket and when it stops working. */
    public record JoinTicket(String ticket, String roomId, Instant expiresAt) {
    }

    /** How long a join ticket works: long enough to open the link, too short to share it. */
    public static final Duration JOIN_TICKET_TTL = Duration.ofMinutes(2);

    /**
     * A single-use ticket into the appointment's room, for its therapists, its patient or a seated
     * circle member, from when the room opens (the clinic's lead time) until the room closes (the
     * appointment's end plus the node's close grace).
     */
    public Future<JoinTicket> issueJoinTicket(Actor actor, String appointmentId) {
        return store.run(() -> {
            Appointment a = schedule.find(actor.clinicId(), appointmentId)
                    .filter(x -> x.therapistIds().contains(actor.personId()) || actor.personId().equals(x.patientId())
                            || x.attendees().stream().anyMatch(s -> s.patientId().equals(actor.personId())
                            && s.state() == Appointment.AttendeeState.SEATED))
                    .orElseThrow(() -> ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null));
            if (a.roomId() == null) {
                throw ScheduleProblems.NO_VIDEO_ROOM.exception("Dosing happens in the clinic; there is nothing to join online");
            }
            if (a.status() != Appointment.Status.BOOKED) {
                throw ScheduleProblems.ALREADY_CANCELLED.exception(null);
            }
            if (a.sessionEndedAt() != null) {
                throw ScheduleProblems.SESSION_ENDED.exception("Your therapist ended this session; it cannot be joined again", null);
            }
            Instant now = clock.instant();
            Instant opens = a.start().minus(schedule.policy(actor.clinicId()).roomOpensBefore());
            if (now.isBefore(opens)) {
                throw ScheduleProblems.ROOM_NOT_OPEN.exception("The room opens at " + opens, null);
            }
            if (!now.isBefore(a.end().plus(roomCloseGrace))) {
                throw ScheduleProblems.ROOM_CLOSED.exception(null);
            }
            Instant expires = now.plus(JOIN_TICKET_TTL);
            String secret = joinTickets.issue(new JoinTickets.Grant(a.clinicId(), a.id(), a.roomId(), actor.personId()), now, expires);
            return new JoinTicket(secret, a.roomId(), expires);
        }).compose(t -> audit(actor, "appointment.join-ticket", "appointment", appointmentId).map(t));
    }

    // ------------------------------------------------------------------ circles

    public Future<Appointment> joinCircle(Actor actor, String circleId, String patientId) {
        return store.run(() -> {
            BookingPolicy policy = schedule.policy(actor.clinicId());
            boolean self = actor.is(Role.PATIENT) && policy.patientsMayBook() && actor.personId().equals(patientId);
            if (!actor.is(Role.ADMIN) && !self) {
                throw CommonProblems.FORBIDDEN.exception("Only clinic admins seat patients in circles");
            }
            Appointment circle = circle(actor.clinicId(), circleId);
            people.findInClinic(actor.clinicId(), patientId).filter(p -> p.isPatient() && !p.isDeactivated())
                    .orElseThrow(() -> ScheduleProblems.NOT_A_PATIENT_OF_CLINIC.exception(null, "patientId"));
            if (circle.involves(patientId)) {
                throw ScheduleProblems.ALREADY_SEATED.exception(null, "patientId");
            }
            Instant now = clock.instant();
            // A waitlisted patient's time is held too, so promotion never runs into a conflict.
            String attempt = OpaqueTokens.newId();
            Set<String> busy = claims.claim(circleId, actor.clinicId(), Map.of(patientId, circle.range()), now, null, attempt);
            if (!busy.isEmpty()) {
                if (claims.heldBy(circleId, patientId)) {
                    throw ScheduleProblems.ALREADY_SEATED.exception(null, "patientId");
                }
                throw ScheduleProblems.PATIENT_BUSY.exception("The patient has another appointment at that time", "patientId");
            }
            Appointment joined = schedule.join(actor.clinicId(), circleId, circle.capacity(),
                            new Appointment.Attendee(patientId, Appointment.AttendeeState.SEATED, now),
                            new Appointment.HistoryEntry(now, actor.personId(), "circle.seated", patientId), attempt)
                    .orElseThrow(() -> {
                        claims.release(circleId, patientId, attempt);
                        if (schedule.seatAttemptVoided(circleId, attempt)) {
                            // reconciliation released this attempt's claims as a crashed one's (TimeClaims.releaseOrphans)
                            return CommonProblems.UNAVAILABLE.exception("Seating took too long and was not done; try again");
                        }
                        return ScheduleProblems.ALREADY_SEATED.exception(null, "patientId");
                    });
            if (joined.attendees().stream().anyMatch(x -> x.patientId().equals(patientId) && x.state() == Appointment.AttendeeState.SEATED)) {
                tellOnce(circleId, NOTICE_SEATED, patientId, () -> events.seated(joined, patientId));
            }
            return joined;
        }).compose(circle -> audit(actor, "circle.join", "appointment", circleId).map(circle));
    }

    /** Frees a seat (or waitlist place); the first waitlisted patient moves in at once. */
    public Future<Appointment> leaveCircle(Actor actor, String circleId, String patientId, String reason) {
        return store.run(() -> {
            boolean self = actor.is(Role.PATIENT) && actor.personId().equals(patientId);
            if (!actor.is(Role.ADMIN) && !self) {
                throw CommonProblems.FORBIDDEN.exception("Only clinic admins and the patient themselves free a seat");
            }
            Appointment circle = circle(actor.clinicId(), circleId);
            Instant now = clock.instant();
            if (self) {
                checkPatientCutoff(circle, now);
            }
            claims.reopen(circleId, patientId, now); // should the node die before the release below (TimeClaims)
            schedule.leave(actor.clinicId(), circleId, patientId, new Appointment.HistoryEntry(now, actor.personId(), "circle.left",
                            patientId + (reason == null ? "" : ": " + reason)))
                    .orElseThrow(() -> ScheduleProblems.NOT_SEATED.exception(null, "patientId"));
            claims.release(circleId, patientId);
            java.util.Optional<String> promotedId = schedule.promoteFirstWaitlisted(actor.clinicId(), circleId, circle.capacity(), now,
                    actor.personId());
            promotedId.ifPresent(promoted -> audit.record(new AuditEntry(null, now, actor.personId(), actor.role().wire(),
                            actor.clinicId(), "circle.promoted-from-waitlist", "person", promoted, Outcome.SUCCESS,
                            actor.sourceAddress())));
            Appointment after = schedule.find(actor.clinicId(), circleId).orElseThrow();
            tellOnce(circleId, NOTICE_UNSEATED, patientId, () -> events.unseated(after, patientId));
            promotedId.ifPresent(promoted -> tellOnce(circleId, NOTICE_SEATED, promoted, () -> events.seated(after, promoted)));
            return after;
        }).compose(circle -> audit(actor, "circle.leave", "appointment", circleId).map(circle));
    }

    // ------------------------------------------------------------------ cancel and read

    /**
     * Cancels an appointment. Patients may cancel their own 1:1 appointments until the clinic's
     * cutoff; admins may cancel any, and must say why when it is past the cutoff.
     */
    public Future<Appointment> cancel(Actor actor, String id, String reason) {
        return store.run(() -> {
            Appointment appointment = schedule.find(actor.clinicId(), id)
                    .filter(a -> actor.is(Role.ADMIN) || a.involves(actor.personId()))
                    .orElseThrow(() -> ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null));
            Instant now = clock.instant();
            if (appointment.status() == Appointment.Status.CANCELLED) {
                throw ScheduleProblems.ALREADY_CANCELLED.exception(null);
            }
            BookingPolicy policy = schedule.policy(actor.clinicId());
            boolean late = now.plus(policy.patientCancellationCutoff()).isAfter(appointment.start());
            if (actor.is(Role.PATIENT)) {
                if (appointment.type() == AppointmentType.CIRCLE) {
                    throw CommonProblems.FORBIDDEN.exception("Give up your circle seat instead of cancelling the circle");
                }
                checkPatientCutoff(appointment, now);
            } else if (!actor.is(Role.ADMIN)) {
                throw CommonProblems.FORBIDDEN.exception("Ask a clinic admin to cancel");
            } else if (late && (reason == null || reason.isBlank())) {
                throw ScheduleProblems.REASON_REQUIRED.exception("Cancelling this close to the start needs a reason", "reason");
            }
            claims.reopen(id, now); // should the node die before the release below (TimeClaims)
            Appointment before = schedule.cancel(actor.clinicId(), id, new Appointment.HistoryEntry(now, actor.personId(),
                            late ? "appointment.cancelled-late" : "appointment.cancelled", reason),
                            new ScheduleStore.Notice(NOTICE_CANCELLED, now, null))
                    .orElseThrow(() -> ScheduleProblems.ALREADY_CANCELLED.exception(null));
            claims.release(before.id());
            Appointment cancelled = schedule.find(actor.clinicId(), id).orElseThrow();
            tellOnce(id, NOTICE_CANCELLED, () -> events.cancelled(cancelled));
            return cancelled;
        }).compose(a -> audit(actor, "appointment.cancel", "appointment", id).map(a));
    }

    public Future<Appointment> get(Actor actor, String id) {
        return store.run(() -> schedule.find(actor.clinicId(), id)
                        .filter(a -> actor.is(Role.ADMIN) || a.involves(actor.personId()))
                        .map(a -> visibleTo(actor, a))
                        .orElseThrow(() -> ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null)))
                .compose(a -> audit(actor, "appointment.read", "appointment", a.id()).map(a));
    }

    /** Admins see the clinic (optionally one therapist or patient); therapists and patients their own. */
    public Future<List<Appointment>> list(Actor actor, Instant from, Instant to, String therapistId, String patientId) {
        if (!to.isAfter(from) || Duration.between(from, to).compareTo(Duration.ofDays(62)) > 0) {
            return Future.failedFuture(CommonProblems.INVALID_REQUEST.exception("Ask for a range of up to 62 days, 'to' after 'from'", "to"));
        }
        String therapist = actor.is(Role.THERAPIST) ? actor.personId() : actor.is(Role.ADMIN) ? therapistId : null;
        String patient = actor.is(Role.PATIENT) ? actor.personId() : actor.is(Role.ADMIN) ? patientId : null;
        return store.run(() -> schedule.between(actor.clinicId(), from, to, therapist, patient, true).stream()
                        .map(a -> visibleTo(actor, a)).toList())
                .compose(list -> audit.recordAll(list.stream().map(a -> AuditEntry.of(actor, clock.instant(), "appointment.read",
                        "appointment", a.id(), Outcome.SUCCESS)).toList()).map(list));
    }

    // ------------------------------------------------------------------ dosing records

    /** What the clinic records about a dosing: attended with route and times, or not attended. */
    public record DosingReport(boolean attended, DosingRecord.Route route, Instant startedAt, Instant endedAt,
                               String supervisedBy, String reason) {
    }

    /**
     * Records (or corrects) what happened at a dosing. Admins, and the patient's therapist (or the
     * dosing's own therapist), may; a patient may not; anyone else sees no such appointment. Only
     * once the dosing has started; an attended dosing names its route, times and supervisor.
     */
    public Future<RecordedDosing> recordDosing(Actor actor, String appointmentId, DosingReport report) {
        if (actor.is(Role.PATIENT)) {
            return Future.failedFuture(CommonProblems.FORBIDDEN.exception("The clinic records dosings"));
        }
        return store.run(() -> {
            Appointment a = schedule.find(actor.clinicId(), appointmentId)
                    .filter(x -> actor.is(Role.ADMIN) || x.therapistIds().contains(actor.personId())
                            || (x.patientId() != null && people.findInClinic(actor.clinicId(), x.patientId())
                            .map(p -> p.isAssignedTo(actor.personId())).orElse(false)))
                    .orElseThrow(() -> ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null));
            if (a.type() != AppointmentType.DOSING) {
                throw ScheduleProblems.NOT_A_DOSING.exception(null);
            }
            if (a.status() != Appointment.Status.BOOKED) {
                throw ScheduleProblems.ALREADY_CANCELLED.exception(null);
            }
            if (a.sessionEndedAt() != null) {
                throw ScheduleProblems.SESSION_ENDED.exception("Your therapist ended this session; it cannot be joined again", null);
            }
            Instant now = clock.instant();
            if (now.isBefore(a.start())) {
                throw ScheduleProblems.DOSING_NOT_YET.exception("It starts at " + a.start());
            }
            // the store keeps milliseconds: the answer says what a later read will
            DosingRecord record = DosingRules.record(a, report, actor.personId(), now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            dosingRecords.save(record);
            List<String> careTeam = new ArrayList<>(a.therapistIds());
            if (a.patientId() != null) {
                people.findInClinic(a.clinicId(), a.patientId()).map(Person::therapistIds).orElse(List.of()).stream()
                        .filter(t -> !careTeam.contains(t)).forEach(careTeam::add);
            }
            return new RecordedDosing(record, a.clinicId(), a.patientId(), List.copyOf(careTeam));
        }).compose(r -> audit(actor, "dosing-record.update", "appointment", appointmentId).map(r));
    }

    /**
     * A dosing record as saved, with who should hear of it: the patient, and the therapists of the
     * dosing and of the patient (their open course pages re-read the timeline).
     */
    public record RecordedDosing(DosingRecord record, String clinicId, String patientId, List<String> careTeam) {
    }

    /**
     * The dosing records of these appointments that the viewer may see: staff see them, patients do
     * not (the record is the clinic's, DESIGN.md "The course of care").
     */
    public Future<Map<String, DosingRecord>> dosingRecordsFor(Actor actor, List<Appointment> appointments) {
        List<String> ids = appointments.stream().filter(a -> a.type() == AppointmentType.DOSING).map(Appointment::id).toList();
        if (actor.is(Role.PATIENT) || ids.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return store.run(() -> dosingRecords.findAll(actor.clinicId(), ids));
    }

    /** How old a claim without its appointment must be before the periodic reconciliation releases it. */
    public static final Duration ORPHAN_CLAIM_AGE = Duration.ofMinutes(2);

    /**
     * Releases time held by bookings that never completed (a node died between claims and
     * appointment); the node calls it periodically, for claims older than {@link #ORPHAN_CLAIM_AGE}.
     */
    public Future<Integer> releaseOrphanClaims() {
        return releaseOrphanClaims(clock.instant().minus(ORPHAN_CLAIM_AGE));
    }

    /**
     * Releases claims written before {@code writtenBefore} that no appointment stands behind. Safe at
     * any age: a booking still being written whose claims are released is fenced and refused (see
     * {@link TimeClaims}), never acknowledged without them.
     */
    public Future<Integer> releaseOrphanClaims(Instant writtenBefore) {
        return store.run(() -> claims.releaseOrphans(schedule.appointmentCollection(), writtenBefore, clock.instant()).released());
    }

    // ------------------------------------------------------------------ pending notices

    static final String NOTICE_BOOKED = "booked";
    static final String NOTICE_RESCHEDULED = "rescheduled";
    static final String NOTICE_CANCELLED = "cancelled";
    static final String NOTICE_SEATED = "seated";
    static final String NOTICE_UNSEATED = "unseated";
    /** How old a pending notice must be before the sweep replays it: the live path has long finished by then. */
    public static final Duration NOTICE_GRACE = Duration.ofMinutes(1);
    /** How long one node's sweep holds an appointment's notices; a sweep that dies lets them go after this. */
    static final Duration NOTICE_LEASE = Duration.ofMinutes(2);

    /** Replays the notices older than {@link #NOTICE_GRACE}; every node calls it periodically. */
    public Future<Integer> replayNotices() {
        return replayNotices(clock.instant().minus(NOTICE_GRACE));
    }

    /**
     * Tells the listeners again of changes stored with a notice written before {@code writtenBefore}
     * that was never cleared (the node died between the change and its mail, or a listener threw),
     * then clears it. Listeners are idempotent (the outbox's dedupe keys), so a replay after a
     * listener that did finish queues nothing twice. A booking or move cancelled since is not
     * announced; a move whose new appointment was cancelled since cancels the old one in calendars.
     *
     * @return how many notices were replayed
     */
    public Future<Integer> replayNotices(Instant writtenBefore) {
        return store.run(() -> {
            int replayed = 0;
            for (int i = 0; i < 100; i++) {
                Instant now = clock.instant();
                ScheduleStore.PendingNotices pending = schedule.claimNotices(writtenBefore, now, now.plus(NOTICE_LEASE)).orElse(null);
                if (pending == null) {
                    break;
                }
                Appointment a = pending.appointment();
                boolean all = true;
                for (ScheduleStore.Notice notice : pending.notices()) {
                    if (tell(a.id(), () -> replay(a, notice))) {
                        schedule.clearNotice(a.id(), notice.kind(), notice.patientId());
                        replayed++;
                    } else {
                        all = false; // kept, and leased: the next sweep after the lease tries again
                    }
                }
                if (all) {
                    schedule.releaseNoticeLease(a.id());
                }
            }
            if (replayed > 0) {
                LOG.info("Replayed {} appointment notices whose mail a crash or a failure may have lost", replayed);
            }
            return replayed;
        });
    }

    private void replay(Appointment a, ScheduleStore.Notice notice) {
        boolean booked = a.status() == Appointment.Status.BOOKED;
        switch (notice.kind()) {
            case NOTICE_BOOKED -> {
                if (booked) {
                    events.booked(a);
                }
            }
            case NOTICE_RESCHEDULED -> {
                Appointment from = schedule.find(a.clinicId(), notice.from()).orElse(null);
                if (from == null) {
                    if (booked) {
                        events.booked(a);
                    }
                } else if (booked) {
                    events.rescheduled(from, a);
                } else {
                    // moved, then cancelled before anyone heard of the move: the old time is off
                    events.cancelled(from);
                }
            }
            case NOTICE_CANCELLED -> events.cancelled(a);
            case NOTICE_SEATED -> {
                if (booked && seated(a, notice.patientId())) {
                    events.seated(a, notice.patientId());
                }
            }
            case NOTICE_UNSEATED -> {
                if (!seated(a, notice.patientId())) { // seated again since: that seat's invitation speaks
                    events.unseated(a, notice.patientId());
                }
            }
            default -> LOG.warn("Appointment {} has a notice of unknown kind {}", a.id(), notice.kind());
        }
    }

    private static boolean seated(Appointment circle, String patientId) {
        return circle.attendees().stream().anyMatch(x -> x.patientId().equals(patientId) && x.state() == Appointment.AttendeeState.SEATED);
    }

    /** Tells the listeners of a change stored with its notice; once they heard, the notice goes. */
    private void tellOnce(String appointmentId, String kind, Runnable listener) {
        tellOnce(appointmentId, kind, null, listener);
    }

    /** As {@link #tellOnce(String, String, Runnable)}, for a circle seat's notice (that patient's). */
    private void tellOnce(String appointmentId, String kind, String patientId, Runnable listener) {
        if (tell(appointmentId, listener)) {
            try {
                schedule.clearNotice(appointmentId, kind, patientId);
            } catch (RuntimeException e) {
                // the sweep replays it; the listeners are idempotent
                LOG.warn("Clearing the {} notice of appointment {} failed: {}", kind, appointmentId, e.getClass().getSimpleName());
            }
        }
    }

    // ------------------------------------------------------------------ rules

    private static void checkMode(AppointmentType type, String mode) {
        if (mode == null) {
            return;
        }
        boolean remote = "remote".equals(mode);
        if (type == AppointmentType.DOSING && remote) {
            throw ScheduleProblems.DOSING_IN_CLINIC_ONLY.exception(
                    "Dosing is supervised in the clinic; it never gets a video room or a join link", "mode");
        }
        if (type.remote() && !remote) {
            throw CommonProblems.INVALID_REQUEST.exception(type.wire() + " appointments are remote", "mode");
        }
    }

    private void checkCourse(String clinicId, AppointmentType type, String patientId, String dosingId, TimeRange range,
                             BookingPolicy policy) {
        if (type != AppointmentType.INTEGRATION && type != AppointmentType.PREPARATION) {
            return;
        }
        if (dosingId == null) {
            if (type == AppointmentType.INTEGRATION) {
                throw ScheduleProblems.DOSING_NOT_FOUND.exception("An integration names the dosing it follows", "dosingAppointmentId");
            }
            return;
        }
        Appointment dosing = schedule.find(clinicId, dosingId)
                .filter(d -> d.type() == AppointmentType.DOSING && d.status() == Appointment.Status.BOOKED
                        && Objects.equals(d.patientId(), patientId))
                .orElseThrow(() -> ScheduleProblems.DOSING_NOT_FOUND.exception(null, "dosingAppointmentId"));
        if (type == AppointmentType.PREPARATION && range.end().isAfter(dosing.start())) {
            throw ScheduleProblems.PREPARATION_AFTER_DOSING.exception("The dosing starts at " + dosing.start(), "start");
        }
        if (type == AppointmentType.INTEGRATION) {
            // The window counts from when the dosing really ended, once the clinic recorded it.
            DosingRecord record = dosingRecords.find(clinicId, dosingId).orElse(null);
            if (record != null && !record.attended()) {
                throw ScheduleProblems.DOSING_NOT_ATTENDED.exception(null, "dosingAppointmentId");
            }
            Instant ended = record != null && record.endedAt() != null ? record.endedAt() : dosing.end();
            Instant earliest = ended.plus(Duration.ofDays(policy.integrationWindowMinDays()));
            Instant latest = ended.plus(Duration.ofDays(policy.integrationWindowMaxDays()));
            if (range.start().isBefore(earliest) || range.start().isAfter(latest)) {
                throw ScheduleProblems.INTEGRATION_OUTSIDE_WINDOW.exception("Start between " + earliest + " and " + latest
                        + " (" + policy.integrationWindowMinDays() + "–" + policy.integrationWindowMaxDays() + " days after the dosing)", "start");
            }
        }
    }

    private static void checkBookable(Availability availability, TimeRange range, Instant now) {
        if (range.start().isBefore(now.plus(availability.minimumNotice()))) {
            throw ScheduleProblems.INSIDE_MINIMUM_NOTICE.exception("Book at least " + availability.minimumNotice().toHours()
                    + " hours ahead", "start");
        }
        if (range.start().isAfter(now.plus(availability.horizon()))) {
            throw ScheduleProblems.BEYOND_HORIZON.exception("Book at most " + availability.horizon().toDays() + " days ahead", "start");
        }
        if (!SlotCalculator.withinAvailability(availability, range)) {
            throw ScheduleProblems.OUTSIDE_AVAILABILITY.exception("The therapist's hours do not cover that time", "start");
        }
    }

    private void checkPatientCutoff(Appointment appointment, Instant now) {
        BookingPolicy policy = schedule.policy(appointment.clinicId());
        if (now.plus(policy.patientCancellationCutoff()).isAfter(appointment.start())) {
            throw ScheduleProblems.CANCELLATION_TOO_LATE.exception("Cancel at least " + policy.patientCancellationCutoff().toHours()
                    + " hours ahead; please call your clinic", null);
        }
    }

    /** The therapist's buffers, or the type's default buffers where those are larger. */
    private static Availability effective(Availability a, BookingPolicy.TypeRules rules) {
        return new Availability(a.therapistId(), a.timeZone(), a.weekly(), a.exceptions(),
                max(a.bufferBefore(), rules.bufferBefore()), max(a.bufferAfter(), rules.bufferAfter()), a.minimumNotice(), a.horizon());
    }

    private List<TimeRange> busyRanges(String clinicId, String therapistId, Instant from, Instant to, BookingPolicy policy) {
        List<TimeRange> busy = new ArrayList<>();
        Availability base = schedule.availability(clinicId, therapistId).orElse(Availability.empty(therapistId, "UTC"));
        for (Appointment a : schedule.between(clinicId, from.minus(Duration.ofDays(1)), to.plus(Duration.ofDays(1)), therapistId, null, false)) {
            Availability e = effective(base, policy.rules(a.type()));
            busy.add(a.range().widen(e.bufferBefore(), e.bufferAfter()));
        }
        return busy;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private Person therapist(String clinicId, String therapistId) {
        return people.findInClinic(clinicId, Objects.requireNonNullElse(therapistId, ""))
                .filter(p -> p.role() == Role.THERAPIST && !p.isDeactivated())
                .orElseThrow(() -> ScheduleProblems.NOT_A_THERAPIST_OF_CLINIC.exception(null, "therapistId"));
    }

    private Appointment circle(String clinicId, String circleId) {
        Appointment circle = schedule.find(clinicId, circleId)
                .orElseThrow(() -> ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null));
        if (circle.type() != AppointmentType.CIRCLE) {
            throw ScheduleProblems.NOT_A_CIRCLE.exception(null);
        }
        if (circle.status() != Appointment.Status.BOOKED) {
            throw ScheduleProblems.ALREADY_CANCELLED.exception("The circle was cancelled");
        }
        return circle;
    }

    /**
     * Patients see their own seat in a circle, never the other attendees; the circle's seat and
     * waitlist counts stay those of the whole circle.
     */
    private static Appointment visibleTo(Actor actor, Appointment a) {
        if (!actor.is(Role.PATIENT) || a.type() != AppointmentType.CIRCLE) {
            return a;
        }
        return new Appointment(a.id(), a.clinicId(), a.type(), a.status(), a.start(), a.end(), a.therapistIds(), null, a.location(),
                a.roomId(), null, a.capacity(), a.attendees().stream().filter(x -> x.patientId().equals(actor.personId())).toList(),
                List.of(), a.seatsTaken(), a.waitlistLength(), a.sessionEndedAt());
    }

    /** A listener's failure never undoes or refuses a change that is already stored. */
    private static boolean tell(String appointmentId, Runnable listener) {
        try {
            listener.run();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Telling listeners about appointment {} failed: {}", appointmentId, e.getClass().getSimpleName());
            return false;
        }
    }

    private static void requireAdmin(Actor actor, String message) {
        if (!actor.is(Role.ADMIN)) {
            throw CommonProblems.FORBIDDEN.exception(message);
        }
    }

    private Future<Void> audit(Actor actor, String action, String resourceType, String resourceId) {
        return audit.record(AuditEntry.of(actor, clock.instant(), action, resourceType, resourceId, Outcome.SUCCESS));
    }
}
