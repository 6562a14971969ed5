package app.hearth.booking.people;

import app.hearth.booking.account.AccountService;
import app.hearth.booking.account.SetPasswordLink;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Who may see and add whom, inside one clinic:
 * <ul>
 *   <li>admins see everyone in their clinic and add therapists and patients;</li>
 *   <li>therapists see themselves, their colleagues and their own patients;</li>
 *   <li>patients see only themselves.</li>
 * </ul>
 * Anything outside that answers "not found", so ids from other clinics or other therapists'
 * patients reveal nothing. Every read or write of a patient's record is audited before data leaves.
 */
public final class PeopleService {

    private final PersonRepository people;
    private final AccountService accounts;
    private final AuditLog audit;
    private final Blocking store;
    private final PeopleEvents events;
    private final Clock clock;

    public PeopleService(PersonRepository people, AccountService accounts, AuditLog audit, Blocking store,
                         PeopleEvents events, Clock clock) {
        this.people = people;
        this.accounts = accounts;
        this.audit = audit;
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    public Future<Person> me(Actor actor) {
        return get(actor, actor.personId());
    }

    public Future<Person> get(Actor actor, String personId) {
        return store.run(() -> people.findInClinic(actor.clinicId(), personId)
                        .filter(p -> mayRead(actor, p))
                        .orElseThrow(() -> PeopleProblems.PERSON_NOT_FOUND.exception(null)))
                .compose(person -> auditRead(actor, List.of(person)).map(person));
    }

    public Future<List<Person>> list(Actor actor, Role role) {
        if (actor.is(Role.PATIENT) || (actor.is(Role.THERAPIST) && role != null && role != Role.PATIENT)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception(
                    actor.is(Role.PATIENT) ? "Patients cannot list people" : "Therapists can list their patients only"));
        }
        String therapistFilter = actor.is(Role.THERAPIST) ? actor.personId() : null;
        Role roleFilter = actor.is(Role.THERAPIST) ? Role.PATIENT : role;
        return store.run(() -> people.list(actor.clinicId(), roleFilter, therapistFilter))
                .compose(list -> auditRead(actor, list).map(list));
    }

    public Future<CreatedPerson> create(Actor actor, NewPerson request) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception("Only clinic admins add people"));
        }
        return store.run(() -> {
            if (request.therapistId() != null) {
                people.findInClinic(actor.clinicId(), request.therapistId())
                        .filter(t -> t.role() == Role.THERAPIST)
                        .orElseThrow(() -> PeopleProblems.UNKNOWN_THERAPIST.exception(null, "therapistId"));
            }
            Person person = new Person(OpaqueTokens.newId(), actor.clinicId(), request.role(), request.displayName(),
                    request.email(), request.phone(), request.timeZone(), request.therapistId(),
                    request.emergencyContact(), PersonStatus.INVITED,
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)); // the store keeps milliseconds
            people.insert(person, actor.personId());
            SetPasswordLink link = accounts.issueLinkBlocking(person);
            return new CreatedPerson(person, link);
        }).compose(created -> audit.record(AuditEntry.of(actor, clock.instant(), "person.create", "person",
                        created.person().id(), Outcome.SUCCESS))
                .map(v -> {
                    events.created(created.person());
                    return created;
                }));
    }

    public Future<SetPasswordLink> issueSetPasswordLink(Actor actor, String personId) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception("Only clinic admins issue links"));
        }
        return store.run(() -> {
            Person person = people.findInClinic(actor.clinicId(), personId)
                    .orElseThrow(() -> PeopleProblems.PERSON_NOT_FOUND.exception(null));
            return accounts.issueLinkBlocking(person);
        }).compose(link -> audit.record(AuditEntry.of(actor, clock.instant(), "person.set-password-link", "person",
                personId, Outcome.SUCCESS)).map(link));
    }

    private static boolean mayRead(Actor actor, Person person) {
        return switch (actor.role()) {
            case ADMIN -> true;
            case THERAPIST -> person.role() != Role.PATIENT || Objects.equals(person.therapistId(), actor.personId());
            case PATIENT -> person.id().equals(actor.personId());
        };
    }

    /** One entry per patient record handed out; reads of staff records are not patient data. */
    private Future<Void> auditRead(Actor actor, List<Person> read) {
        List<AuditEntry> entries = read.stream().filter(Person::isPatient)
                .map(p -> AuditEntry.of(actor, clock.instant(), "person.read", "person", p.id(), Outcome.SUCCESS))
                .toList();
        return audit.recordAll(entries);
    }
}
