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
 * A sliding-window counter per key: at most {@code limit} attempts within {@code window}. Used for
 * login attempts per account and per client address. It lives in the node's memory (see
 * docs/adr/0005-sign-in-tokens-and-limits.md for why that is acceptable and how it scales).
 */
public final class AttemptLimiter {

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> attempts = new ConcurrentHashMap<>();

    public AttemptLimiter(int limit, Duration window, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** When the key is over its limit: how long until one more attempt is allowed. */
    public Optional<Duration> blockedFor(String key) {
        Deque<Instant> recent = attempts.get(key);
        if (recent == null) {
            return Optional.empty();
        }
        synchronized (recent) {
            Instant now = clock.instant();
            prune(recent, now);
            if (recent.size() < limit) {
                return Optional.empty();
            }
            Duration wait = Duration.between(now, recent.peekFirst().plus(window));
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        }
    }

    /**
     * Checks and counts one attempt under one lock, so that attempts arriving together cannot all
     * pass the check before any of them is counted.
     *
     * @return empty when the attempt is allowed (and now counted); otherwise how long to wait
     */
    public Optional<Duration> tryAcquire(String key) {
        Deque<Instant> recent = attempts.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (recent) {
            Instant now = clock.instant();
            prune(recent, now);
            if (recent.size() >= limit) {
                Duration wait = Duration.between(now, recent.peekFirst().plus(window));
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            }
            recent.addLast(now);
            return Optional.empty();
        }
    }

    public void record(String key) {
        Deque<Instant> recent = attempts.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (recent) {
            Instant now = clock.instant();
            prune(recent, now);
            recent.addLast(now);
            while (recent.size() > limit) {
                recent.removeFirst();
            }
        }
    }

    public void reset(String key) {
        attempts.remove(key);
    }

    /** Drops keys with no attempt inside the window, so memory stays bounded; call periodically. */
    public void evictIdle() {
        Instant now = clock.instant();
        Iterator<Map.Entry<String, Deque<Instant>>> it = attempts.entrySet().iterator();
        while (it.hasNext()) {
            Deque<Instant> recent = it.next().getValue();
            synchronized (recent) {
                prune(recent, now);
                if (recent.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    private void prune(Deque<Instant> recent, Instant now) {
        Instant cutoff = now.minus(window);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(cutoff)) {
            recent.removeFirst();
        }
    }
}
