package app.hearth.gateway.testing;

import java.time.Duration;

/** Polls an assertion until it holds or time runs out, then fails saying what it waited for. */
public final class Eventually {

    private Eventually() {
    }

    public static void within(Duration timeout, String waitingFor, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AssertionError last;
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError | RuntimeException e) {
                last = e instanceof AssertionError ae ? ae : new AssertionError(e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + timeout.toSeconds() + " s for " + waitingFor
                        + "; last failure: " + last.getMessage(), last);
            }
            try {
                Thread.sleep(100); // polling interval, not a fixed wait for an outcome
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw last;
            }
        }
    }
}
