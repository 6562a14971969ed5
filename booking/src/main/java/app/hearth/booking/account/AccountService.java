package app.hearth.booking.account;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.platform.access.Actor;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.ratelimit.AttemptLimiter;
import app.hearth.platform.ratelimit.LoginThrottle;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sign-in, token rotation, sign-out and set-password. Minting the access token is the edge's job;
 * this service decides who may have one.
 */
public final class AccountService {

    private final PersonRepository people;
    private final CredentialRepository credentials;
    private final RefreshTokens refreshTokens;
    private final SetPasswordTickets tickets;
    private final AuditLog audit;
    private final PasswordHasher hasher;
    private final Blocking store;
    private final Blocking hashing;
    private final AccountPolicy policy;
    private final Clock clock;
    private final LoginThrottle failures;
    private final AttemptLimiter attemptsPerAddress;
    private final SessionRevocations revocations;
    /** Verified against when the email is unknown, so both paths cost one Argon2 run (no timing oracle). */
    private final String decoyHash;

    public AccountService(PersonRepository people, CredentialRepository credentials, RefreshTokens refreshTokens,
                          SetPasswordTickets tickets, AuditLog audit, PasswordHasher hasher, Blocking store,
                          Blocking hashing, AccountPolicy policy, SessionRevocations revocations, Clock clock) {
        this.people = people;
        this.credentials = credentials;
        this.refreshTokens = refreshTokens;
        this.tickets = tickets;
        this.audit = audit;
        this.hasher = hasher;
        this.store = store;
        this.hashing = hashing;
        this.policy = policy;
        this.clock = clock;
        this.revocations = revocations;
        // The longest wait is the window (but never shorter than the first wait).
        Duration maxDelay = policy.loginWindow().compareTo(AccountPolicy.FIRST_LOGIN_DELAY) < 0
                ? AccountPolicy.FIRST_LOGIN_DELAY : policy.loginWindow();
        this.failures = new LoginThrottle(policy.failedLoginsPerAccount(),
                policy.failedLoginsPerAccount() * AccountPolicy.ACCOUNT_CEILING_FACTOR, AccountPolicy.FIRST_LOGIN_DELAY,
                maxDelay, policy.loginWindow(), clock);
        this.attemptsPerAddress = new AttemptLimiter(policy.loginsPerAddress(), policy.loginWindow(), clock);
        this.decoyHash = hasher.hash(OpaqueTokens.newSecret());
    }

    public Future<SignedIn> login(String email, String password, String sourceAddress) {
        String accountKey = app.hearth.booking.people.NewPerson.normalizeEmail(email);
        String addressKey = sourceAddress == null ? "unknown" : sourceAddress;
        // Every attempt counts against the client address's budget across accounts (spraying many
        // accounts stays expensive). Then a client that has been failing for this account waits
        // (progressive delay per account and client: someone else's guesses never lock the owner
        // out). The throttle counts the attempt as a failure when it lets it through and forgives it
        // on success, so guesses sent in parallel get no more verifications than the rule allows.
        Optional<Duration> blocked = attemptsPerAddress.tryAcquire(addressKey)
                .or(() -> failures.tryAttempt(accountKey, addressKey));
        if (blocked.isPresent()) {
            return Future.failedFuture(new AccountProblems.RetryLater(retryAfterSeconds(blocked.get())));
        }
        return store.run(() -> {
            Optional<Person> person = people.findByEmail(accountKey);
            Optional<String> hash = person.flatMap(p -> credentials.passwordHash(p.id()));
            return new Candidate(person.orElse(null), hash.orElse(null));
        }).compose(candidate -> hashing.run(() -> {
            boolean matches = hasher.verify(password, candidate.hash() != null ? candidate.hash() : decoyHash);
            if (matches && candidate.hash() != null && candidate.person().isDeactivated()) {
                return null; // the right password of a deactivated account: said so, but no session
            }
            return matches && candidate.hash() != null && candidate.person().status() == PersonStatus.ACTIVE;
        }).compose(ok -> {
            if (ok == null) {
                failures.succeeded(accountKey, addressKey);
                return audit.record(entry(candidate.person(), sourceAddress, "auth.login", Outcome.DENIED))
                        .compose(v -> Future.failedFuture(AccountProblems.ACCOUNT_DEACTIVATED.exception(
                                "Your clinic has deactivated this account")));
            }
            if (!ok) {
                failures.failed(accountKey, addressKey);
                Future<Void> recorded = candidate.person() == null ? Future.succeededFuture()
                        : audit.record(entry(candidate.person(), sourceAddress, "auth.login", Outcome.DENIED));
                return recorded.compose(v -> Future.failedFuture(AccountProblems.BAD_CREDENTIALS.exception(null)));
            }
            failures.succeeded(accountKey, addressKey);
            Person person = candidate.person();
            return store.run(() -> startFamily(person))
                    .compose(signedIn -> audit.record(entry(person, sourceAddress, "auth.login", Outcome.SUCCESS))
                            .map(signedIn));
        }));
    }

    /**
     * Spends the presented refresh token and hands out the next one (with the person's record:
     * audited). A token spent before means it was copied: its family is revoked, and so are the
     * access tokens of that session.
     */
    public Future<SignedIn> refresh(String refreshToken, String sourceAddress) {
        return store.run(() -> {
            Instant now = clock.instant();
            RefreshTokens.Spent spent = refreshTokens.spend(refreshToken, now);
            spent.reusedFamily().ifPresent(family -> revocations.revokeSessions(List.of(family)));
            RefreshTokens.Grant grant = spent.grant()
                    .orElseThrow(() -> AccountProblems.REFRESH_TOKEN_INVALID.exception("Your session ended"));
            Person person = people.findById(grant.personId())
                    .filter(p -> p.status() == PersonStatus.ACTIVE)
                    .orElseThrow(() -> AccountProblems.REFRESH_TOKEN_INVALID.exception("Your account is not active"));
            String next = refreshTokens.issue(grant, now, now.plus(policy.refreshTokenTtl()));
            return new SignedIn(person, next, grant.familyId());
        }).compose(signedIn -> audit.record(entry(signedIn.person(), sourceAddress, "auth.refresh", Outcome.SUCCESS)).map(signedIn));
    }

    /** Ends the session of the presented refresh token: the token, its family and their access tokens. */
    public Future<Void> logout(String refreshToken) {
        return store.run(() -> {
            refreshTokens.revokeFamilyOf(refreshToken, clock.instant())
                    .ifPresent(family -> revocations.revokeSessions(List.of(family)));
            return null;
        });
    }

    /**
     * Spends a set-password ticket and sets the password. The password is hashed before the ticket is
     * spent, so a slow hash cannot leave a spent ticket with no password behind it.
     */
    public Future<Void> setPassword(String ticket, String password, String sourceAddress) {
        if (password == null || password.length() < AccountPolicy.MIN_PASSWORD_LENGTH) {
            return Future.failedFuture(AccountProblems.WEAK_PASSWORD.exception(
                    "Use at least " + AccountPolicy.MIN_PASSWORD_LENGTH + " characters", "password"));
        }
        if (password.length() > AccountPolicy.MAX_PASSWORD_LENGTH || password.isBlank()) {
            return Future.failedFuture(AccountProblems.WEAK_PASSWORD.exception(
                    "Use between " + AccountPolicy.MIN_PASSWORD_LENGTH + " and " + AccountPolicy.MAX_PASSWORD_LENGTH
                            + " characters, not only spaces", "password"));
        }
        return hashing.run(() -> hasher.hash(password)).compose(hash -> store.run(() -> {
            Instant now = clock.instant();
            String personId = tickets.spend(ticket, now);
            if (people.findById(personId).map(Person::isDeactivated).orElse(false)) {
                throw AccountProblems.ACCOUNT_DEACTIVATED.exception("Your clinic has deactivated this account");
            }
            credentials.setPasswordHash(personId, hash, now);
            people.markActive(personId);
            // Every session of the person ends: their families by id (covers tokens minted in this
            // very second), and anything issued before now by the person's not-before instant.
            revocations.revokeSessions(refreshTokens.revokeAllOf(personId, now));
            revocations.revokePerson(personId, now);
            return people.findById(personId).orElseThrow();
        })).compose(person -> audit.record(entry(person, sourceAddress, "auth.set-password", Outcome.SUCCESS)));
    }

    /**
     * Ends every session of a person at once (deactivation): their refresh tokens are revoked, and so
     * are the access tokens of those sessions and any issued before now, on every node, which also
     * closes their open sockets. Runs on a store worker.
     */
    public void endAllSessionsBlocking(String personId) {
        Instant now = clock.instant();
        revocations.revokeSessions(refreshTokens.revokeAllOf(personId, now));
        revocations.revokePerson(personId, now);
    }

    /** Whether the person has set a password (a reactivated person is active then, else still invited). */
    public boolean hasPasswordBlocking(String personId) {
        return credentials.passwordHash(personId).isPresent();
    }

    /** Issues a set-password link for a person; earlier unused links of theirs stop working. */
    public SetPasswordLink issueLinkBlocking(Person person) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(policy.setPasswordTtl());
        String secret = tickets.issue(person.id(), person.clinicId(), now, expiresAt);
        return new SetPasswordLink(policy.publicBaseUrl() + "/#/set-password/" + secret, expiresAt);
    }

    /** Forgets idle rate-limit counters; the node calls this periodically. */
    public void evictIdleLimits() {
        failures.evictIdle();
        attemptsPerAddress.evictIdle();
    }

    private SignedIn startFamily(Person person) {
        Instant now = clock.instant();
        RefreshTokens.Grant grant = new RefreshTokens.Grant(person.id(), person.clinicId(), OpaqueTokens.newId());
        return new SignedIn(person, refreshTokens.issue(grant, now, now.plus(policy.refreshTokenTtl())), grant.familyId());
    }

    private static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private AuditEntry entry(Person person, String sourceAddress, String action, Outcome outcome) {
        Actor self = new Actor(person.id(), person.clinicId(), person.role(), sourceAddress);
        return AuditEntry.of(self, clock.instant(), action, "person", person.id(), outcome);
    }

    private record Candidate(Person person, String hash) {
    }
}
