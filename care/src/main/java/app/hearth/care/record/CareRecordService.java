package app.hearth.care.record;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.DosingRecord;
import app.hearth.booking.schedule.DosingRecords;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.care.CareAccess;
import app.hearth.care.CareEvents;
import app.hearth.care.CareProblems;
import app.hearth.care.record.RecordModel.AcceptanceView;
import app.hearth.care.record.RecordModel.Accepted;
import app.hearth.care.record.RecordModel.ConsentAcceptance;
import app.hearth.care.record.RecordModel.ConsentText;
import app.hearth.care.record.RecordModel.Course;
import app.hearth.care.record.RecordModel.Intake;
import app.hearth.care.record.RecordModel.IntakeView;
import app.hearth.care.record.RecordModel.Intentions;
import app.hearth.care.record.RecordModel.JournalChange;
import app.hearth.care.record.RecordModel.JournalEntry;
import app.hearth.care.record.RecordModel.NewJournalEntry;
import app.hearth.care.record.RecordModel.PatientConsents;
import app.hearth.care.record.RecordModel.TimelineItem;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
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
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The patient's record: intake, consents, intentions, journal and the course that ties them to the
 * sessions. Who may see what is {@link CareAccess}'s; every read and write, and every refusal, is
 * audited with identifiers only. Nothing clinical is logged.
 */
public final class CareRecordService {

    /** How far ahead the course's timeline reaches (booking's own horizon is shorter). */
    private static final Duration TIMELINE_AHEAD = Duration.ofDays(3650);

    private final RecordStore records;
    private final CareAccess access;
    private final ScheduleStore schedule;
    private final DosingRecords dosings;
    private final PersonRepository people;
    private final CareEvents events;
    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;
    /** Store pool and audit for every read and write of the record. */
    private final app.hearth.care.AuditedWork audited;

    public CareRecordService(RecordStore records, CareAccess access, ScheduleStore schedule, DosingRecords dosings,
                             PersonRepository people, CareEvents events, AuditLog audit, Blocking store, Clock clock) {
        this.records = records;
        this.access = access;
        this.schedule = schedule;
        this.dosings = dosings;
        this.people = people;
        this.events = events;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
        this.audited = new app.hearth.care.AuditedWork(audit, store, clock);
    }

    // ------------------------------------------------------------------ intake

    public Future<IntakeView> intake(Actor actor, String patientId) {
        return audited(actor, "care.intake.read", "care.intake", patientId, () -> {
            CareAccess.Scope scope = access.content(actor, patientId);
            return intakeView(records.intake(actor.clinicId(), patientId), IntakeLock.editableUntil(appointmentsOf(scope.patient())));
        });
    }

    public Future<IntakeView> saveIntake(Actor actor, String patientId, Map<String, String> answers) {
        return audited(actor, "care.intake.update", "care.intake", patientId, () -> {
            Map<String, String> clean = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : answers.entrySet()) {
                if (!RecordModel.INTAKE_FIELDS.contains(e.getKey())) {
                    throw CommonProblems.INVALID_REQUEST.exception("Unknown question", "answers." + e.getKey());
                }
                if (e.getValue() != null && !e.getValue().isBlank()) {
                    clean.put(e.getKey(), limit(e.getValue(), RecordModel.INTAKE_ANSWER_MAX, "answers." + e.getKey()));
                }
            }
            CareAccess.Scope scope = access.patientOnly(actor, patientId);
            Optional<Instant> until = IntakeLock.editableUntil(appointmentsOf(scope.patient()));
            if (!IntakeLock.editable(until, now())) {
                throw RecordProblems.INTAKE_LOCKED.exception("It closed at " + until.orElseThrow());
            }
            records.saveIntake(actor.clinicId(), patientId, clean, now());
            changed(scope, "intake");
            return intakeView(records.intake(actor.clinicId(), patientId), until);
        });
    }

    private IntakeView intakeView(Optional<Intake> intake, Optional<Instant> until) {
        return new IntakeView(intake.isPresent(), intake.map(Intake::answers).orElse(Map.of()),
                intake.map(Intake::updatedAt).orElse(null), IntakeLock.editable(until, now()), until.orElse(null));
    }

    // ------------------------------------------------------------------ consents

    /** The clinic's current consent texts: the clinic's published wording, readable by every role. */
    public Future<List<ConsentText>> consentTexts(Actor actor) {
        return store.run(() -> List.copyOf(records.currentConsents(actor.clinicId()).values()));
    }

    /** An admin publishes the next version of a kind; every patient's acceptance of it is due again. */
    public Future<ConsentText> publishConsent(Actor actor, String kind, String title, String text) {
        return audited(actor, "care.consent-text.publish", "care.consent-text", kind, () -> {
            if (!actor.is(Role.ADMIN)) {
                throw CommonProblems.FORBIDDEN.exception("Clinic admins publish consent texts");
            }
            if (!RecordModel.CONSENT_KINDS.contains(kind)) {
                throw CommonProblems.INVALID_REQUEST.exception("Consent kinds are treatment and telehealth", "kind");
            }
            String cleanTitle = required(title, RecordModel.CONSENT_TITLE_MAX, "title");
            String cleanText = required(text, RecordModel.CONSENT_TEXT_MAX, "text");
            for (int attempt = 0; attempt < 5; attempt++) {
                ConsentText previous = records.currentConsents(actor.clinicId()).get(kind);
                ConsentText next = new ConsentText(kind, previous == null ? 1 : previous.version() + 1, cleanTitle, cleanText,
                        now(), actor.personId());
                if (records.insertConsent(actor.clinicId(), next)) {
                    return next;
                }
            }
            throw CommonProblems.CONFLICT.exception("Another version was published at the same time; try again");
        });
    }

    /** Seeds version 1 of a text when the clinic has none of that kind (the demo clinic's; safe on every start). */
    public void seedConsentIfAbsent(String clinicId, String kind, String title, String text) {
        if (!records.currentConsents(clinicId).containsKey(kind)) {
            records.insertConsent(clinicId, new ConsentText(kind, 1, title, text, now(), "seed"));
        }
    }

    /** What the patient accepted and what is due; admins may read it (no clinical content). */
    public Future<PatientConsents> consents(Actor actor, String patientId) {
        return audited(actor, "care.consents.read", "care.consents", patientId, () -> {
            access.scope(actor, patientId);
            return patientConsents(actor.clinicId(), patientId);
        });
    }

    public Future<Accepted> accept(Actor actor, String patientId, String kind, int version) {
        return audited(actor, "care.consent.accept", "care.consents", patientId, () -> {
            access.patientOnly(actor, patientId);
            ConsentText current = records.currentConsents(actor.clinicId()).get(kind);
            if (current == null || current.version() != version) {
                throw RecordProblems.CONSENT_VERSION_OUTDATED.exception(current == null ? "The clinic has no such text"
                        : "The current version is " + current.version(), "version");
            }
            return records.accept(actor.clinicId(), patientId, kind, version, now());
        });
    }

    private PatientConsents patientConsents(String clinicId, String patientId) {
        Map<String, ConsentText> current = records.currentConsents(clinicId);
        List<ConsentAcceptance> accepted = records.acceptances(clinicId, patientId);
        List<AcceptanceView> items = accepted.stream().map(a -> new AcceptanceView(a.kind(), a.version(), a.acceptedAt(),
                current.containsKey(a.kind()) && current.get(a.kind()).version() == a.version())).toList();
        List<ConsentText> due = current.values().stream().filter(text -> items.stream()
                .noneMatch(a -> a.current() && a.kind().equals(text.kind()))).toList();
        return new PatientConsents(items, due);
    }

    // ------------------------------------------------------------------ intentions

    public Future<Intentions> intentions(Actor actor, String patientId) {
        return audited(actor, "care.intentions.read", "care.intentions", patientId, () -> {
            access.content(actor, patientId);
            return records.intentions(actor.clinicId(), patientId);
        });
    }

    /** The patient or their therapist replaces the intentions, if nobody changed them since {@code version}. */
    public Future<Intentions> saveIntentions(Actor actor, String patientId, List<String> items, long version) {
        return audited(actor, "care.intentions.update", "care.intentions", patientId, () -> {
            if (items.size() > RecordModel.INTENTIONS_MAX_ITEMS) {
                throw CommonProblems.INVALID_REQUEST.exception("At most " + RecordModel.INTENTIONS_MAX_ITEMS + " intentions", "items");
            }
            List<String> clean = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                String text = required(items.get(i), RecordModel.INTENTION_MAX, "items." + i + ".text");
                clean.add(text);
            }
            CareAccess.Scope scope = access.content(actor, patientId);
            if (!records.saveIntentions(actor.clinicId(), patientId, clean, version, actor.personId(), actor.role().wire(),
                    now())) {
                throw RecordProblems.INTENTIONS_CHANGED.exception("Now at version " + records.intentions(actor.clinicId(), patientId).version(),
                        "version");
            }
            changed(scope, "intentions");
            return records.intentions(actor.clinicId(), patientId);
        });
    }

    // ------------------------------------------------------------------ journal

    /** The patient reads all their entries; their therapist the shared ones. Newest first. */
    public Future<List<JournalEntry>> journal(Actor actor, String patientId) {
        return audited(actor, "care.journal.read", "care.journal", patientId, () -> {
            CareAccess.Scope scope = access.content(actor, patientId);
            return records.journal(actor.clinicId(), patientId, !scope.byPatient());
        });
    }

    /** One entry; to the therapist an unshared entry does not exist. */
    public Future<JournalEntry> journalEntry(Actor actor, String patientId, String entryId) {
        return audited(actor, "care.journal.read", "care.journal", patientId, () -> {
            CareAccess.Scope scope = access.content(actor, patientId);
            return records.journalEntry(actor.clinicId(), patientId, entryId)
                    .filter(e -> scope.byPatient() || e.shared())
                    .orElseThrow(() -> RecordProblems.JOURNAL_ENTRY_NOT_FOUND.exception(null));
        });
    }

    public Future<JournalEntry> writeJournal(Actor actor, String patientId, NewJournalEntry entry) {
        return audited(actor, "care.journal.create", "care.journal", patientId, () -> {
            String text = required(entry.text(), RecordModel.JOURNAL_TEXT_MAX, "text");
            String prompt = entry.prompt() == null || entry.prompt().isBlank() ? null
                    : limit(entry.prompt(), RecordModel.JOURNAL_PROMPT_MAX, "prompt");
            CareAccess.Scope scope = access.patientOnly(actor, patientId);
            if (entry.appointmentId() != null && schedule.find(actor.clinicId(), entry.appointmentId())
                    .filter(a -> a.involves(patientId)).isEmpty()) {
                throw CommonProblems.INVALID_REQUEST.exception("Not one of your appointments", "appointmentId");
            }
            Instant now = now();
            JournalEntry created = new JournalEntry(OpaqueTokens.newId(), patientId, text, prompt, entry.appointmentId(), now, now,
                    entry.shared(), entry.shared() ? now : null);
            records.insertJournal(actor.clinicId(), created);
            if (created.shared()) {
                changed(scope, "journal");
            }
            return created;
        });
    }

    /** The patient shares, unshares or rewrites an entry. */
    public Future<JournalEntry> changeJournal(Actor actor, String patientId, String entryId, JournalChange change) {
        return audited(actor, "care.journal.update", "care.journal", patientId, () -> {
            String text = change.text() == null ? null : required(change.text(), RecordModel.JOURNAL_TEXT_MAX, "text");
            CareAccess.Scope scope = access.patientOnly(actor, patientId);
            JournalEntry before = records.journalEntry(actor.clinicId(), patientId, entryId)
                    .orElseThrow(() -> RecordProblems.JOURNAL_ENTRY_NOT_FOUND.exception(null));
            Instant now = now();
            boolean shared = change.shared() == null ? before.shared() : change.shared();
            Instant sharedAt = !shared ? null : before.shared() ? before.sharedAt() : now;
            JournalEntry after = new JournalEntry(before.id(), patientId, text == null ? before.text() : text, before.prompt(),
                    before.appointmentId(), before.createdAt(), now, shared, sharedAt);
            records.updateJournal(actor.clinicId(), after);
            if (before.shared() || after.shared()) {
                changed(scope, "journal");
            }
            return after;
        });
    }

    // ------------------------------------------------------------------ course

    /** The course page: sessions, dosing records (staff), what is due, counts; the prompt for the patient. */
    public Future<Course> course(Actor actor, String patientId) {
        return audited(actor, "care.course.read", "care.course", patientId, () -> {
            CareAccess.Scope scope = access.scope(actor, patientId);
            Person patient = scope.patient();
            String clinicId = actor.clinicId();
            List<Appointment> appointments = schedule.between(clinicId, Instant.EPOCH, now().plus(TIMELINE_AHEAD), null,
                    patientId, true);
            Map<String, DosingRecord> recorded = dosings.findAll(clinicId, appointments.stream()
                    .filter(a -> a.type() == AppointmentType.DOSING).map(Appointment::id).toList());
            boolean staff = !actor.is(Role.PATIENT);
            List<TimelineItem> timeline = appointments.stream()
                    .map(a -> new TimelineItem(a, staff ? recorded.get(a.id()) : null)).toList();
            Optional<Instant> until = IntakeLock.editableUntil(appointments);
            List<RecordStore.JournalMeta> entries = records.journalMeta(clinicId, patientId);
            JournalPrompts.Prompt prompt = scope.byPatient()
                    ? JournalPrompts.choose(moments(appointments, recorded), entries.stream().map(RecordStore.JournalMeta::createdAt).toList(),
                    now()).orElse(null)
                    : null;
            String therapistName = patient.therapistId() == null ? null
                    : people.findInClinic(clinicId, patient.therapistId()).map(Person::displayName).orElse(null);
            return new Course(patient, therapistName, timeline, records.intake(clinicId, patientId).isPresent(), until.orElse(null),
                    patientConsents(clinicId, patientId).due(), entries.size(),
                    (int) entries.stream().filter(RecordStore.JournalMeta::shared).count(), prompt);
        });
    }

    private List<JournalPrompts.Moment> moments(List<Appointment> appointments, Map<String, DosingRecord> recorded) {
        List<JournalPrompts.Moment> moments = new ArrayList<>();
        Instant now = now();
        for (Appointment a : appointments) {
            if (a.status() != Appointment.Status.BOOKED) {
                continue;
            }
            DosingRecord r = recorded.get(a.id());
            if (a.type() == AppointmentType.DOSING && r != null && r.attended() && r.endedAt() != null) {
                moments.add(new JournalPrompts.Moment(a.id(), JournalPrompts.Moment.Kind.DOSING, r.endedAt(), null));
            } else if (a.type() == AppointmentType.INTEGRATION && !endOf(a).isAfter(now)) {
                DosingRecord dosing = a.dosingAppointmentId() == null ? null : recorded.get(a.dosingAppointmentId());
                moments.add(new JournalPrompts.Moment(a.id(), JournalPrompts.Moment.Kind.INTEGRATION, endOf(a),
                        dosing == null ? null : dosing.endedAt()));
            }
        }
        return moments;
    }

    // ------------------------------------------------------------------ helpers

    /** When a session was over: its booked end, or earlier when its host ended it for everyone. */
    private static Instant endOf(Appointment a) {
        return a.sessionEndedAt() != null && a.sessionEndedAt().isBefore(a.end()) ? a.sessionEndedAt() : a.end();
    }

    private List<Appointment> appointmentsOf(Person patient) {
        return schedule.between(patient.clinicId(), Instant.EPOCH, now().plus(TIMELINE_AHEAD), null, patient.id(), false);
    }

    private void changed(CareAccess.Scope scope, String record) {
        List<String> recipients = new ArrayList<>();
        recipients.add(scope.patient().id());
        recipients.addAll(scope.therapistIds());
        events.recordChanged(scope.patient().clinicId(), scope.patient().id(), record, List.copyOf(recipients));
    }

    private <T> Future<T> audited(Actor actor, String action, String resourceType, String patientId, Callable<T> work) {
        return audited.run(actor, action, resourceType, patientId, work);
    }

    private Instant now() {
        return audited.now();
    }

    private static String required(String value, int max, String field) {
        if (value == null || value.isBlank()) {
            throw CommonProblems.INVALID_REQUEST.exception("Write something", field);
        }
        return limit(value, max, field);
    }

    private static String limit(String value, int max, String field) {
        if (value.length() > max) {
            throw CareProblems.TEXT_TOO_LONG.exception("At most " + max + " characters", field);
        }
        return value;
    }
}
