package app.hearth.fhir;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.Availability;
import app.hearth.booking.schedule.BookingService;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.care.AuditedWork;
import app.hearth.care.CareAccess;
import app.hearth.care.CareProblems;
import app.hearth.care.measures.Instrument;
import app.hearth.care.measures.Instruments;
import app.hearth.care.measures.MeasureResponse;
import app.hearth.care.measures.MeasureResponses;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.ProblemException;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR R4 read API's reads and searches, with the access rules of the REST API they mirror:
 * <ul>
 *   <li>Practitioner, Schedule, Slot: staff of the clinic see all therapists; a patient sees the
 *       therapists assigned to them (Practitioner) and every schedule and free slot (as for booking);</li>
 *   <li>Patient: admins all of the clinic's, therapists their assigned patients, a patient themselves
 *       ({@code PeopleService});</li>
 *   <li>Appointment: admins all, others those they take part in, a patient seeing only their own
 *       place in a circle ({@code BookingService});</li>
 *   <li>QuestionnaireResponse and Observation (clinical content): the patient and their assigned
 *       therapists; admins are refused with 403 ({@link CareAccess#content}).</li>
 * </ul>
 * An id of another clinic, of a record the caller may not see, or made up is 404 alike. A search
 * naming a patient outside the caller's reach is 403 alike. Every read of patient data is audited
 * (one entry per resource handed out; refusals as denied) before the answer leaves.
 */
public final class FhirReads {

    public static final List<String> TYPES = List.of("Practitioner", "Patient", "Schedule", "Slot", "Appointment",
            "Questionnaire", "QuestionnaireResponse", "Observation");
    /** How far ahead a Slot search looks when it names no end, and at most. */
    static final Duration SLOT_DEFAULT_RANGE = Duration.ofDays(14);
    static final Duration SLOT_MAX_RANGE = Duration.ofDays(62);
    private static final Instant FAR_FUTURE = Instant.parse("9999-01-01T00:00:00Z");

    private final PersonRepository people;
    private final ScheduleStore schedule;
    private final BookingService booking;
    private final CareAccess access;
    private final MeasureResponses responses;
    private final Instruments instruments;
    private final AuditLog audit;
    private final AuditedWork audited;
    private final Blocking store;
    private final Clock clock;
    private final String baseUrl;

    /** @param baseUrl the FHIR base as clients reach it, e.g. {@code https://clinic.example/fhir/r4} */
    public FhirReads(PersonRepository people, ScheduleStore schedule, BookingService booking, CareAccess access,
                     MeasureResponses responses, Instruments instruments, AuditLog audit, Blocking store, Clock clock,
                     String baseUrl) {
        this.people = people;
        this.schedule = schedule;
        this.booking = booking;
        this.access = access;
        this.responses = responses;
        this.instruments = instruments;
        this.audit = audit;
        this.audited = new AuditedWork(audit, store, clock);
        this.store = store;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Instruments instruments() {
        return instruments;
    }

    // ------------------------------------------------------------------ read by id

    public Future<Resource> read(Actor actor, String type, String fhirId) {
        String id = FhirIds.toHearth(fhirId);
        if (!TYPES.contains(type)) {
            return Future.failedFuture(FhirProblems.UNKNOWN_RESOURCE_TYPE.exception("This server serves " + String.join(", ", TYPES)));
        }
        if (id == null) {
            return Future.failedFuture(notFound());
        }
        return switch (type) {
            case "Practitioner" -> store.run(() -> FhirMapping.practitioner(readableTherapist(actor, id)));
            case "Patient" -> audited.run(actor, "fhir.patient.read", "person", id, () -> FhirMapping.patient(
                    people.findInClinic(actor.clinicId(), id).filter(Person::isPatient).filter(p -> mayReadPatient(actor, p))
                            .orElseThrow(FhirReads::notFound)));
            case "Schedule" -> store.run(() -> {
                Person therapist = therapist(actor, id);
                return FhirMapping.schedule(therapist, availability(actor, therapist), clock.instant());
            });
            case "Slot" -> readSlot(actor, fhirId);
            case "Appointment" -> audited.run(actor, "fhir.appointment.read", "appointment", id, () -> {
                Appointment a = schedule.find(actor.clinicId(), id).filter(x -> actor.is(Role.ADMIN) || x.involves(actor.personId()))
                        .map(x -> visibleTo(actor, x)).orElseThrow(FhirReads::notFound);
                return FhirMapping.appointment(a, names(actor.clinicId(), List.of(a)));
            });
            case "Questionnaire" -> instruments.find(fhirId).<Future<Resource>>map(i -> Future.succeededFuture(FhirMapping.questionnaire(i)))
                    .orElseGet(() -> Future.failedFuture(notFound()));
            case "QuestionnaireResponse" -> audited.run(actor, "fhir.questionnaire-response.read", "care.measure-response", id,
                    () -> {
                        MeasureResponse m = measure(actor, id);
                        return FhirMapping.questionnaireResponse(m, instruments.get(m.instrument()));
                    });
            case "Observation" -> audited.run(actor, "fhir.observation.read", "care.measure-response", id, () -> {
                MeasureResponse m = measure(actor, id);
                return FhirMapping.totalScore(m, instruments.get(m.instrument()));
            });
            default -> Future.failedFuture(FhirProblems.UNKNOWN_RESOURCE_TYPE.exception(null));
        };
    }

    private Person readableTherapist(Actor actor, String id) {
        Person therapist = people.findInClinic(actor.clinicId(), id).filter(p -> p.role() == Role.THERAPIST)
                .orElseThrow(FhirReads::notFound);
        if (actor.is(Role.PATIENT) && !people.findInClinic(actor.clinicId(), actor.personId())
                .map(me -> me.isAssignedTo(therapist.id())).orElse(false)) {
            throw notFound();
        }
        return therapist;
    }

    private Person therapist(Actor actor, String id) {
        return people.findInClinic(actor.clinicId(), id).filter(p -> p.role() == Role.THERAPIST).orElseThrow(FhirReads::notFound);
    }

    private Availability availability(Actor actor, Person therapist) {
        return schedule.availability(actor.clinicId(), therapist.id())
                .orElse(Availability.empty(therapist.id(), therapist.timeZone() == null ? "UTC" : therapist.timeZone()));
    }

    /** A response whose content the caller may read; admins are refused (403) whatever the id. */
    private MeasureResponse measure(Actor actor, String id) {
        if (actor.is(Role.ADMIN)) {
            throw CareProblems.CLINICAL_CONTENT_NOT_ALLOWED.exception("Clinic admins see what is due, not what was answered");
        }
        MeasureResponse m = responses.find(actor.clinicId(), id).orElseThrow(FhirReads::notFound);
        try {
            access.content(actor, m.patientId());
        } catch (ProblemException e) {
            throw e.type().status() == 404 ? notFound() : e;
        }
        return m;
    }

    /** A slot id names therapist, type and start; it reads as a Slot only while that time is still free. */
    private Future<Resource> readSlot(Actor actor, String fhirId) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("slot-([a-z]+)-(\\d{1,12})-([A-Za-z0-9\\-.]+)").matcher(fhirId);
        if (!m.matches() || AppointmentType.fromWire(m.group(1)).isEmpty()) {
            return Future.failedFuture(notFound());
        }
        AppointmentType type = AppointmentType.fromWire(m.group(1)).orElseThrow();
        Instant start = Instant.ofEpochSecond(Long.parseLong(m.group(2)));
        String therapistId = FhirIds.toHearth(m.group(3));
        return booking.policy(actor).compose(policy -> {
            Duration length = policy.rules(type).duration();
            return booking.slots(actor, therapistId, type, start, start.plusSeconds(1))
                    .recover(e -> Future.failedFuture(e instanceof ProblemException ? notFound() : e))
                    .map(starts -> {
                        if (!starts.contains(start)) {
                            throw notFound();
                        }
                        return (Resource) FhirMapping.slot(therapistId, type, start, start.plus(length));
                    });
        });
    }

    // ------------------------------------------------------------------ search

    /** A searchset Bundle of what the caller may see, paged by {@code _count} and {@code _offset}. */
    public Future<Bundle> search(Actor actor, String type, SearchParams params) {
        if (!TYPES.contains(type)) {
            return Future.failedFuture(FhirProblems.UNKNOWN_RESOURCE_TYPE.exception("This server serves " + String.join(", ", TYPES)));
        }
        try {
            return switch (type) {
                case "Practitioner" -> store.run(() -> page(type, params, searchPractitioners(actor,
                        params.allow(type, Set.of("_id")))));
                case "Patient" -> searchAudited(actor, type, params, "fhir.patient.read", "person",
                        () -> searchPatients(actor, params.allow(type, Set.of("_id"))));
                case "Schedule" -> store.run(() -> page(type, params, searchSchedules(actor,
                        params.allow(type, Set.of("_id", "actor", "practitioner")))));
                case "Slot" -> searchSlots(actor, params.allow(type, Set.of("schedule", "start", "service-type", "status")));
                case "Appointment" -> searchAudited(actor, type, params, "fhir.appointment.read", "appointment",
                        () -> searchAppointments(actor, params.allow(type,
                                Set.of("_id", "patient", "practitioner", "actor", "date", "status", "service-type"))));
                case "Questionnaire" -> Future.succeededFuture(page(type, params, searchQuestionnaires(
                        params.allow(type, Set.of("_id", "url", "name")))));
                case "QuestionnaireResponse" -> searchAudited(actor, type, params, "fhir.questionnaire-response.read",
                        "care.measure-response", () -> searchMeasures(actor, params.allow(type,
                                Set.of("_id", "patient", "subject", "authored", "date", "questionnaire")), "authored", false));
                case "Observation" -> searchAudited(actor, type, params, "fhir.observation.read", "care.measure-response",
                        () -> searchMeasures(actor, params.allow(type, Set.of("_id", "patient", "subject", "date", "code", "category")),
                                "date", true));
                default -> Future.failedFuture(FhirProblems.UNKNOWN_RESOURCE_TYPE.exception(null));
            };
        } catch (ProblemException e) {
            return Future.failedFuture(e);
        }
    }

    /** Matches in order, with the Hearth ids the audit names (null for resources that are not patient data). */
    private record Matches(List<Resource> resources, List<String> hearthIds) {
        static Matches of(List<? extends Resource> resources) {
            return new Matches(List.copyOf(resources), null);
        }
    }

    /** A search of patient data: run, then one audit entry per resource on the page; a refusal audited as denied. */
    private Future<Bundle> searchAudited(Actor actor, String type, SearchParams params, String action, String resourceType,
                                         java.util.concurrent.Callable<Matches> work) {
        String patientParam = params.has("patient") ? params.single("patient") : params.has("subject") ? params.single("subject") : null;
        return store.run(() -> {
            Matches all = work.call();
            int offset = params.offset();
            int count = params.count();
            int end = Math.min(all.resources().size(), offset + count);
            List<String> shown = all.hearthIds() == null || offset >= end ? List.of() : all.hearthIds().subList(offset, end);
            return new Object[] {page(type, params, all), shown};
        }).compose(result -> {
            @SuppressWarnings("unchecked")
            List<String> shown = (List<String>) result[1];
            Instant at = clock.instant();
            return audit.recordAll(shown.stream().map(id -> AuditEntry.of(actor, at, action, resourceType, id, Outcome.SUCCESS))
                    .toList()).map((Bundle) result[0]);
        }, audited.denied(actor, action, "person", patientParam == null ? actor.clinicId()
                : FhirIds.toFhir(patientParam.substring(patientParam.lastIndexOf('/') + 1)).replace('.', '_')));
    }

    private List<Resource> searchPractitioners(Actor actor, SearchParams params) {
        String only = params.reference("_id", "Practitioner");
        List<Person> therapists = people.list(actor.clinicId(), Role.THERAPIST, null, true);
        Set<String> mine = actor.is(Role.PATIENT)
                ? people.findInClinic(actor.clinicId(), actor.personId()).map(p -> Set.copyOf(p.therapistIds())).orElse(Set.of())
                : null;
        return new ArrayList<>(therapists.stream().filter(t -> mine == null || mine.contains(t.id()))
                .filter(t -> only == null || only.equals(t.id())).map(FhirMapping::practitioner).toList());
    }

    private Matches searchPatients(Actor actor, SearchParams params) {
        String only = params.reference("_id", "Patient");
        List<Person> patients = switch (actor.role()) {
            case ADMIN -> people.list(actor.clinicId(), Role.PATIENT, null, true);
            case THERAPIST -> people.list(actor.clinicId(), Role.PATIENT, actor.personId(), true);
            case PATIENT -> people.findInClinic(actor.clinicId(), actor.personId()).map(List::of).orElse(List.of());
        };
        List<Person> matched = patients.stream().filter(p -> only == null || only.equals(p.id())).toList();
        return new Matches(matched.stream().map(p -> (Resource) FhirMapping.patient(p)).toList(),
                matched.stream().map(Person::id).toList());
    }

    private List<Resource> searchSchedules(Actor actor, SearchParams params) {
        String only = params.reference("_id", "Schedule");
        String actorId = params.has("actor") ? params.reference("actor", "Practitioner") : params.reference("practitioner", "Practitioner");
        Instant now = clock.instant();
        return new ArrayList<>(people.list(actor.clinicId(), Role.THERAPIST, null, false).stream()
                .filter(t -> only == null || only.equals(t.id())).filter(t -> actorId == null || actorId.equals(t.id()))
                .map(t -> FhirMapping.schedule(t, availability(actor, t), now)).toList());
    }

    private Future<Bundle> searchSlots(Actor actor, SearchParams params) {
        String therapistId = params.reference("schedule", "Schedule");
        if (therapistId == null) {
            return Future.failedFuture(FhirProblems.INVALID_SEARCH.exception("Name the therapist's schedule: schedule=Schedule/<id>",
                    "schedule"));
        }
        String status = params.single("status");
        if (status != null && !"free".equals(status)) {
            return Future.failedFuture(FhirProblems.INVALID_SEARCH.exception("Only free slots are served (status=free)", "status"));
        }
        String typeCode = token(params.single("service-type"), FhirMapping.APPOINTMENT_TYPE_SYSTEM, "service-type");
        AppointmentType type = typeCode == null ? AppointmentType.PREPARATION : AppointmentType.fromWire(typeCode)
                .orElseThrow(() -> FhirProblems.INVALID_SEARCH.exception("service-type is one of preparation, integration, circle, "
                        + "dosing", "service-type"));
        return store.run(() -> people.clinicTimeZone(actor.clinicId())).compose(zone -> {
            List<DateParam> starts = params.dates("start", ZoneId.of(zone));
            Instant now = clock.instant();
            Instant from = latest(starts.stream().map(DateParam::from).toList(), now);
            Instant to = earliest(starts.stream().map(DateParam::to).toList(), null);
            if (to == null) {
                to = from.plus(SLOT_DEFAULT_RANGE);
            }
            if (!to.isAfter(from)) {
                return Future.succeededFuture(page("Slot", params, List.of()));
            }
            if (Duration.between(from, to).compareTo(SLOT_MAX_RANGE) > 0) {
                return Future.failedFuture(FhirProblems.INVALID_SEARCH.exception("Ask for free slots over 62 days at most", "start"));
            }
            Instant end = to;
            return booking.policy(actor).compose(policy -> booking.slots(actor, therapistId, type, from, end)
                    .recover(e -> Future.failedFuture(e instanceof ProblemException p && p.type().status() == 400
                            && "therapistId".equals(p.field())
                            ? FhirProblems.INVALID_SEARCH.exception("No such schedule in your clinic", "schedule") : e))
                    .map(list -> page("Slot", params, list.stream().filter(s -> starts.stream().allMatch(d -> d.matches(s)))
                            .map(s -> (Resource) FhirMapping.slot(therapistId, type, s, s.plus(policy.rules(type).duration())))
                            .toList())));
        });
    }

    private Matches searchAppointments(Actor actor, SearchParams params) {
        String only = params.reference("_id", "Appointment");
        String patientId = params.reference("patient", "Patient");
        String practitionerId = params.has("actor") ? params.reference("actor", "Practitioner", "Patient")
                : params.reference("practitioner", "Practitioner");
        String status = params.single("status");
        if (status != null && !Set.of("booked", "cancelled").contains(status)) {
            throw FhirProblems.INVALID_SEARCH.exception("status is booked or cancelled", "status");
        }
        String typeCode = token(params.single("service-type"), FhirMapping.APPOINTMENT_TYPE_SYSTEM, "service-type");
        List<DateParam> dates = params.dates("date", ZoneId.of(people.clinicTimeZone(actor.clinicId())));
        if (patientId != null) {
            requirePatientInReach(actor, patientId);
        }
        Instant from = latest(dates.stream().map(DateParam::from).toList(), Instant.EPOCH);
        Instant to = earliest(dates.stream().map(DateParam::to).toList(), FAR_FUTURE);
        String therapistFilter = actor.is(Role.THERAPIST) ? actor.personId() : null;
        String patientFilter = actor.is(Role.PATIENT) ? actor.personId() : patientId;
        List<Appointment> found = !to.isAfter(from) ? List.of()
                : schedule.between(actor.clinicId(), from, to, therapistFilter, patientFilter, true);
        Predicate<Appointment> match = a -> (only == null || only.equals(a.id()))
                && (patientId == null || patientId.equals(a.patientId())
                    || a.attendees().stream().anyMatch(x -> x.patientId().equals(patientId)))
                && (practitionerId == null || a.involves(practitionerId))
                && (status == null || status.equals(a.status().name().toLowerCase(java.util.Locale.ROOT)))
                && (typeCode == null || typeCode.equals(a.type().wire()))
                && dates.stream().allMatch(d -> d.matches(a.start()));
        // matched on what the caller may see: a patient never learns who else sits in their circle
        List<Appointment> matched = found.stream().map(a -> visibleTo(actor, a)).filter(match)
                .sorted(Comparator.comparing(Appointment::start).thenComparing(Appointment::id)).toList();
        Map<String, String> names = names(actor.clinicId(), matched);
        return new Matches(matched.stream().map(a -> (Resource) FhirMapping.appointment(a, names)).toList(),
                matched.stream().map(Appointment::id).toList());
    }

    private List<Resource> searchQuestionnaires(SearchParams params) {
        String only = params.single("_id");
        String url = params.single("url");
        String name = params.single("name");
        return new ArrayList<>(instruments.all().stream().map(FhirMapping::questionnaire)
                .filter(q -> only == null || only.equals(q.getIdElement().getIdPart()))
                .filter(q -> url == null || url.equals(q.getUrl()))
                .filter(q -> name == null || q.getName().toLowerCase(java.util.Locale.ROOT).startsWith(name.toLowerCase(java.util.Locale.ROOT)))
                .toList());
    }

    /** QuestionnaireResponse (authored) or Observation (date, code) of the patients the caller may read. */
    private Matches searchMeasures(Actor actor, SearchParams params, String dateParam, boolean observations) {
        if (actor.is(Role.ADMIN)) {
            throw CareProblems.CLINICAL_CONTENT_NOT_ALLOWED.exception("Clinic admins see what is due, not what was answered");
        }
        String only = params.reference("_id", observations ? "Observation" : "QuestionnaireResponse");
        String patientId = params.has("patient") ? params.reference("patient", "Patient") : params.reference("subject", "Patient");
        ZoneId zone = ZoneId.of(people.clinicTimeZone(actor.clinicId()));
        List<DateParam> dates = new ArrayList<>(params.dates(dateParam, zone));
        if (!observations) {
            dates.addAll(params.dates("date", zone));
        }
        String instrumentFilter = null;
        if (observations) {
            String code = params.single("code");
            if (code != null) {
                String loinc = token(code, FhirMapping.LOINC, "code");
                instrumentFilter = FhirMapping.TOTAL_SCORE.entrySet().stream().filter(e -> e.getValue().getCode().equals(loinc))
                        .map(Map.Entry::getKey).findFirst().orElse("none");
            }
            String category = params.single("category");
            if (category != null && !"survey".equals(token(category, "http://terminology.hl7.org/CodeSystem/observation-category",
                    "category"))) {
                instrumentFilter = "none";
            }
        } else {
            String questionnaire = params.single("questionnaire");
            if (questionnaire != null) {
                String id = questionnaire.substring(questionnaire.lastIndexOf('/') + 1);
                instrumentFilter = instruments.known(id) ? id : "none";
            }
        }
        List<String> patientIds;
        if (patientId != null) {
            requirePatientInReach(actor, patientId);
            patientIds = List.of(patientId);
        } else if (actor.is(Role.PATIENT)) {
            patientIds = List.of(actor.personId());
        } else {
            patientIds = people.list(actor.clinicId(), Role.PATIENT, actor.personId(), true).stream().map(Person::id).toList();
        }
        String instrument = instrumentFilter;
        List<MeasureResponse> matched = new ArrayList<>();
        for (String p : patientIds) {
            responses.forPatient(actor.clinicId(), p).stream()
                    .filter(m -> only == null || only.equals(m.id()))
                    .filter(m -> instrument == null || instrument.equals(m.instrument()))
                    .filter(m -> !observations || FhirMapping.TOTAL_SCORE.containsKey(m.instrument()))
                    .filter(m -> dates.stream().allMatch(d -> d.matches(m.submittedAt())))
                    .forEach(matched::add);
        }
        matched.sort(Comparator.comparing(MeasureResponse::submittedAt).thenComparing(MeasureResponse::id));
        return new Matches(matched.stream().map(m -> observations ? (Resource) FhirMapping.totalScore(m, instruments.get(m.instrument()))
                        : (Resource) FhirMapping.questionnaireResponse(m, instruments.get(m.instrument()))).toList(),
                matched.stream().map(MeasureResponse::id).toList());
    }

    /** A search naming a patient the caller may not read (or no such patient) is refused the same way. */
    private void requirePatientInReach(Actor actor, String patientId) {
        boolean inReach = people.findInClinic(actor.clinicId(), patientId).filter(Person::isPatient)
                .filter(p -> mayReadPatient(actor, p)).isPresent();
        if (!inReach) {
            throw FhirProblems.PATIENT_OUT_OF_REACH.exception(null, "patient");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static boolean mayReadPatient(Actor actor, Person patient) {
        return switch (actor.role()) {
            case ADMIN -> true;
            case THERAPIST -> patient.isAssignedTo(actor.personId());
            case PATIENT -> patient.id().equals(actor.personId());
        };
    }

    /** Patients see their own place in a circle, never the other attendees (as BookingService shows it). */
    private static Appointment visibleTo(Actor actor, Appointment a) {
        if (!actor.is(Role.PATIENT) || a.type() != AppointmentType.CIRCLE) {
            return a;
        }
        return new Appointment(a.id(), a.clinicId(), a.type(), a.status(), a.start(), a.end(), a.therapistIds(), null, a.location(),
                a.roomId(), null, a.capacity(), a.attendees().stream().filter(x -> x.patientId().equals(actor.personId())).toList(),
                List.of(), a.seatsTaken(), a.waitlistLength(), a.sessionEndedAt());
    }

    private Map<String, String> names(String clinicId, List<Appointment> appointments) {
        Set<String> ids = new LinkedHashSet<>();
        for (Appointment a : appointments) {
            ids.addAll(a.therapistIds());
            if (a.patientId() != null) {
                ids.add(a.patientId());
            }
            a.attendees().forEach(x -> ids.add(x.patientId()));
        }
        Map<String, String> names = new HashMap<>();
        people.findAllInClinic(clinicId, ids).forEach(p -> names.put(p.id(), p.displayName()));
        return names;
    }

    /** A token value ({@code code} or {@code system|code}) of the one system this parameter knows; null when absent. */
    private static String token(String raw, String system, String name) {
        if (raw == null) {
            return null;
        }
        int bar = raw.indexOf('|');
        if (bar < 0) {
            return raw;
        }
        if (bar > 0 && !raw.substring(0, bar).equals(system)) {
            throw FhirProblems.INVALID_SEARCH.exception(name + " takes codes of " + system, name);
        }
        return raw.substring(bar + 1);
    }

    private static Instant latest(List<Instant> candidates, Instant floor) {
        Instant result = floor;
        for (Instant i : candidates) {
            if (i != null && (result == null || i.isAfter(result))) {
                result = i;
            }
        }
        return result;
    }

    private static Instant earliest(List<Instant> candidates, Instant ceiling) {
        Instant result = ceiling;
        for (Instant i : candidates) {
            if (i != null && (result == null || i.isBefore(result))) {
                result = i;
            }
        }
        return result;
    }

    private Bundle page(String type, SearchParams params, List<Resource> all) {
        return page(type, params, Matches.of(all));
    }

    private Bundle page(String type, SearchParams params, Matches all) {
        int offset = params.offset();
        int count = params.count();
        List<Resource> resources = all.resources();
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(resources.size());
        bundle.setTimestamp(java.util.Date.from(clock.instant()));
        String query = query(params.withoutPaging());
        bundle.addLink().setRelation("self").setUrl(link(type, query, offset));
        if (offset + count < resources.size() && count > 0) {
            bundle.addLink().setRelation("next").setUrl(link(type, query, offset + count));
        }
        if (offset > 0) {
            bundle.addLink().setRelation("previous").setUrl(link(type, query, Math.max(0, offset - Math.max(count, 1))));
        }
        for (int i = offset; i < Math.min(resources.size(), offset + count); i++) {
            Resource r = resources.get(i);
            bundle.addEntry().setFullUrl(baseUrl + "/" + type + "/" + r.getIdElement().getIdPart()).setResource(r)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    private String link(String type, String query, int offset) {
        String paging = offset > 0 ? "_offset=" + offset : "";
        String all = query.isEmpty() ? paging : paging.isEmpty() ? query : query + "&" + paging;
        return baseUrl + "/" + type + (all.isEmpty() ? "" : "?" + all);
    }

    private static String query(Map<String, List<String>> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((name, values) -> values.forEach(v -> parts.add(encode(name) + "=" + encode(v))));
        return String.join("&", parts);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%7C", "|").replace("%2F", "/").replace("%3A", ":");
    }

    private static ProblemException notFound() {
        return FhirProblems.RESOURCE_NOT_FOUND.exception(null);
    }
}
