package app.hearth.platform.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.platform.ratelimit.AttemptLimiterTest.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sign-in throttle: progressive delay per account and client")
class LoginThrottleTest {

    final ManualClock clock = new ManualClock();
    /** 5 free failures, account-wide ceiling 20, 1 s doubling up to 15 min, forgotten 15 min after. */
    final LoginThrottle throttle = new LoginThrottle(5, 20, Duration.ofSeconds(1), Duration.ofMinutes(15),
            Duration.ofMinutes(15), clock);

    /** One let-through attempt that turns out to be a wrong password. */
    void fail(String account, String client) {
        assertTrue(throttle.tryAttempt(account, client).isEmpty(), client + " should have been let through");
        throttle.failed(account, client);
    }

    @Test
    @DisplayName("five failures are free; then each further failure doubles the wait (1, 2, 4, 8 s …) up to the cap")
    void doublesPerFailure() {
        for (int i = 0; i < 5; i++) {
            fail("ann", "A");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.tryAttempt("ann", "A"));
        long[] expected = {2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900};
        for (long seconds : expected) {
            // once the wait is over, the next failure doubles it
            clock.now = clock.now.plus(throttle.tryAttempt("ann", "A").orElseThrow());
            fail("ann", "A");
            assertEquals(Optional.of(Duration.ofSeconds(seconds)), throttle.tryAttempt("ann", "A"));
        }
        // attempts refused while waiting do not make the wait longer
        clock.now = clock.now.plusSeconds(100);
        assertEquals(Optional.of(Duration.ofSeconds(800)), throttle.tryAttempt("ann", "A"));
    }

    @Test
    @DisplayName("another client is not delayed for the same account, and a delayed client is delayed for that account only")
    void perAccountAndClient() {
        for (int i = 0; i < 5; i++) {
            fail("ann", "A");
        }
        clock.now = clock.now.plusSeconds(1);
        fail("ann", "A");
        assertTrue(throttle.tryAttempt("ann", "A").isPresent(), "A is waiting");
        assertTrue(throttle.tryAttempt("ann", "B").isEmpty(), "B (the owner, say) is not");
        throttle.succeeded("ann", "B");
        assertTrue(throttle.tryAttempt("bob", "A").isEmpty(), "A is not delayed for another account");
    }

    @Test
    @DisplayName("a success forgives that client's failures only; failures are forgotten a while after the wait ended")
    void forgivenAndForgotten() {
        for (int i = 0; i < 5; i++) {
            fail("ann", "A");
            fail("ann", "C");
        }
        clock.now = clock.now.plusSeconds(1);
        assertTrue(throttle.tryAttempt("ann", "A").isEmpty());
        throttle.succeeded("ann", "A");
        for (int i = 0; i < 4; i++) {
            fail("ann", "A"); // free again after the success
        }
        fail("ann", "C");
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.tryAttempt("ann", "C"), "C still has its six failures");

        // fifteen minutes after C's wait ended, C starts afresh
        clock.now = clock.now.plusSeconds(2).plus(Duration.ofMinutes(15));
        throttle.evictIdle();
        for (int i = 0; i < 5; i++) {
            fail("ann", "C");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.tryAttempt("ann", "C"));
    }

    @Test
    @DisplayName("guessed from many clients past the account-wide ceiling: every client that failed waits from its first failure, a client that did not is let in")
    void accountWideCeiling() {
        // five clients fail four times each: none reaches its own five, but the account has 20 failures
        for (int c = 0; c < 5; c++) {
            for (int i = 0; i < 4; i++) {
                fail("ann", "bot" + c);
            }
        }
        // then every client that has failed waits (2^(4-1) s after its last failure)
        assertEquals(Optional.of(Duration.ofSeconds(8)), throttle.tryAttempt("ann", "bot0"));
        // a new client gets one try, then waits too
        fail("ann", "bot9");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.tryAttempt("ann", "bot9"));
        // and the owner, who has not failed, is let in
        assertTrue(throttle.tryAttempt("ann", "owner").isEmpty());
        throttle.succeeded("ann", "owner");
        // other accounts are not under the ceiling
        fail("bob", "bot0");
        assertTrue(throttle.tryAttempt("bob", "bot0").isEmpty());
    }

    @Test
    @DisplayName("parallel guesses: the attempt is counted when let through, so a sixth sent at once is already delayed; "
            + "the wait runs from the end of the last verification")
    void countedWhenLetThrough() {
        for (int i = 0; i < 5; i++) {
            assertTrue(throttle.tryAttempt("ann", "A").isEmpty(), "attempt " + i);
        }
        assertTrue(throttle.tryAttempt("ann", "A").isPresent(), "the sixth waits before any verification finished");
        // the verifications end 3 s later (a busy machine): the wait runs from then
        clock.now = clock.now.plusSeconds(3);
        for (int i = 0; i < 5; i++) {
            throttle.failed("ann", "A");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.tryAttempt("ann", "A"));
    }
}
