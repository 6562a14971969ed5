package app.hearth.room;

/**
 * Messages per connection per one-second window: up to the limit is fine, beyond it each message is
 * refused, and twice the limit in one window means a flood (the connection is closed).
 */
final class RateWindow {

    enum Verdict { OK, OVER, FLOOD }

    private final int perSecond;
    private long windowStart;
    private int count;

    RateWindow(int perSecond) {
        this.perSecond = perSecond;
    }

    synchronized Verdict admit(long nowMillis) {
        if (nowMillis - windowStart >= 1000) {
            windowStart = nowMillis;
            count = 0;
        }
        count++;
        if (count > 2 * perSecond) {
            return Verdict.FLOOD;
        }
        return count > perSecond ? Verdict.OVER : Verdict.OK;
    }
}
