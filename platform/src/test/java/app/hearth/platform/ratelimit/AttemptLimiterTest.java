package app.hearth.platform.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sliding-window attempt limiter")
class AttemptLimiterTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @Test
    @DisplayName("blocks after the limit, says for how long, and lets attempts through once the window slides")
    void slidingWindow() {
        ManualClock clock = new ManualClock();
        AttemptLimiter limiter = new AttemptLimiter(3, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.blockedFor("k").isEmpty());
            limiter.record("k");
            clock.now = clock.now.plusSeconds(10);
        }
        Optional<Duration> blocked = limiter.blockedFor("k");
        assertEquals(Optional.of(Duration.ofSeconds(30)), blocked, "first attempt was 30 s ago + 60 s window");
        assertTrue(limiter.blockedFor("other").isEmpty(), "keys are independent");
        clock.now = clock.now.plusSeconds(31);
        assertTrue(limiter.blockedFor("k").isEmpty());
    }

    @Test
    @DisplayName("reset clears a key; idle keys are evicted so memory stays bounded")
    void resetAndEvict() {
        ManualClock clock = new ManualClock();
        AttemptLimiter limiter = new AttemptLimiter(1, Duration.ofMinutes(1), clock);
        limiter.record("a");
        assertTrue(limiter.blockedFor("a").isPresent());
        limiter.reset("a");
        assertTrue(limiter.blockedFor("a").isEmpty());
        limiter.record("b");
        clock.now = clock.now.plusSeconds(120);
        limiter.evictIdle();
        assertTrue(limiter.blockedFor("b").isEmpty());
    }
}
