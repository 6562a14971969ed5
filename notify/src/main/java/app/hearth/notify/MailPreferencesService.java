package app.hearth.notify;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.problem.ProblemType;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Each person's optional mail (docs/adr/0029): they read and change their own; a clinic admin
 * reads and changes those of a person of their clinic (audited; another clinic's person is not
 * found); an unsubscribe link turns one kind off without signing in. Alerts and appointment
 * changes are not optional and cannot be turned off here or by a link.
 */
public final class MailPreferencesService {

    public static final ProblemType LINK_NOT_FOUND = new ProblemType("unsubscribe-link-not-found", 404,
            "This unsubscribe link is not valid");

    /** The optional kinds in the order pages show them. */
    public static final List<String> KINDS = List.of(Messages.REMINDER, "measure-due", "patient-waiting");

    private final MailPreferences preferences;
    private final UnsubscribeLinks links;
    private final PersonRepository people;
    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;

    public MailPreferencesService(MailPreferences preferences, UnsubscribeLinks links, PersonRepository people, AuditLog audit,
                                  Blocking store, Clock clock) {
        this.preferences = preferences;
        this.links = links;
        this.people = people;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    /** Each optional kind and whether the person gets it (true unless turned off). */
    public Future<Map<String, Boolean>> get(Actor actor, String personId) {
        return allowed(actor, personId).compose(person -> store.run(() -> view(preferences.turnedOff(person.id()))))
                .compose(v -> audit.record(AuditEntry.of(actor, clock.instant(), "mail-preferences.read", "person", personId,
                        AuditEntry.Outcome.SUCCESS)).map(v));
    }

    /** Sets each optional kind named in {@code wanted}; kinds not named keep their setting. */
    public Future<Map<String, Boolean>> update(Actor actor, String personId, Map<String, Boolean> wanted) {
        for (String kind : wanted.keySet()) {
            if (!MailPolicy.OPTIONAL.contains(kind)) {
                return Future.failedFuture(CommonProblems.INVALID_REQUEST.exception(
                        "Only reminders, measure-due and patient-waiting emails can be turned off", kind));
            }
        }
        return allowed(actor, personId).compose(person -> store.run(() -> {
            Set<String> off = new TreeSet<>(preferences.turnedOff(person.id()));
            wanted.forEach((kind, on) -> {
                if (on) {
                    off.remove(kind);
                } else {
                    off.add(kind);
                }
            });
            preferences.save(person.id(), person.clinicId(), off, clock.instant());
            return view(off);
        })).compose(v -> audit.record(AuditEntry.of(actor, clock.instant(), "mail-preferences.update", "person", personId,
                AuditEntry.Outcome.SUCCESS).withChanged(List.copyOf(wanted.keySet()))).map(v));
    }

    /** What an unsubscribe link would turn off, for its confirmation page; not found when unknown or forged. */
    public Future<UnsubscribeLinks.Target> lookUp(String secret) {
        return store.run(() -> links.find(secret, clock.instant()).orElseThrow(() -> LINK_NOT_FOUND.exception(
                "Check that the whole link was opened, or sign in to Hearth to change your email choices")));
    }

    /** Turns off the kind the link names (one click); audited as the person it names. Not found when unknown or forged. */
    public Future<UnsubscribeLinks.Target> unsubscribe(String secret) {
        return lookUp(secret).compose(t -> store.run(() -> {
            Person person = people.findInClinic(t.clinicId(), t.personId()).orElseThrow(() -> LINK_NOT_FOUND.exception(
                    "Sign in to Hearth to change your email choices"));
            if (MailPolicy.optional(t.kind())) {
                preferences.turnOff(person.id(), person.clinicId(), t.kind(), clock.instant());
            }
            return person;
        }).compose(person -> audit.record(new AuditEntry(null, clock.instant(), person.id(), person.role().wire(), person.clinicId(),
                "mail-preferences.unsubscribe", "person", person.id(), AuditEntry.Outcome.SUCCESS, null)).map(t)));
    }

    private Future<Person> allowed(Actor actor, String personId) {
        if (!actor.personId().equals(personId) && !actor.is(Role.ADMIN)) {
            return Future.failedFuture(CommonProblems.FORBIDDEN.exception("People change their own email choices; admins those of their clinic"));
        }
        return store.run(() -> people.findInClinic(actor.clinicId(), personId)
                .orElseThrow(() -> app.hearth.booking.people.PeopleProblems.PERSON_NOT_FOUND.exception(null)));
    }

    private static Map<String, Boolean> view(Set<String> off) {
        Map<String, Boolean> view = new LinkedHashMap<>();
        KINDS.forEach(k -> view.put(k, !off.contains(k)));
        return view;
    }
}
