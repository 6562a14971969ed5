package app.hearth.booking.schedule;

import java.time.Duration;
import java.time.Instant;

/** A half-open interval [start, end) of real time. */
public record TimeRange(Instant start, Instant end) {

    public TimeRange {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("a time range ends after it starts: " + start + " .. " + end);
        }
    }

    public boolean overlaps(TimeRange other) {
        return start.isBefore(other.end) && other.start.isBefore(end);
    }

    public boolean contains(TimeRange inner) {
        return !inner.start.isBefore(start) && !inner.end.isAfter(end);
    }

    public TimeRange widen(Duration before, Duration after) {
        return new TimeRange(start.minus(before), end.plus(after));
    }
}
