package app.hearth.care.notes;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.ScheduleProblems;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.care.CareEvents;
import app.hearth.care.CareProblems;
import app.hearth.care.notes.NoteModel.Addendum;
import app.hearth.care.notes.NoteModel.AddendumView;
import app.hearth.care.notes.NoteModel.AttendeeEdit;
import app.hearth.care.notes.NoteModel.AttendeePart;
import app.hearth.care.notes.NoteModel.ListItem;
import app.hearth.care.notes.NoteModel.NoteEdit;
import app.hearth.care.notes.NoteModel.NoteMeta;
import app.hearth.care.notes.NoteModel.NoteView;
import app.hearth.care.notes.NoteModel.PersonRef;
import app.hearth.care.notes.NoteModel.Status;
import app.hearth.care.notes.NoteModel.StoredNote;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.problem.ProblemException;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Clinical notes, one per remote appointment (docs/adr/0018). The appointment's therapists write
 * it; it is read by them and by the assigned therapist of its patient — for a circle, by the
 * assigned therapist of each seated attendee, who sees the group sections and only their own
 * patient's part. Patients and admins are refused by role (403 for any id); anyone else gets the
 * answer for a made-up id. Draft → signed (locked); what changes afterwards is an addendum. Every
 * read and write, and every refusal, is audited with identifiers only; nothing clinical is logged.
 */
public final class NotesService {

    /** How far ahead of now a booked start may be for a session that was ended early (rooms open minutes before). */
    private static final java.time.Duration EARLY_END_LOOKAHEAD = java.time.Duration.ofHours(2);

    private final NotesStore notes;
    private final ScheduleStore schedule;
    private final PersonRepository people;
    private final CareEvents events;
    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;
    /** Store pool and audit for every read and write of the record. */
    private final app.hearth.care.AuditedWork audited;

    public NotesService(NotesStore notes, ScheduleStore schedule, PersonRepository people, CareEvents events, AuditLog audit,
                        Blocking store, Clock clock) {
        this.notes = notes;
        this.schedule = schedule;
        this.people = people;
        this.events = events;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
        this.audited = new app.hearth.care.AuditedWork(audit, store, clock);
    }

    /**
     * One therapist's view of an appointment's note: whether they treat it, its 1:1 patient, the
     * circle's seated attendees and the ones whose part this reader may see.
     */
    private record Reading(Appointment appointment, NoteTemplates.Template template, boolean treating, Person patient,
                           List<Person> seated, List<Person> visible) {
        boolean circle() {
            return appointment.type() == AppointmentType.CIRCLE;
        }
    }

    // ------------------------------------------------------------------ one note

    public Future<NoteView> note(Actor actor, String appointmentId) {
        return audited(actor, "care.note.read", appointmentId, () -> {
            Reading r = reading(actor, appointmentId);
            return view(actor, r, notes.find(actor.clinicId(), appointmentId).orElse(null));
        });
    }

    /** A treating therapist saves the draft, if nobody saved or signed it since {@code edit.version()}. */
    public Future<NoteView> save(Actor actor, String appointmentId, NoteEdit edit) {
        return audited(actor, "care.note.update", appointmentId, () -> {
            Reading r = writer(actor, appointmentId);
            Map<String, String> sections = clean(edit.sections(), r.template()::hasSection, "sections");
            Map<String, Map<String, String>> parts = attendeeParts(r, edit.attendees());
            String clinicId = actor.clinicId();
            Optional<StoredNote> before = notes.find(clinicId, appointmentId);
            if (before.isPresent() && before.get().status() == Status.SIGNED) {
                throw NoteProblems.NOTE_SIGNED.exception(null);
            }
            long current = before.map(StoredNote::version).orElse(0L);
            if (edit.version() != current) {
                throw NoteProblems.NOTE_CHANGED.exception("Now at version " + current, "version");
            }
            // parts not named in this save stay as they were (also of attendees no longer seated)
            Map<String, Map<String, String>> attendees = new LinkedHashMap<>(before.map(StoredNote::attendees).orElse(Map.of()));
            parts.forEach((patientId, part) -> {
                if (part.isEmpty()) {
                    attendees.remove(patientId);
                } else {
                    attendees.put(patientId, part);
                }
            });
            Instant now = now();
            boolean saved = current == 0
                    ? notes.insertDraft(clinicId, appointmentId, sections, attendees, actor.personId(), now)
                    : notes.updateDraft(clinicId, appointmentId, current, sections, attendees, actor.personId(), now);
            if (!saved) {
                throw lostRace(clinicId, appointmentId);
            }
            changed(r);
            return view(actor, r, notes.find(clinicId, appointmentId).orElseThrow());
        });
    }

    /** A treating therapist signs the draft they read at {@code version}; afterwards it is locked. */
    public Future<NoteView> sign(Actor actor, String appointmentId, long version) {
        return audited(actor, "care.note.sign", appointmentId, () -> {
            Reading r = writer(actor, appointmentId);
            String clinicId = actor.clinicId();
            StoredNote note = notes.find(clinicId, appointmentId).orElseThrow(() -> NoteProblems.NOTE_EMPTY.exception(null));
            if (note.status() == Status.SIGNED) {
                throw NoteProblems.NOTE_SIGNED.exception(null);
            }
            if (note.version() != version) {
                throw NoteProblems.NOTE_CHANGED.exception("Now at version " + note.version(), "version");
            }
            if (!note.hasText()) {
                throw NoteProblems.NOTE_EMPTY.exception(null);
            }
            if (!notes.sign(clinicId, appointmentId, version, actor.personId(), now())) {
                throw lostRace(clinicId, appointmentId);
            }
            changed(r);
            return view(actor, r, notes.find(clinicId, appointmentId).orElseThrow());
        });
    }

    /** Anyone who may read the note adds to it once it is signed. */
    public Future<AddendumView> addAddendum(Actor actor, String appointmentId, String text) {
        return audited(actor, "care.note.addendum.create", appointmentId, () -> {
            Reading r = reading(actor, appointmentId);
            if (text == null || text.isBlank()) {
                throw CommonProblems.INVALID_REQUEST.exception("Write something", "text");
            }
            if (text.length() > NoteModel.ADDENDUM_TEXT_MAX) {
                throw CareProblems.TEXT_TOO_LONG.exception("At most " + NoteModel.ADDENDUM_TEXT_MAX + " characters", "text");
            }
            Addendum addendum = new Addendum(OpaqueTokens.newId(), text, actor.personId(), now());
            if (!notes.addAddendum(actor.clinicId(), appointmentId, addendum)) {
                throw NoteProblems.NOTE_NOT_SIGNED.exception(null);
            }
            changed(r);
            return new AddendumView(addendum.id(), addendum.text(), new Names(actor.clinicId()).ref(actor.personId()), addendum.at());
        });
    }

    // ------------------------------------------------------------------ the patient's notes

    /**
     * Every remote, booked appointment of the patient that has started (circles they were seated in
     * included), newest first, with its note's status. The patient's assigned therapist sees all of
     * them; another therapist only those they treated (and 404 when there are none, as for a
     * made-up id). Nothing is opened.
     */
    public Future<List<ListItem>> list(Actor actor, String patientId) {
        return audited(actor, "care.notes.list", patientId, () -> {
            therapistOnly(actor);
            String clinicId = actor.clinicId();
            Person patient = patientId == null ? null : people.findInClinic(clinicId, patientId).filter(Person::isPatient).orElse(null);
            if (patient == null) {
                throw CareProblems.PATIENT_NOT_FOUND.exception(null);
            }
            String me = actor.personId();
            boolean assigned = patient.isAssignedTo(me);
            Instant now = now();
            // a session its host ended early (joined before its booked start) is written up at once too
            List<Appointment> started = schedule.between(clinicId, Instant.EPOCH, now.plus(EARLY_END_LOOKAHEAD), null, patientId, false)
                    .stream()
                    .filter(a -> a.type().remote() && a.status() == Appointment.Status.BOOKED
                            && (!a.start().isAfter(now) || a.sessionEndedAt() != null))
                    .filter(a -> a.type() != AppointmentType.CIRCLE || a.attendees().stream()
                            .anyMatch(x -> x.patientId().equals(patientId) && x.state() == Appointment.AttendeeState.SEATED))
                    .filter(a -> assigned || a.therapistIds().contains(me))
                    .sorted(Comparator.comparing(Appointment::start).reversed())
                    .toList();
            if (!assigned && started.isEmpty()) {
                throw CareProblems.PATIENT_NOT_FOUND.exception(null);
            }
            Map<String, NoteMeta> meta = notes.meta(clinicId, started.stream().map(Appointment::id).toList());
            Names names = new Names(clinicId);
            return started.stream().map(a -> {
                NoteMeta m = meta.get(a.id());
                return m == null ? new ListItem(a, Status.EMPTY, null, null)
                        : new ListItem(a, m.status(), m.signedAt(), names.ref(m.createdBy()));
            }).toList();
        });
    }

    // ------------------------------------------------------------------ who reads what

    private static void therapistOnly(Actor actor) {
        if (!actor.is(Role.THERAPIST)) {
            throw NoteProblems.CLINICAL_NOTES_NOT_ALLOWED.exception(null);
        }
    }

    /** Resolves what this caller may read of the note, or refuses: 403 by role, 404 not theirs, 409 no note. */
    private Reading reading(Actor actor, String appointmentId) {
        therapistOnly(actor);
        String clinicId = actor.clinicId();
        Appointment a = schedule.find(clinicId, appointmentId)
                .orElseThrow(() -> ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null));
        String me = actor.personId();
        boolean treating = a.therapistIds().contains(me);
        Person patient = null;
        List<Person> seated = new ArrayList<>();
        List<Person> visible = new ArrayList<>();
        if (a.type() == AppointmentType.CIRCLE) {
            for (Appointment.Attendee attendee : a.attendees()) {
                if (attendee.state() == Appointment.AttendeeState.SEATED) {
                    people.findInClinic(clinicId, attendee.patientId()).ifPresent(seated::add);
                }
            }
            // an attendee's part: the circle's therapists and that attendee's own therapist, never another's
            seated.stream().filter(p -> treating || p.isAssignedTo(me)).forEach(visible::add);
            if (!treating && visible.isEmpty()) {
                throw ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null);
            }
        } else {
            patient = a.patientId() == null ? null : people.findInClinic(clinicId, a.patientId()).orElse(null);
            if (!treating && (patient == null || !patient.isAssignedTo(me))) {
                throw ScheduleProblems.APPOINTMENT_NOT_FOUND.exception(null);
            }
        }
        if (a.status() == Appointment.Status.CANCELLED) {
            throw NoteProblems.NOTE_NOT_APPLICABLE.exception("The appointment was cancelled");
        }
        NoteTemplates.Template template = NoteTemplates.of(a.type())
                .orElseThrow(() -> NoteProblems.NOTE_NOT_APPLICABLE.exception("A dosing's record is its dosing record"));
        return new Reading(a, template, treating, patient, List.copyOf(seated), List.copyOf(visible));
    }

    /** As {@link #reading}, and only the appointment's own therapists write (a reader who is not one: 403). */
    private Reading writer(Actor actor, String appointmentId) {
        Reading r = reading(actor, appointmentId);
        if (!r.treating()) {
            throw CommonProblems.FORBIDDEN.exception("Only the appointment's therapists write and sign its note");
        }
        return r;
    }

    // ------------------------------------------------------------------ input

    /** The texts in template order; blank ones dropped (they clear the section). */
    private static Map<String, String> clean(Map<String, String> given, Predicate<String> known, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        if (given == null) {
            return out;
        }
        for (Map.Entry<String, String> e : given.entrySet()) {
            String field = prefix + "." + e.getKey();
            if (!known.test(e.getKey())) {
                throw NoteProblems.INVALID_NOTE.exception("No such section in this note's template", field);
            }
            String text = e.getValue();
            if (text != null && text.length() > NoteModel.SECTION_TEXT_MAX) {
                throw CareProblems.TEXT_TOO_LONG.exception("At most " + NoteModel.SECTION_TEXT_MAX + " characters", field);
            }
            if (text != null && !text.isBlank()) {
                out.put(e.getKey(), text);
            }
        }
        return out;
    }

    /** The attendee parts of this save by patient id (an empty part clears it); only seated attendees of a circle. */
    private static Map<String, Map<String, String>> attendeeParts(Reading r, List<AttendeeEdit> edits) {
        Map<String, Map<String, String>> parts = new LinkedHashMap<>();
        if (edits == null || edits.isEmpty()) {
            return parts;
        }
        if (!r.circle()) {
            throw NoteProblems.INVALID_NOTE.exception("Only a circle's note has attendee parts", "attendees");
        }
        Set<String> seated = new HashSet<>();
        r.seated().forEach(p -> seated.add(p.id()));
        for (int i = 0; i < edits.size(); i++) {
            AttendeeEdit edit = edits.get(i);
            if (edit.patientId() == null || !seated.contains(edit.patientId()) || parts.containsKey(edit.patientId())) {
                throw NoteProblems.INVALID_NOTE.exception("Not a seated attendee of this circle (or named twice)",
                        "attendees." + i + ".patientId");
            }
            parts.put(edit.patientId(), clean(edit.sections(), r.template()::hasAttendeeSection, "attendees." + i + ".sections"));
        }
        return parts;
    }

    /** A conditional write found the note changed under it: signed by someone, or saved since. */
    private ProblemException lostRace(String clinicId, String appointmentId) {
        Optional<StoredNote> now = notes.find(clinicId, appointmentId);
        if (now.isPresent() && now.get().status() == Status.SIGNED) {
            return NoteProblems.NOTE_SIGNED.exception(null);
        }
        return NoteProblems.NOTE_CHANGED.exception("Now at version " + now.map(StoredNote::version).orElse(0L), "version");
    }

    // ------------------------------------------------------------------ views and events

    private NoteView view(Actor actor, Reading r, StoredNote note) {
        Names names = new Names(actor.clinicId());
        Status status = note == null ? Status.EMPTY : note.status();
        List<AttendeePart> attendees = new ArrayList<>();
        for (Person p : r.visible()) {
            Map<String, String> part = note == null ? Map.of() : note.attendees().getOrDefault(p.id(), Map.of());
            attendees.add(new AttendeePart(names.remember(p), ordered(part, r.template().attendeeSections())));
        }
        List<AddendumView> addenda = note == null ? List.of() : note.addenda().stream()
                .map(a -> new AddendumView(a.id(), a.text(), names.ref(a.authorId()), a.at())).toList();
        return new NoteView(r.appointment(), status, r.template(),
                note == null ? Map.of() : ordered(note.sections(), r.template().sections()), List.copyOf(attendees),
                r.patient() == null ? null : names.remember(r.patient()), note == null ? 0 : note.version(),
                note == null ? null : names.ref(note.createdBy()), note == null ? null : note.updatedAt(),
                note == null ? null : note.signedAt(), note == null ? null : names.ref(note.signedBy()), addenda,
                r.treating() && status != Status.SIGNED, r.treating() && status == Status.DRAFT, status == Status.SIGNED);
    }

    private static Map<String, String> ordered(Map<String, String> texts, List<NoteTemplates.Section> order) {
        Map<String, String> out = new LinkedHashMap<>();
        for (NoteTemplates.Section s : order) {
            if (texts.containsKey(s.key())) {
                out.put(s.key(), texts.get(s.key()));
            }
        }
        return out;
    }

    /** The note's patients' records changed: their therapists (never the patients) re-read. */
    private void changed(Reading r) {
        String clinicId = r.appointment().clinicId();
        List<Person> patients = r.circle() ? r.seated() : r.patient() == null ? List.of() : List.of(r.patient());
        for (Person p : patients) {
            Set<String> therapists = new LinkedHashSet<>(r.appointment().therapistIds());
            therapists.addAll(p.therapistIds());
            events.recordChanged(clinicId, p.id(), "notes", List.copyOf(therapists));
        }
    }

    /** Display names of the people a view names, each looked up once. */
    private final class Names {
        private final String clinicId;
        private final Map<String, PersonRef> known = new HashMap<>();

        Names(String clinicId) {
            this.clinicId = clinicId;
        }

        PersonRef remember(Person p) {
            PersonRef ref = new PersonRef(p.id(), p.displayName());
            known.put(p.id(), ref);
            return ref;
        }

        PersonRef ref(String id) {
            if (id == null) {
                return null;
            }
            return known.computeIfAbsent(id, key -> new PersonRef(key,
                    people.findInClinic(clinicId, key).map(Person::displayName).orElse(null)));
        }
    }

    // ------------------------------------------------------------------ helpers

    private <T> Future<T> audited(Actor actor, String action, String resourceId, Callable<T> work) {
        return audited.run(actor, action, "care.note", resourceId, work);
    }

    private Instant now() {
        return audited.now();
    }
}
