package app.hearth.booking.account;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.platform.access.Actor;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.ratelimit.AttemptLimiter;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    private final AttemptLimiter failuresPerAccount;
    private final AttemptLimiter attemptsPerAddress;
    /** Verified against when the email is unknown, so both paths cost one Argon2 run (no timing oracle). */
    private final String decoyHash;

    public AccountService(PersonRepository people, CredentialRepository credentials, RefreshTokens refreshTokens,
                          SetPasswordTickets tickets, AuditLog audit, PasswordHasher hasher, Blocking store,
                          Blocking hashing, AccountPolicy policy, Clock clock) {
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
        this.failuresPerAccount = new AttemptLimiter(policy.failedLoginsPerAccount(), policy.loginWindow(), clock);
        this.attemptsPerAddress = new AttemptLimiter(policy.loginsPerAddress(), policy.loginWindow(), clock);
        this.decoyHash = hasher.hash(OpaqueTokens.newSecret());
    }

    public Future<SignedIn> login(String email, String password, String sourceAddress) {
        String accountKey = app.hearth.booking.people.NewPerson.normalizeEmail(email);
        String addressKey = sourceAddress == null ? "unknown" : sourceAddress;
        // Each limiter checks and counts in one step. The account's attempt is counted as a failure
        // before the hash is verified (and forgiven on success), so guesses sent in parallel get no
        // more verifications than the limit allows.
        Optional<Duration> blocked = attemptsPerAddress.tryAcquire(addressKey)
                .or(() -> failuresPerAccount.tryAcquire(accountKey));
        if (blocked.isPresent()) {
            return Future.failedFuture(new AccountProblems.RetryLater(Math.max(1, blocked.get().toSeconds() + 1)));
        }
        return store.run(() -> {
            Optional<Person> person = people.findByEmail(accountKey);
            Optional<String> hash = person.flatMap(p -> credentials.passwordHash(p.id()));
            return new Candidate(person.orElse(null), hash.orElse(null));
        }).compose(candidate -> hashing.run(() -> {
            boolean matches = hasher.verify(password, candidate.hash() != null ? candidate.hash() : decoyHash);
            return matches && candidate.hash() != null && candidate.person().status() == PersonStatus.ACTIVE;
        }).compose(ok -> {
            if (!ok) {
                Future<Void> recorded = candidate.person() == null ? Future.succeededFuture()
                        : audit.record(entry(candidate.person(), sourceAddress, "auth.login", Outcome.DENIED));
                return recorded.compose(v -> Future.failedFuture(AccountProblems.BAD_CREDENTIALS.exception(null)));
            }
            failuresPerAccount.reset(accountKey);
            Person person = candidate.person();
            return store.run(() -> startFamily(person))
                    .compose(token -> audit.record(entry(person, sourceAddress, "auth.login", Outcome.SUCCESS))
                            .map(new SignedIn(person, token)));
        }));
    }

    /** Spends the presented refresh token and hands out the next one (with the person's record: audited). */
    public Future<SignedIn> refresh(String refreshToken, String sourceAddress) {
        return store.run(() -> {
            Instant now = clock.instant();
            RefreshTokens.Grant grant = refreshTokens.spend(refreshToken, now)
                    .orElseThrow(() -> AccountProblems.REFRESH_TOKEN_INVALID.exception("Your session ended"));
            Person person = people.findById(grant.personId())
                    .filter(p -> p.status() == PersonStatus.ACTIVE)
                    .orElseThrow(() -> AccountProblems.REFRESH_TOKEN_INVALID.exception("Your account is not active"));
            String next = refreshTokens.issue(grant, now, now.plus(policy.refreshTokenTtl()));
            return new SignedIn(person, next);
        }).compose(signedIn -> audit.record(entry(signedIn.person(), sourceAddress, "auth.refresh", Outcome.SUCCESS)).map(signedIn));
    }

    public Future<Void> logout(String refreshToken) {
        return store.run(() -> {
            refreshTokens.revokeFamilyOf(refreshToken, clock.instant());
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
            credentials.setPasswordHash(personId, hash, now);
            people.markActive(personId);
            refreshTokens.revokeAllOf(personId, now);
            return people.findById(personId).orElseThrow();
        })).compose(person -> audit.record(entry(person, sourceAddress, "auth.set-password", Outcome.SUCCESS)));
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
        failuresPerAccount.evictIdle();
        attemptsPerAddress.evictIdle();
    }

    private String startFamily(Person person) {
        Instant now = clock.instant();
        return refreshTokens.issue(new RefreshTokens.Grant(person.id(), person.clinicId(), OpaqueTokens.newId()),
                now, now.plus(policy.refreshTokenTtl()));
    }

    private AuditEntry entry(Person person, String sourceAddress, String action, Outcome outcome) {
        Actor self = new Actor(person.id(), person.clinicId(), person.role(), sourceAddress);
        return AuditEntry.of(self, clock.instant(), action, "person", person.id(), outcome);
    }

    private record Candidate(Person person, String hash) {
    }
}
