package app.hearth.care.aftercare;

import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.DosingRecord;
import app.hearth.booking.schedule.DosingRecords;
import app.hearth.care.CareAccess;
import app.hearth.care.CareEvents;
import app.hearth.care.CareProblems;
import app.hearth.care.aftercare.AftercareModel.Completion;
import app.hearth.care.aftercare.AftercareModel.NewCompletion;
import app.hearth.care.aftercare.AftercareModel.NewPractice;
import app.hearth.care.aftercare.AftercareModel.Occurrence;
import app.hearth.care.aftercare.AftercareModel.Plan;
import app.hearth.care.aftercare.AftercareModel.Practice;
import app.hearth.care.aftercare.AftercareModel.PracticeChange;
import app.hearth.care.aftercare.AftercareModel.PracticeView;
import app.hearth.care.aftercare.AftercareModel.Resource;
import app.hearth.care.aftercare.AftercareModel.ResourceDraft;
import app.hearth.care.aftercare.AftercareModel.Resume;
import app.hearth.care.aftercare.AftercareModel.Schedule;
import app.hearth.care.aftercare.AftercareModel.TodayItem;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The aftercare plan between sessions (issue 12): practices from the exercise library on a schedule,
 * what the patient recorded, where they stopped playing, and the clinic's resources. Who may see a
 * plan is {@link CareAccess}'s (the patient and their therapist; admins 403, anyone else 404); the
 * therapist writes the plan, the patient records it. Every read and write, and every refusal, is
 * audited with identifiers only; nothing clinical is logged. Dates are the clinic's local dates
 * ({@link PracticeSchedule}).
 */
public final class AftercareService {

    private final AftercareStore records;
    private final CareAccess access;
    private final PracticeCatalog catalog;
    private final DosingRecords dosings;
    private final ClinicRepository clinics;
    private final PersonRepository people;
    private final CareEvents events;
    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;
    /** Store pool and audit for every read and write of the record. */
    private final app.hearth.care.AuditedWork audited;

    public AftercareService(AftercareStore records, CareAccess access, PracticeCatalog catalog, DosingRecords dosings,
                            ClinicRepository clinics, PersonRepository people, CareEvents events, AuditLog audit, Blocking store,
                            Clock clock) {
        this.records = records;
        this.access = access;
        this.catalog = catalog;
        this.dosings = dosings;
        this.clinics = clinics;
        this.people = people;
        this.events = events;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
        this.audited = new app.hearth.care.AuditedWork(audit, store, clock);
    }

    // ------------------------------------------------------------------ the plan

    public Future<Plan> plan(Actor actor, String patientId) {
        return audited(actor, "care.aftercare.read", "care.aftercare", patientId, () -> {
            CareAccess.Scope scope = access.content(actor, patientId);
            return plan(scope);
        });
    }

    /** The therapist assigns an exercise from their library on a schedule. */
    public Future<PracticeView> assign(Actor actor, String patientId, NewPractice request) {
        return audited(actor, "care.aftercare.practice.create", "care.aftercare", patientId, () -> {
            String instructions = optionalText(request.instructions(), AftercareModel.INSTRUCTIONS_MAX, "instructions");
            CareAccess.Scope scope = therapist(actor, patientId);
            PracticeSchedule calendar = calendar(actor.clinicId());
            Schedule schedule = calendar.validate(request.schedule());
            PracticeCatalog.ExerciseSummary exercise = catalog.assignable(actor, request.exerciseId())
                    .orElseThrow(() -> AftercareProblems.UNKNOWN_EXERCISE.exception(null, "exerciseId"));
            Practice practice = new Practice(OpaqueTokens.newId(), patientId, exercise, schedule, instructions, actor.personId(), now(),
                    null, null);
            records.insertPractice(actor.clinicId(), practice);
            changed(scope);
            return view(scope, calendar, practice);
        });
    }

    /** The therapist changes the schedule or the instructions, or ends the practice (for good). */
    public Future<PracticeView> change(Actor actor, String patientId, String practiceId, PracticeChange change) {
        return audited(actor, "care.aftercare.practice.update", "care.aftercare", patientId, () -> {
            String instructions = change.instructionsGiven()
                    ? optionalText(change.instructions(), AftercareModel.INSTRUCTIONS_MAX, "instructions") : null;
            CareAccess.Scope scope = therapist(actor, patientId);
            PracticeSchedule calendar = calendar(actor.clinicId());
            Practice before = practice(actor, patientId, practiceId);
            Schedule schedule = change.schedule() == null ? before.schedule() : calendar.validate(change.schedule());
            Instant endedAt = before.ended() ? before.endedAt() : change.end() ? now() : null;
            Practice after = new Practice(before.id(), patientId, before.exercise(), schedule,
                    change.instructionsGiven() ? instructions : before.instructions(), before.assignedBy(), before.assignedAt(), endedAt,
                    before.resume());
            records.updatePractice(actor.clinicId(), after);
            changed(scope);
            return view(scope, calendar, after);
        });
    }

    /** The therapist sets which of the clinic's resources the patient's plan shows. */
    public Future<Plan> assignResources(Actor actor, String patientId, List<String> resourceIds) {
        return audited(actor, "care.aftercare.resources.update", "care.aftercare", patientId, () -> {
            if (resourceIds.size() > AftercareModel.RESOURCES_MAX) {
                throw CommonProblems.INVALID_REQUEST.exception("At most " + AftercareModel.RESOURCES_MAX + " resources", "resourceIds");
            }
            CareAccess.Scope scope = therapist(actor, patientId);
            List<String> ids = List.copyOf(new LinkedHashSet<>(resourceIds));
            Map<String, Resource> live = records.liveResources(actor.clinicId(), ids);
            for (String id : ids) {
                if (!live.containsKey(id)) {
                    throw AftercareProblems.UNKNOWN_RESOURCE.exception(null, "resourceIds." + resourceIds.indexOf(id));
                }
            }
            records.assignResources(actor.clinicId(), patientId, ids, actor.personId(), now());
            changed(scope);
            return plan(scope);
        });
    }

    /** The exercise of a practice, to play alone: the same definition a room gets, even if archived since. */
    public Future<JsonObject> exercise(Actor actor, String patientId, String practiceId) {
        return audited(actor, "care.aftercare.exercise.read", "care.aftercare", patientId, () -> {
            access.content(actor, patientId);
            Practice practice = practice(actor, patientId, practiceId);
            return catalog.definition(actor.clinicId(), practice.exercise().id())
                    .orElseThrow(() -> AftercareProblems.PRACTICE_NOT_FOUND.exception("Its exercise was removed"));
        });
    }

    /** The patient's resume point for a practice (last write wins). */
    public Future<Void> progress(Actor actor, String patientId, String practiceId, String date, long positionMs) {
        return audited(actor, "care.aftercare.progress.update", "care.aftercare", patientId, () -> {
            LocalDate day = date(date, "date");
            if (positionMs < 0) {
                throw CommonProblems.INVALID_REQUEST.exception("A position is 0 or more", "positionMs");
            }
            access.patientOnly(actor, patientId);
            practice(actor, patientId, practiceId);
            records.saveResume(actor.clinicId(), practiceId, new Resume(day, positionMs), now());
            return null;
        });
    }

    /** The patient marks a date of a practice done or skipped; the first record of a date stands. */
    public Future<Occurrence> complete(Actor actor, String patientId, String practiceId, NewCompletion request) {
        return audited(actor, "care.aftercare.completion.create", "care.aftercare", patientId, () -> {
            LocalDate day = date(request.date(), "date");
            if (!AftercareModel.DONE.equals(request.state()) && !AftercareModel.SKIPPED.equals(request.state())) {
                throw CommonProblems.INVALID_REQUEST.exception("A practice is done or skipped", "state");
            }
            if (request.rating() != null && (request.rating() < 1 || request.rating() > 5)) {
                throw CommonProblems.INVALID_REQUEST.exception("Ratings are 1 to 5", "rating");
            }
            String note = optionalText(request.note(), AftercareModel.NOTE_MAX, "note");
            CareAccess.Scope scope = access.patientOnly(actor, patientId);
            Practice practice = practice(actor, patientId, practiceId);
            Set<LocalDate> recorded = new HashSet<>(completionsByPractice(actor.clinicId(), patientId)
                    .getOrDefault(practiceId, Map.of()).keySet());
            if (recorded.contains(day)) {
                throw AftercareProblems.PRACTICE_ALREADY_RECORDED.exception(null, "date");
            }
            PracticeSchedule calendar = calendar(actor.clinicId());
            // a racing submit that stores this date after the read above meets the unique index below
            // (already recorded), not "not due"
            List<LocalDate> dates = calendar.dates(practice.schedule(), practice.assignedAt(), practice.endedAt(),
                    dosingEnds(scope), recorded);
            if (!calendar.recordable(dates, day)) {
                throw AftercareProblems.PRACTICE_NOT_DUE.exception(day.isAfter(calendar.today()) ? "That date has not come yet"
                        : "That date is not one of this practice's", "date");
            }
            Completion completion = new Completion(OpaqueTokens.newId(), practiceId, day, request.state(), request.rating(), note, now());
            if (!records.insertCompletion(actor.clinicId(), patientId, completion)) {
                throw AftercareProblems.PRACTICE_ALREADY_RECORDED.exception(null, "date");
            }
            changed(scope);
            return new Occurrence(day, completion.state(), completion);
        });
    }

    // ------------------------------------------------------------------ resources

    /** The clinic's resources: any member; archived ones too for staff who ask. */
    public Future<List<Resource>> resources(Actor actor, boolean includeArchived) {
        return audited(actor, "care.resource.list", "care.resource", actor.clinicId(),
                () -> records.resources(actor.clinicId(), includeArchived && !actor.is(Role.PATIENT)));
    }

    public Future<Resource> resource(Actor actor, String resourceId) {
        return audited(actor, "care.resource.read", "care.resource", resourceId, () -> records.resource(actor.clinicId(), resourceId)
                .filter(r -> !r.archived() || !actor.is(Role.PATIENT))
                .orElseThrow(() -> AftercareProblems.RESOURCE_NOT_FOUND.exception(null)));
    }

    public Future<Resource> createResource(Actor actor, ResourceDraft draft) {
        String id = OpaqueTokens.newId();
        return audited(actor, "care.resource.create", "care.resource", id, () -> {
            staff(actor);
            ResourceDraft clean = validated(draft);
            Resource created = new Resource(id, clean.title(), clean.summary(), clean.category(), clean.body(), false,
                    now(), actor.personId());
            records.insertResource(actor.clinicId(), created);
            return created;
        });
    }

    public Future<Resource> updateResource(Actor actor, String resourceId, ResourceDraft draft) {
        return audited(actor, "care.resource.update", "care.resource", resourceId, () -> {
            staff(actor);
            Resource before = records.resource(actor.clinicId(), resourceId)
                    .orElseThrow(() -> AftercareProblems.RESOURCE_NOT_FOUND.exception(null));
            ResourceDraft clean = validated(draft);
            Resource after = new Resource(before.id(), clean.title(), clean.summary(), clean.category(), clean.body(), before.archived(),
                    now(), actor.personId());
            records.replaceResource(actor.clinicId(), after);
            return after;
        });
    }

    public Future<Resource> archiveResource(Actor actor, String resourceId, boolean archived) {
        return audited(actor, "care.resource.archive", "care.resource", resourceId, () -> {
            staff(actor);
            Resource before = records.resource(actor.clinicId(), resourceId)
                    .orElseThrow(() -> AftercareProblems.RESOURCE_NOT_FOUND.exception(null));
            Resource after = new Resource(before.id(), before.title(), before.summary(), before.category(), before.body(), archived,
                    now(), actor.personId());
            records.replaceResource(actor.clinicId(), after);
            return after;
        });
    }

    /** Seeds a resource under a fixed id unless it is there (the demo clinic's; safe on every start, on any node). */
    public void seedResourceIfAbsent(String clinicId, String id, ResourceDraft draft) {
        if (records.resource(clinicId, id).isEmpty()) {
            records.insertResource(clinicId, new Resource(id, draft.title(), draft.summary(), draft.category(), draft.body(), false,
                    now(), "seed"));
        }
    }

    // ------------------------------------------------------------------ internals

    private Plan plan(CareAccess.Scope scope) {
        String clinicId = scope.patient().clinicId();
        String patientId = scope.patient().id();
        PracticeSchedule calendar = calendar(clinicId);
        List<Instant> ends = dosingEnds(scope);
        Map<String, Map<LocalDate, Completion>> completions = completionsByPractice(clinicId, patientId);
        Map<String, String> names = new HashMap<>();
        List<PracticeView> views = new ArrayList<>();
        List<TodayItem> today = new ArrayList<>();
        LocalDate date = calendar.today();
        for (Practice p : records.practices(clinicId, patientId)) {
            PracticeView v = view(calendar, p, ends, completions.getOrDefault(p.id(), Map.of()), names, clinicId);
            views.add(v);
            v.occurrences().stream().filter(o -> o.date().equals(date)).findFirst()
                    .ifPresent(o -> today.add(new TodayItem(p.id(), o.date(), o.state(), p.exercise().title())));
        }
        List<String> assigned = records.assignedResources(clinicId, patientId);
        Map<String, Resource> live = records.liveResources(clinicId, assigned);
        List<Resource> resources = assigned.stream().filter(live::containsKey).map(live::get).toList();
        return new Plan(date, calendar.zone().getId(), views, today, resources);
    }

    private PracticeView view(CareAccess.Scope scope, PracticeSchedule calendar, Practice p) {
        String clinicId = scope.patient().clinicId();
        return view(calendar, p, dosingEnds(scope), completionsByPractice(clinicId, scope.patient().id()).getOrDefault(p.id(), Map.of()),
                new HashMap<>(), clinicId);
    }

    private PracticeView view(PracticeSchedule calendar, Practice p, List<Instant> ends, Map<LocalDate, Completion> completions,
                              Map<String, String> names, String clinicId) {
        List<LocalDate> dates = calendar.dates(p.schedule(), p.assignedAt(), p.endedAt(), ends, completions.keySet());
        List<Occurrence> occurrences = calendar.occurrences(dates, completions);
        String name = names.computeIfAbsent(p.assignedBy(), id -> people.findInClinic(clinicId, id).map(Person::displayName)
                .orElse("Former staff"));
        return new PracticeView(p, name, occurrences, PracticeSchedule.adherence(occurrences));
    }

    private Map<String, Map<LocalDate, Completion>> completionsByPractice(String clinicId, String patientId) {
        Map<String, Map<LocalDate, Completion>> out = new HashMap<>();
        for (Completion c : records.completions(clinicId, patientId)) {
            out.computeIfAbsent(c.practiceId(), k -> new HashMap<>()).put(c.date(), c);
        }
        return out;
    }

    /** When each attended dosing of the patient ended (its start when the end was not written). */
    private List<Instant> dosingEnds(CareAccess.Scope scope) {
        return dosings.forPatient(scope.patient().clinicId(), scope.patient().id()).stream().filter(DosingRecord::attended)
                .map(r -> r.endedAt() != null ? r.endedAt() : r.startedAt()).filter(Objects::nonNull).toList();
    }

    private PracticeSchedule calendar(String clinicId) {
        ZoneId zone;
        try {
            zone = ZoneId.of(clinics.find(clinicId).map(c -> c.timeZone() == null ? "UTC" : c.timeZone()).orElse("UTC"));
        } catch (DateTimeException e) {
            zone = ZoneId.of("UTC");
        }
        return new PracticeSchedule(clock, zone);
    }

    private Practice practice(Actor actor, String patientId, String practiceId) {
        return records.practice(actor.clinicId(), patientId, practiceId)
                .orElseThrow(() -> AftercareProblems.PRACTICE_NOT_FOUND.exception(null));
    }

    /** The patient's therapist: the patient themselves may read the plan but not write it. */
    private CareAccess.Scope therapist(Actor actor, String patientId) {
        CareAccess.Scope scope = access.content(actor, patientId);
        if (scope.byPatient()) {
            throw CommonProblems.FORBIDDEN.exception("Your therapist writes your plan");
        }
        return scope;
    }

    private static void staff(Actor actor) {
        if (actor.is(Role.PATIENT)) {
            throw CommonProblems.FORBIDDEN.exception("Therapists and admins write the clinic's resources");
        }
    }

    private static ResourceDraft validated(ResourceDraft d) {
        String title = required(d.title(), AftercareModel.TITLE_MAX, "title");
        String summary = d.summary() == null ? "" : limit(d.summary().strip(), AftercareModel.SUMMARY_MAX, "summary");
        if (!AftercareModel.CATEGORIES.contains(d.category())) {
            throw CommonProblems.INVALID_REQUEST.exception("Categories are rest, integration, crisis and other", "category");
        }
        String body = required(d.body(), AftercareModel.BODY_MAX, "body");
        return new ResourceDraft(title.strip(), summary, d.category(), body);
    }

    private static LocalDate date(String value, String field) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw CommonProblems.INVALID_REQUEST.exception("Dates are YYYY-MM-DD", field);
        }
    }

    private void changed(CareAccess.Scope scope) {
        List<String> recipients = new ArrayList<>();
        recipients.add(scope.patient().id());
        recipients.addAll(scope.therapistIds());
        events.recordChanged(scope.patient().clinicId(), scope.patient().id(), "aftercare", List.copyOf(recipients));
    }

    private <T> Future<T> audited(Actor actor, String action, String resourceType, String resourceId, Callable<T> work) {
        return audited.run(actor, action, resourceType, resourceId, work);
    }

    private Instant now() {
        return audited.now();
    }

    private static String optionalText(String value, int max, String field) {
        return value == null || value.isBlank() ? null : limit(value, max, field);
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
