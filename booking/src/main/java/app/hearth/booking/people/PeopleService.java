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
    private final LinkEvents links;

    public PeopleService(PersonRepository people, AccountService accounts, AuditLog audit, Blocking store,
                         PeopleEvents events, Clock clock) {
        this(people, accounts, audit, store, events, clock, LinkEvents.NONE);
    }

    /** @param links told of every set-password link issued (the invitation mail, issue 15) */
    public PeopleService(PersonRepository people, AccountService accounts, AuditLog audit, Blocking store,
                         PeopleEvents events, Clock clock, LinkEvents links) {
        this.links = links;
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
        return list(actor, role, false);
    }

    /**
     * @param withDeactivated admins' People page lists deactivated people too; every other list
     *                        (booking choices among them) leaves them out
     */
    public Future<List<Person>> list(Actor actor, Role role, boolean withDeactivated) {
        if (actor.is(Role.PATIENT) || (actor.is(Role.THERAPIST) && role != null && role != Role.PATIENT)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception(
                    actor.is(Role.PATIENT) ? "Patients cannot list people" : "Therapists can list their patients only"));
        }
        String therapistFilter = actor.is(Role.THERAPIST) ? actor.personId() : null;
        Role roleFilter = actor.is(Role.THERAPIST) ? Role.PATIENT : role;
        boolean all = withDeactivated && actor.is(Role.ADMIN);
        return store.run(() -> people.list(actor.clinicId(), roleFilter, therapistFilter, all))
                .compose(list -> auditRead(actor, list).map(list));
    }

    public Future<CreatedPerson> create(Actor actor, NewPerson request) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception("Only clinic admins add people"));
        }
        return store.run(() -> {
            if (request.therapistId() != null) {
                people.findInClinic(actor.clinicId(), request.therapistId())
                        .filter(t -> t.role() == Role.THERAPIST && !t.isDeactivated())
                        .orElseThrow(() -> PeopleProblems.UNKNOWN_THERAPIST.exception(null, "therapistId"));
            }
            Person person = new Person(OpaqueTokens.newId(), actor.clinicId(), request.role(), request.displayName(),
                    request.email(), request.phone(), request.timeZone(), request.therapistId(),
                    request.emergencyContact(), PersonStatus.INVITED,
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)); // the store keeps milliseconds
            people.insert(person, actor.personId());
            SetPasswordLink link = accounts.issueLinkBlocking(person);
            tellLink(person, link, true);
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
            if (person.isDeactivated()) {
                throw PeopleProblems.PERSON_DEACTIVATED.exception(null);
            }
            SetPasswordLink link = accounts.issueLinkBlocking(person);
            tellLink(person, link, false);
            return link;
        }).compose(link -> audit.record(AuditEntry.of(actor, clock.instant(), "person.set-password-link", "person",
                personId, Outcome.SUCCESS)).map(link));
    }

    /**
     * An admin's edit of a person of their clinic, applied only if nobody changed the record since
     * the version the edit was made from (a second submit of the same form gets EDIT_CONFLICT and
     * changes nothing). Assignments take effect at once: access checks read them on every request.
     * Audited with the names of the fields that changed, never their values.
     */
    public Future<Person> update(Actor actor, String personId, PersonEdit edit) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception("Only clinic admins edit people"));
        }
        return store.run(() -> {
            Person before = people.findInClinic(actor.clinicId(), personId)
                    .orElseThrow(() -> PeopleProblems.PERSON_NOT_FOUND.exception(null));
            if (!before.isPatient() && (edit.has("therapistIds") || edit.has("emergencyContact"))) {
                throw PeopleProblems.NOT_FOR_THIS_ROLE.exception(null,
                        edit.has("therapistIds") ? "therapistIds" : "emergencyContact");
            }
            List<org.bson.conversions.Bson> changes = new java.util.ArrayList<>();
            List<String> changed = new java.util.ArrayList<>();
            if (edit.has("displayName") && !edit.displayName().equals(before.displayName())) {
                changes.add(com.mongodb.client.model.Updates.set("displayName", edit.displayName()));
                changed.add("displayName");
            }
            if (edit.has("email") && !edit.email().equals(before.email())) {
                changes.add(com.mongodb.client.model.Updates.set("email", edit.email()));
                changes.add(com.mongodb.client.model.Updates.set("emailKey", NewPerson.normalizeEmail(edit.email())));
                changed.add("email");
            }
            if (edit.has("phone") && !Objects.equals(edit.phone(), before.phone())) {
                changes.add(edit.phone() == null ? com.mongodb.client.model.Updates.unset("phone")
                        : com.mongodb.client.model.Updates.set("phone", edit.phone()));
                changed.add("phone");
            }
            if (edit.has("emergencyContact") && !Objects.equals(edit.emergencyContact(), before.emergencyContact())) {
                changes.add(edit.emergencyContact() == null ? com.mongodb.client.model.Updates.unset("emergencyContact")
                        : com.mongodb.client.model.Updates.set("emergencyContact", edit.emergencyContact().toDocument()));
                changed.add("emergencyContact");
            }
            if (edit.has("therapistIds") && !edit.therapistIds().equals(before.therapistIds())) {
                for (String id : edit.therapistIds()) {
                    if (!before.therapistIds().contains(id)) { // a deactivated one kept is not newly assigned
                        people.findInClinic(actor.clinicId(), id)
                                .filter(t -> t.role() == Role.THERAPIST && !t.isDeactivated())
                                .orElseThrow(() -> PeopleProblems.UNKNOWN_THERAPIST.exception(
                                        "Assign active therapists of your clinic only", "therapistIds"));
                    }
                }
                changes.add(com.mongodb.client.model.Updates.set("therapistIds", edit.therapistIds()));
                changes.add(edit.therapistIds().isEmpty() ? com.mongodb.client.model.Updates.unset("therapistId")
                        : com.mongodb.client.model.Updates.set("therapistId", edit.therapistIds().get(0)));
                changed.add("therapistIds");
            }
            if (before.version() != edit.version()) {
                throw PeopleProblems.EDIT_CONFLICT.exception(null, "version");
            }
            if (changes.isEmpty()) {
                return new Edited(before, changed);
            }
            Person after = people.update(actor.clinicId(), personId, edit.version(), changes)
                    .orElseThrow(() -> PeopleProblems.EDIT_CONFLICT.exception(null, "version"));
            return new Edited(after, changed);
        }).compose(edited -> edited.changed().isEmpty() ? Future.succeededFuture(edited.person())
                : audit.record(AuditEntry.of(actor, clock.instant(), "person.update", "person", personId, Outcome.SUCCESS)
                        .withChanged(edited.changed())).map(edited.person()));
    }

    private record Edited(Person person, List<String> changed) {
    }

    /**
     * Ends a person's membership: they cannot sign in, every session of theirs ends at once on every
     * node (refresh tokens, access tokens, open sockets), and no booking offers them. Refused for
     * the admin themselves and for someone with upcoming booked appointments, which the admin
     * cancels or moves first (docs/adr/0021). Deactivating a deactivated person changes nothing.
     */
    public Future<Person> deactivate(Actor actor, String personId) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception("Only clinic admins deactivate people"));
        }
        if (actor.personId().equals(personId)) {
            return Future.failedFuture(PeopleProblems.CANNOT_DEACTIVATE_SELF.exception(null));
        }
        return store.run(() -> {
            Person before = people.findInClinic(actor.clinicId(), personId)
                    .orElseThrow(() -> PeopleProblems.PERSON_NOT_FOUND.exception(null));
            if (before.isDeactivated()) {
                accounts.endAllSessionsBlocking(personId); // harmless again; covers a revocation that failed midway
                return new Edited(before, List.of());
            }
            List<PersonRepository.Booked> upcoming = people.upcomingAppointments(actor.clinicId(), personId, clock.instant());
            if (!upcoming.isEmpty()) {
                throw PeopleProblems.HAS_UPCOMING_APPOINTMENTS.exception("Cancel or move these first: " + String.join(", ",
                        upcoming.stream().map(b -> b.type() + " at " + b.start() + " (" + b.id() + ")").toList()));
            }
            Person after = people.update(actor.clinicId(), personId, before.version(),
                            List.of(com.mongodb.client.model.Updates.set("status", "deactivated")))
                    .orElseThrow(() -> PeopleProblems.EDIT_CONFLICT.exception(null));
            // The status first: a refresh racing this sees a deactivated person and mints nothing.
            accounts.endAllSessionsBlocking(personId);
            return new Edited(after, List.of("status"));
        }).compose(edited -> edited.changed().isEmpty() ? Future.succeededFuture(edited.person())
                : audit.record(AuditEntry.of(actor, clock.instant(), "person.deactivate", "person", personId, Outcome.SUCCESS)
                        .withChanged(edited.changed())).map(edited.person()));
    }

    /** Lets a deactivated person back in: active if they had set a password, invited otherwise. */
    public Future<Person> reactivate(Actor actor, String personId) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(PeopleProblems.ROLE_NOT_ALLOWED.exception("Only clinic admins reactivate people"));
        }
        return store.run(() -> {
            Person before = people.findInClinic(actor.clinicId(), personId)
                    .orElseThrow(() -> PeopleProblems.PERSON_NOT_FOUND.exception(null));
            if (!before.isDeactivated()) {
                return new Edited(before, List.of());
            }
            String status = accounts.hasPasswordBlocking(personId) ? "active" : "invited";
            Person after = people.update(actor.clinicId(), personId, before.version(),
                            List.of(com.mongodb.client.model.Updates.set("status", status)))
                    .orElseThrow(() -> PeopleProblems.EDIT_CONFLICT.exception(null));
            return new Edited(after, List.of("status"));
        }).compose(edited -> edited.changed().isEmpty() ? Future.succeededFuture(edited.person())
                : audit.record(AuditEntry.of(actor, clock.instant(), "person.reactivate", "person", personId, Outcome.SUCCESS)
                        .withChanged(edited.changed())).map(edited.person()));
    }

    /** Readable names for an audit page: people by name, appointments by date; one query each. */
    public record AuditNames(java.util.Map<String, Person> people, java.util.Map<String, java.time.Instant> appointments,
                             String timeZone) {
    }

    /** Resolves the people and appointments an audit page names, in one query per kind (admins only). */
    public Future<AuditNames> auditNames(Actor actor, java.util.Collection<String> personIds,
                                         java.util.Collection<String> appointmentIds) {
        return store.run(() -> {
            java.util.Map<String, Person> byId = new java.util.HashMap<>();
            people.findAllInClinic(actor.clinicId(), java.util.Set.copyOf(personIds)).forEach(p -> byId.put(p.id(), p));
            return new AuditNames(byId, people.appointmentStarts(actor.clinicId(), java.util.Set.copyOf(appointmentIds)),
                    people.clinicTimeZone(actor.clinicId()));
        });
    }

    private static boolean mayRead(Actor actor, Person person) {
        return switch (actor.role()) {
            case ADMIN -> true;
            case THERAPIST -> person.role() != Role.PATIENT || person.isAssignedTo(actor.personId());
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

    /** The link is issued and answered whatever the listener does; its failure is logged without the person. */
    private void tellLink(Person person, SetPasswordLink link, boolean invitation) {
        try {
            links.issued(person, link, invitation);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(PeopleService.class).warn("Queuing the set-password mail for person {} failed: {}",
                    person.id(), e.getClass().getSimpleName());
        }
    }
}
