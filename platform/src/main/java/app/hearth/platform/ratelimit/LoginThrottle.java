package app.hearth.platform.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progressive delay for failed sign-ins, kept per account <em>and</em> client, so that someone
 * guessing an account's password slows down only themselves (docs/adr/0013).
 *
 * <ul>
 *   <li>A client may fail {@code freeFailures} times for an account; after that each attempt waits
 *       {@code firstDelay} after the last failure, and each further failure doubles the wait, up to
 *       {@code maxDelay}.</li>
 *   <li>A client that has not failed for an account is never delayed for it, so the owner signing in
 *       from their own device gets in while someone elsewhere guesses.</li>
 *   <li>Account-wide ceiling: when the account has had {@code accountCeiling} failures from all
 *       clients together within {@code memory}, it is being guessed from many addresses; then every
 *       client that has failed for it at all is delayed from its first failure on. Still only clients
 *       that fail are slowed, never one that has not.</li>
 *   <li>A client's failures for an account are forgotten {@code memory} after its wait ended; a
 *       success forgets them at once.</li>
 * </ul>
 *
 * An attempt is counted as a failure when it is let through ({@link #tryAttempt}) and forgiven by
 * {@link #succeeded}: guesses sent in parallel get no more verifications than the rule allows.
 * It lives in the node's memory, like {@link AttemptLimiter}.
 */
public final class LoginThrottle {

    private final int freeFailures;
    private final int accountCeiling;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Duration memory;
    private final Clock clock;
    /** Key: account + NUL + client. */
    private final Map<String, Pair> pairs = new ConcurrentHashMap<>();
    /** Recent failures per account from all clients (at most {@code accountCeiling} kept). */
    private final Map<String, Deque<Instant>> accountFailures = new ConcurrentHashMap<>();

    public LoginThrottle(int freeFailures, int accountCeiling, Duration firstDelay, Duration maxDelay, Duration memory,
                         Clock clock) {
        if (freeFailures < 1 || accountCeiling < 1) {
            throw new IllegalArgumentException("freeFailures and accountCeiling must be at least 1");
        }
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay");
        }
        this.freeFailures = freeFailures;
        this.accountCeiling = accountCeiling;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.memory = memory;
        this.clock = clock;
    }

    /** A client's failures for one account. Guarded by its own monitor. */
    private static final class Pair {
        int failures;
        Instant lastFailure;
        Duration wait = Duration.ZERO;
    }

    /**
     * Checks whether this client may try this account now and, when it may, counts the attempt as a
     * failure until {@link #succeeded} forgives it.
     *
     * @return empty when the attempt may go ahead; otherwise how long the client has to wait
     */
    public Optional<Duration> tryAttempt(String account, String client) {
        Instant now = clock.instant();
        boolean underAttack = accountUnderAttack(account, now);
        Pair pair = pairs.computeIfAbsent(key(account, client), k -> new Pair());
        synchronized (pair) {
            forgetIfIdle(pair, now);
            Duration wait = waitFor(pair.failures, underAttack);
            if (pair.failures > 0 && !wait.isZero()) {
                Duration left = Duration.between(now, pair.lastFailure.plus(wait));
                if (left.compareTo(Duration.ZERO) > 0) {
                    return Optional.of(left);
                }
            }
            pair.failures++;
            pair.lastFailure = now;
            pair.wait = waitFor(pair.failures, underAttack);
            return Optional.empty();
        }
    }

    /**
     * The attempt let through for this client was a wrong password: its wait runs from now (the
     * verification's end, so guesses sent together wait even if they trickle in), and the failure
     * counts towards the account's ceiling.
     */
    public void failed(String account, String client) {
        Instant now = clock.instant();
        Pair pair = pairs.get(key(account, client));
        if (pair != null) {
            synchronized (pair) {
                if (pair.failures > 0 && now.isAfter(pair.lastFailure)) {
                    pair.lastFailure = now;
                }
            }
        }
        Deque<Instant> recent = accountFailures.computeIfAbsent(account, k -> new ArrayDeque<>());
        synchronized (recent) {
            prune(recent, now);
            recent.addLast(now);
            while (recent.size() > accountCeiling) {
                recent.removeFirst();
            }
        }
    }

    /** The right password: this client's failures for the account are forgiven (other clients' are not). */
    public void succeeded(String account, String client) {
        pairs.remove(key(account, client));
    }

    /** Drops what no longer matters, so memory stays bounded; call periodically. */
    public void evictIdle() {
        Instant now = clock.instant();
        Iterator<Pair> it = pairs.values().iterator();
        while (it.hasNext()) {
            Pair pair = it.next();
            synchronized (pair) {
                forgetIfIdle(pair, now);
                if (pair.failures == 0) {
                    it.remove();
                }
            }
        }
        Iterator<Deque<Instant>> accounts = accountFailures.values().iterator();
        while (accounts.hasNext()) {
            Deque<Instant> recent = accounts.next();
            synchronized (recent) {
                prune(recent, now);
                if (recent.isEmpty()) {
                    accounts.remove();
                }
            }
        }
    }

    /** How long a client with this many failures waits after the last one (zero while it has free ones left). */
    Duration waitFor(int failures, boolean underAttack) {
        int free = underAttack ? 1 : freeFailures;
        if (failures < free) {
            return Duration.ZERO;
        }
        int doublings = failures - free;
        if (doublings >= 30) {
            return maxDelay;
        }
        Duration wait = firstDelay.multipliedBy(1L << doublings);
        return wait.compareTo(maxDelay) > 0 ? maxDelay : wait;
    }

    private boolean accountUnderAttack(String account, Instant now) {
        Deque<Instant> recent = accountFailures.get(account);
        if (recent == null) {
            return false;
        }
        synchronized (recent) {
            prune(recent, now);
            return recent.size() >= accountCeiling;
        }
    }

    private void forgetIfIdle(Pair pair, Instant now) {
        if (pair.failures > 0 && !now.isBefore(pair.lastFailure.plus(pair.wait).plus(memory))) {
            pair.failures = 0;
            pair.lastFailure = null;
            pair.wait = Duration.ZERO;
        }
    }

    private void prune(Deque<Instant> recent, Instant now) {
        Instant cutoff = now.minus(memory);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(cutoff)) {
            recent.removeFirst();
        }
    }

    private static String key(String account, String client) {
        return account + '\u0000' + client;
    }
}
