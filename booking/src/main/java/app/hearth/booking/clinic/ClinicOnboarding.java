package app.hearth.booking.clinic;

import app.hearth.booking.account.AccountService;
import app.hearth.booking.account.SetPasswordLink;
import app.hearth.booking.people.LinkEvents;
import app.hearth.booking.people.PeopleProblems;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.ProblemException;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The operator's side of tenancy (docs/adr/0027): a new clinic with its first admin, who is invited
 * exactly as an admin invites a person (a set-password link, mailed through the outbox). The operator
 * is nobody's person and belongs to no clinic, so this takes no {@code Actor}: it is reached only
 * from the management port with the operator's secret, and audited as actor {@value #OPERATOR} in
 * the new clinic's own log.
 */
public final class ClinicOnboarding {

    /** The audit log's actor id and role for what the operator does. */
    public static final String OPERATOR = "operator";

    private final ClinicRepository clinics;
    private final PersonRepository people;
    private final AccountService accounts;
    private final AuditLog audit;
    private final Blocking store;
    private final LinkEvents links;
    private final Clock clock;

    public ClinicOnboarding(ClinicRepository clinics, PersonRepository people, AccountService accounts, AuditLog audit,
                            Blocking store, LinkEvents links, Clock clock) {
        this.clinics = clinics;
        this.people = people;
        this.accounts = accounts;
        this.audit = audit;
        this.store = store;
        this.links = links;
        this.clock = clock;
    }

    /**
     * Creates the clinic, then its admin (invited, no password yet), then the admin's link.
     *
     * @param sourceAddress the operator's address, for the audit log
     * @throws ProblemException EMAIL_TAKEN (409) when anyone, in any clinic, signs in with that email
     */
    public Future<CreatedClinic> create(NewClinic request, String sourceAddress) {
        return store.run(() -> {
            // Checked first so a taken address leaves no empty clinic behind; the unique index on
            // the address still decides a race, and the clinic is then removed again.
            if (people.findByEmail(request.adminEmail()).isPresent()) {
                throw PeopleProblems.EMAIL_TAKEN.exception("Someone already signs in with that email", "admin.email");
            }
            java.time.Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Clinic clinic = new Clinic(OpaqueTokens.newId(), request.name(), request.timeZone());
            clinics.insert(clinic, now);
            Person admin = new Person(OpaqueTokens.newId(), clinic.id(), Role.ADMIN, request.adminName(), request.adminEmail(),
                    null, request.timeZone(), null, null, PersonStatus.INVITED, now);
            try {
                people.insert(admin, OPERATOR);
            } catch (ProblemException e) {
                clinics.delete(clinic.id());
                throw new ProblemException(e.type(), e.detail(), "admin.email");
            }
            SetPasswordLink link = accounts.issueLinkBlocking(admin);
            try {
                links.issued(admin, link, true);
            } catch (RuntimeException e) {
                // the link is answered to the operator whatever the mail does
                org.slf4j.LoggerFactory.getLogger(ClinicOnboarding.class).warn(
                        "Queuing the invitation of clinic {}'s admin failed: {}", clinic.id(), e.getClass().getSimpleName());
            }
            return new CreatedClinic(clinic, admin, link);
        }).compose(created -> audit.recordAll(List.of(
                entry(created.clinic().id(), "clinic.create", "clinic", created.clinic().id(), sourceAddress),
                entry(created.clinic().id(), "person.create", "person", created.admin().id(), sourceAddress))).map(created));
    }

    /** Every clinic, by name (the operator's overview; nothing about their people). */
    public Future<List<ClinicRepository.Listed>> list() {
        return store.run(clinics::list);
    }

    private AuditEntry entry(String clinicId, String action, String type, String id, String sourceAddress) {
        return new AuditEntry(null, clock.instant(), OPERATOR, OPERATOR, clinicId, action, type, id, Outcome.SUCCESS,
                sourceAddress);
    }
}
