package app.hearth.care.measures;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.DosingRecord;
import app.hearth.booking.schedule.DosingRecords;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.care.CareAccess;
import app.hearth.care.CareEvents;
import app.hearth.care.CareProblems;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.security.FieldCipher;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Measures and safety alerts of the course of care: the questionnaires, the clinic's settings, what
 * a patient owes ({@link Cadence}), their answers (sealed at rest) and the alerts those raise.
 * Access follows {@link CareAccess}; every read and write of a patient's record is audited before
 * the answer leaves. Alerts are stored before anyone is told ({@link CareEvents}), so a node that
 * pushes one always finds it.
 */
public final class MeasuresService {

    /** How far ahead booked dosings are looked at (further ones are not due yet anyway). */
    private static final Duration LOOK_AHEAD = Duration.ofDays(400);

    /** What the caller may see of a patient's measures: responses and dosings are null for admins. */
    public record Overview(CareAccess.Scope scope, List<Cadence.Due> due, List<MeasureResponse> responses,
                           List<DosingMark> dosings, Instruments instruments) {
    }

    /** A dosing to mark on the trend chart. */
    public record DosingMark(String appointmentId, Instant at) {
    }

    /** A stored response, the alerts it raised, and the crisis resources to show at once (null when none). */
    public record Submitted(MeasureResponse response, Instrument instrument, List<CareAlert> alerts,
                            List<CareSettings.CrisisResource> crisis, CareAccess.Scope scope) {

        /** What the patient reads above the resources; it says the therapist was told only when someone was. */
        public String crisisMessage() {
            boolean told = alerts.stream().anyMatch(a -> !a.recipients().isEmpty());
            return "You are not alone. If you are thinking about ending your life or hurting yourself, please reach out now: "
                    + "these services are there for you at any hour." + (told ? " Your therapist has been told." : "");
        }
    }

    private final Instruments instruments;
    private final CareAccess access;
    private final ScheduleStore schedule;
    private final DosingRecords dosingRecords;
    private final MeasureResponses responses;
    private final CareAlerts alerts;
    private final CareSettingsStore settings;
    private final AuditLog audit;
    private final Blocking store;
    private final CareEvents events;
    private final Clock clock;
    private final app.hearth.care.AuditedWork audited;

    public MeasuresService(Store db, FieldCipher cipher, CareAccess access, ScheduleStore schedule, DosingRecords dosingRecords,
                           AuditLog audit, Blocking store, CareEvents events, Clock clock) {
        this.instruments = Instruments.load();
        this.access = access;
        this.schedule = schedule;
        this.dosingRecords = dosingRecords;
        this.responses = new MeasureResponses(db, cipher);
        this.alerts = new CareAlerts(db);
        this.settings = new CareSettingsStore(db);
        this.audit = audit;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.audited = new app.hearth.care.AuditedWork(audit, store, clock);
    }

    /** Idempotent; at start-up, before any request. */
    public void ensureIndexes() {
        responses.ensureIndexes();
        alerts.ensureIndexes();
    }

    public Instruments instruments() {
        return instruments;
    }

    // ------------------------------------------------------------------ settings

    public Future<CareSettings> settings(Actor actor) {
        return store.run(() -> settings.get(actor.clinicId()));
    }

    public Future<CareSettings> updateSettings(Actor actor, CareSettings proposed) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(CommonProblems.FORBIDDEN.exception("Only clinic admins change the measure settings"));
        }
        CareSettings valid;
        try {
            valid = proposed.validated(instruments);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return store.run(() -> {
            settings.save(actor.clinicId(), valid, actor.personId(), clock.instant());
            return valid;
        }).compose(s -> audit(actor, "care.settings.update", "care.settings", actor.clinicId()).map(s));
    }

    // ------------------------------------------------------------------ what is due, and the trend

    public Future<Overview> overview(Actor actor, String patientId) {
        return store.run(() -> {
            CareAccess.Scope scope = access.scope(actor, patientId);
            Instant now = clock.instant();
            Course course = course(scope, now);
            List<Cadence.Due> due = Cadence.due(settings.get(actor.clinicId()).cadence(), course.start(), course.appointments(),
                    course.dosings(), responses.answeredKeys(actor.clinicId(), patientId), now);
            if (!scope.content()) {
                return new Overview(scope, due, null, null, instruments);
            }
            return new Overview(scope, due, responses.forPatient(actor.clinicId(), patientId), dosingMarks(course, now), instruments);
        }).compose(o -> audit(actor, o.scope().content() ? "care.measures.read" : "care.measures.due.read", "care.measures",
                patientId).map(o), refused(actor, "care.measures.read", "care.measures", patientId));
    }

    // ------------------------------------------------------------------ answering

    public Future<Submitted> submit(Actor actor, String patientId, String instrumentId, String occasion, List<Integer> answers,
                                    Integer difficulty) {
        return store.run(() -> {
            CareAccess.Scope scope = access.patientOnly(actor, patientId);
            Instrument instrument = instruments.find(instrumentId).orElseThrow(() ->
                    CommonProblems.INVALID_REQUEST.exception("The questionnaires are phq9, gad7 and pcl5", "instrument"));
            Instrument.Score score = instrument.score(answers, difficulty);
            if (responses.exists(patientId, instrumentId, occasion)) {
                throw MeasureProblems.MEASURE_ALREADY_ANSWERED.exception(null, "occasion");
            }
            Instant now = clock.instant();
            CareSettings clinic = settings.get(actor.clinicId());
            Course course = course(scope, now);
            // Judged as if this one were still unanswered: a racing submit that stored it a moment ago
            // must meet the unique index below (already answered), not look "not due".
            java.util.Set<String> answered = responses.answeredKeys(actor.clinicId(), patientId);
            answered.remove(Cadence.key(instrumentId, occasion));
            List<Cadence.Due> due = Cadence.due(clinic.cadence(), course.start(), course.appointments(), course.dosings(),
                    answered, now);
            if (!Cadence.isDue(due, instrumentId, occasion)) {
                throw MeasureProblems.MEASURE_NOT_DUE.exception(instrument.name() + " is not due for that occasion", "occasion");
            }
            List<String> kinds = alertKinds(instrument, score, clinic.thresholds());
            MeasureResponse response = new MeasureResponse(OpaqueTokens.newId(), actor.clinicId(), patientId, instrumentId, occasion,
                    now, !kinds.isEmpty(), List.copyOf(answers), difficulty, score.total());
            if (!responses.insert(response)) {
                // a second submit raced this one past the check above: the unique index kept one
                throw MeasureProblems.MEASURE_ALREADY_ANSWERED.exception(null, "occasion");
            }
            List<CareAlert> raised = new ArrayList<>();
            for (String kind : kinds) {
                CareAlert alert = new CareAlert(response.id() + "-" + kind, actor.clinicId(), patientId, scope.patient().displayName(),
                        kind, response.id(), scope.therapistIds(), now, null, null);
                alerts.insert(alert);
                raised.add(alert);
            }
            return new Submitted(response, instrument, List.copyOf(raised), raised.isEmpty() ? null : clinic.crisisResources(), scope);
        }).recover(refused(actor, "care.measure.submit", "care.measures", patientId)).compose(s -> {
            List<AuditEntry> entries = new ArrayList<>();
            Instant at = clock.instant();
            entries.add(AuditEntry.of(actor, at, "care.measure.submit", "care.measure-response", s.response().id(), Outcome.SUCCESS));
            s.alerts().forEach(a -> entries.add(AuditEntry.of(actor, at, "care.alert.raise", "care.alert", a.id(), Outcome.SUCCESS)));
            return audit.recordAll(entries).map(s);
        }).onSuccess(s -> {
            for (CareAlert a : s.alerts()) {
                events.alertRaised(a.clinicId(), a.patientId(), a.id(), a.recipients());
            }
            List<String> told = new ArrayList<>(s.scope().therapistIds());
            told.add(patientId);
            events.recordChanged(actor.clinicId(), patientId, "measures", List.copyOf(told));
        });
    }

    /** Which alerts the answers raise: item 9 above 0 always; the totals only where the clinic set a threshold. */
    static List<String> alertKinds(Instrument instrument, Instrument.Score score, CareSettings.Thresholds thresholds) {
        List<String> kinds = new ArrayList<>();
        if (Instruments.PHQ9.equals(instrument.id())) {
            if (score.safetyFlag()) {
                kinds.add(CareAlert.PHQ9_ITEM9);
            }
            if (thresholds != null && thresholds.phq9Total() != null && score.total() >= thresholds.phq9Total()) {
                kinds.add(CareAlert.PHQ9_TOTAL);
            }
        } else if (Instruments.PCL5.equals(instrument.id())) {
            if (thresholds != null && thresholds.pcl5Total() != null && score.total() >= thresholds.pcl5Total()) {
                kinds.add(CareAlert.PCL5_TOTAL);
            }
        }
        return kinds;
    }

    // ------------------------------------------------------------------ alerts

    /** A therapist's open alerts (REST). Patients and admins are refused: alerts are clinical content. */
    public Future<List<CareAlert>> openAlerts(Actor actor) {
        if (!actor.is(Role.THERAPIST)) {
            return Future.<List<CareAlert>>failedFuture(CareProblems.CLINICAL_CONTENT_NOT_ALLOWED.exception("Alerts go to the patient's therapists"))
                    .recover(refused(actor, "care.alert.read", "care.alert", actor.clinicId()));
        }
        return watch(actor);
    }

    /** The open alerts for a room socket's {@code care.watch}: a therapist's, nobody else's (empty). */
    public Future<List<CareAlert>> watch(Actor actor) {
        if (!actor.is(Role.THERAPIST)) {
            return Future.succeededFuture(List.of());
        }
        return store.run(() -> alerts.openFor(actor.clinicId(), actor.personId()))
                .compose(list -> audit.recordAll(list.stream().map(a -> AuditEntry.of(actor, clock.instant(), "care.alert.read",
                        "care.alert", a.id(), Outcome.SUCCESS)).toList()).map(list));
    }

    public Future<CareAlert> acknowledge(Actor actor, String alertId) {
        if (!actor.is(Role.THERAPIST)) {
            return Future.<CareAlert>failedFuture(CareProblems.CLINICAL_CONTENT_NOT_ALLOWED.exception("Alerts are acknowledged by the patient's therapists"))
                    .recover(refused(actor, "care.alert.acknowledge", "care.alert", alertId));
        }
        return store.run(() -> {
            CareAlert alert = alerts.find(actor.clinicId(), alertId).filter(a -> a.recipients().contains(actor.personId()))
                    .orElseThrow(() -> MeasureProblems.ALERT_NOT_FOUND.exception(null));
            if (!alert.open()) {
                return new Acknowledged(alert, false);
            }
            CareAlert after = alerts.acknowledge(actor.clinicId(), alertId, actor.personId(), clock.instant()).orElseThrow();
            return new Acknowledged(after, actor.personId().equals(after.acknowledgedBy()) && !alert.equals(after));
        }).recover(refused(actor, "care.alert.acknowledge", "care.alert", alertId))
                .compose(ack -> audit(actor, "care.alert.acknowledge", "care.alert", alertId).map(ack)).map(ack -> {
            if (ack.first()) {
                CareAlert a = ack.alert();
                events.alertAcknowledged(a.clinicId(), a.patientId(), a.id(), a.recipients());
            }
            return ack.alert();
        });
    }

    private record Acknowledged(CareAlert alert, boolean first) {
    }

    /**
     * The alert a node is about to push to one of its recipients, read from the store (only
     * identifiers travel on the bus); the push is audited as a read by that recipient.
     */
    public Future<Optional<CareAlert>> alertFor(String clinicId, String alertId, String recipientId) {
        return store.run(() -> alerts.find(clinicId, alertId).filter(a -> a.recipients().contains(recipientId)))
                .compose(found -> found.isEmpty() ? Future.succeededFuture(found)
                        : audit.record(AuditEntry.of(new Actor(recipientId, clinicId, Role.THERAPIST, null), clock.instant(),
                        "care.alert.push", "care.alert", alertId, Outcome.SUCCESS)).map(found));
    }

    // ------------------------------------------------------------------ the course, as measures see it

    private record Course(Instant start, List<Appointment> appointments, List<DosingRecord> dosings) {
    }

    /**
     * What the patient owes now, for a job of the node rather than a person (issue 15: the
     * measure-due email): which occasions, never an answer or score. Not audited here: the caller
     * audits what it discloses. Blocking: call on a store worker.
     */
    public List<Cadence.Due> dueNow(app.hearth.booking.people.Person patient) {
        Instant now = clock.instant();
        Course course = course(patient, now);
        return Cadence.due(settings.get(patient.clinicId()).cadence(), course.start(), course.appointments(), course.dosings(),
                responses.answeredKeys(patient.clinicId(), patient.id()), now);
    }

    private Course course(CareAccess.Scope scope, Instant now) {
        return course(scope.patient(), now);
    }

    private Course course(app.hearth.booking.people.Person patient, Instant now) {
        String clinicId = patient.clinicId();
        String patientId = patient.id();
        List<Appointment> appointments = schedule.between(clinicId, Instant.EPOCH, now.plus(LOOK_AHEAD), null, patientId, false)
                .stream().filter(a -> patientId.equals(a.patientId())).toList();
        Instant start = appointments.stream().map(Appointment::start).min(Comparator.naturalOrder())
                .orElse(patient.createdAt());
        return new Course(start, appointments, dosingRecords.forPatient(clinicId, patientId));
    }

    /** Dosings that took place (attended, or booked and past without a record saying otherwise), by time. */
    private static List<DosingMark> dosingMarks(Course course, Instant now) {
        Map<String, DosingRecord> records = course.dosings().stream()
                .collect(Collectors.toMap(DosingRecord::appointmentId, Function.identity(), (a, b) -> b));
        List<DosingMark> marks = new ArrayList<>();
        for (Appointment a : course.appointments()) {
            if (a.type() != AppointmentType.DOSING || a.start().isAfter(now)) {
                continue;
            }
            DosingRecord r = records.get(a.id());
            if (r != null && !r.attended()) {
                continue;
            }
            marks.add(new DosingMark(a.id(), r != null && r.startedAt() != null ? r.startedAt() : a.start()));
        }
        marks.sort(Comparator.comparing(DosingMark::at));
        return marks;
    }

    /** A refusal of access (403/404) is audited as denied before it is answered, as the record's other services do. */
    private <T> java.util.function.Function<Throwable, Future<T>> refused(Actor actor, String action, String resourceType,
                                                                          String resourceId) {
        return audited.denied(actor, action, resourceType, resourceId);
    }

    private Future<Void> audit(Actor actor, String action, String resourceType, String resourceId) {
        return audit.record(AuditEntry.of(actor, clock.instant(), action, resourceType, resourceId, Outcome.SUCCESS));
    }
}
