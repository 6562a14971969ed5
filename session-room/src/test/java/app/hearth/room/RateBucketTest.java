package app.hearth.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.room.RateBucket.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-connection message allowance, on a clock the test moves by hand. */
@DisplayName("Room message rate: a token bucket with a burst, and patience for a while over the rate")
class RateBucketTest {

    static final int RATE = 20;
    static final int BURST = 60;

    /** Sends {@code count} messages evenly over {@code millis} from {@code start}; returns the verdicts. */
    static List<Verdict> send(RateBucket bucket, long start, int count, long millis) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            verdicts.add(bucket.admit(start + (millis * i) / count));
        }
        return verdicts;
    }

    static long count(List<Verdict> verdicts, Verdict kind) {
        return verdicts.stream().filter(v -> v == kind).count();
    }

    @Test
    @DisplayName("a burst up to its size at one instant passes; the next message is refused, not closed")
    void burst() {
        RateBucket bucket = new RateBucket(RATE, BURST, 0);
        List<Verdict> verdicts = send(bucket, 1_000, BURST, 0);
        assertEquals(BURST, count(verdicts, Verdict.OK));
        assertEquals(Verdict.OVER, bucket.admit(1_000));
    }

    @Test
    @DisplayName("a real call's set-up (26 messages in one second) passes in full, and again a few seconds later")
    void callSetUp() {
        RateBucket bucket = new RateBucket(RATE, BURST, 0);
        assertEquals(26, count(send(bucket, 0, 26, 1_000), Verdict.OK));
        assertEquals(26, count(send(bucket, 3_000, 26, 1_000), Verdict.OK));
    }

    @Test
    @DisplayName("the allowance refills at the rate: after an empty bucket, one message per 50 ms passes")
    void refill() {
        RateBucket bucket = new RateBucket(RATE, BURST, 0);
        send(bucket, 0, BURST, 0);
        assertEquals(Verdict.OVER, bucket.admit(10));
        assertEquals(Verdict.OK, bucket.admit(60));
        assertEquals(Verdict.OVER, bucket.admit(61));
        assertEquals(Verdict.OK, bucket.admit(111));
    }

    @Test
    @DisplayName("a steady 1.5× the rate for ten minutes: the excess is refused, the connection never closed")
    void steadyOneAndAHalf() {
        RateBucket bucket = new RateBucket(RATE, BURST, 0);
        List<Verdict> verdicts = send(bucket, 0, 30 * 600, 600_000);
        assertEquals(0, count(verdicts, Verdict.FLOOD));
        // the burst, then the rate: 60 + 20 a second pass, the rest is refused
        assertEquals(BURST + RATE * 600, count(verdicts, Verdict.OK), 2);
    }

    @Test
    @DisplayName("a flood at 10× the rate is closed within its first second; at 3× within seconds")
    void flood() {
        RateBucket fast = new RateBucket(RATE, BURST, 0);
        List<Verdict> tenTimes = send(fast, 0, 200, 1_000);
        assertEquals(Verdict.FLOOD, tenTimes.get(tenTimes.size() - 1));
        RateBucket steady = new RateBucket(RATE, BURST, 0);
        List<Verdict> threeTimes = send(steady, 0, 60 * 10, 10_000);
        int firstFlood = threeTimes.indexOf(Verdict.FLOOD);
        // the burst lasts 1.5 s (60 + 20/s against 60/s), then 40 of patience drains at 40 - 20 a second: 3.5 s in
        assertEquals(210, firstFlood, 5);
    }

    @Test
    @DisplayName("a clock going backwards counts as no time, not as a refill")
    void backwards() {
        RateBucket bucket = new RateBucket(RATE, BURST, 10_000);
        send(bucket, 10_000, BURST, 0);
        assertEquals(Verdict.OVER, bucket.admit(5_000));
        assertEquals(Verdict.OVER, bucket.admit(10_000));
        assertEquals(Verdict.OK, bucket.admit(10_050));
    }
}
