package app.hearth.room;

/**
 * One connection's message allowance: a token bucket, and a second one for its patience.
 *
 * <p>Each message takes a token from the allowance, which holds up to {@code burst} tokens and refills
 * at {@code perSecond}: a real call's set-up (a description, batches of candidates, media state, a
 * chat line, all within a second) passes, while the rate over any longer stretch stays bounded. A
 * message that finds the allowance empty is refused ({@link Verdict#OVER}) and takes a token from the
 * patience, which holds {@code 2 × perSecond} and also refills at {@code perSecond}. So a client that
 * keeps sending up to twice the rate is refused its excess but never closed; only a flood beyond
 * that, kept up, empties the patience ({@link Verdict#FLOOD}: the connection is closed).
 *
 * <p>Time comes from the caller (milliseconds of any monotonic-enough clock); time going backwards
 * counts as no time. A connection's messages arrive on its one event loop; the lock is uncontended.
 */
final class RateBucket {

    enum Verdict { OK, OVER, FLOOD }

    private final double perMilli;
    private final double burst;
    private final double patienceCapacity;
    private double tokens;
    private double patience;
    private long last;

    RateBucket(int perSecond, int burst, long nowMillis) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a rate and a burst of at least 1 are needed");
        }
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
        this.patienceCapacity = 2.0 * perSecond;
        this.tokens = burst;
        this.patience = patienceCapacity;
        this.last = nowMillis;
    }

    synchronized Verdict admit(long nowMillis) {
        long elapsed = Math.max(0, nowMillis - last);
        last = Math.max(last, nowMillis);
        tokens = Math.min(burst, tokens + elapsed * perMilli);
        patience = Math.min(patienceCapacity, patience + elapsed * perMilli);
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.OK;
        }
        patience -= 1;
        return patience < 0 ? Verdict.FLOOD : Verdict.OVER;
    }
}
