package app.hearth.signaling.colibri;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Jitsi Videobridge as Hearth sees it: where its private API is, whether it is in use (its last
 * health check and requests succeeded), and its load — the number of endpoints Hearth has allocated
 * on it (Hearth is the only client of its bridges, so it needs no stats from them).
 */
public final class Bridge {

    private final URI base;
    private volatile boolean healthy = true;
    private volatile String lastFailure = "";
    private final AtomicInteger endpoints = new AtomicInteger();

    Bridge(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** False after a failed health check or request, until a health check succeeds again. */
    public boolean healthy() {
        return healthy;
    }

    /** Why the bridge was last taken out of use (empty when it never was). */
    public String lastFailure() {
        return lastFailure;
    }

    /** Endpoints Hearth currently has on this bridge. */
    public int endpoints() {
        return endpoints.get();
    }

    /** True when it changed. */
    boolean setHealthy(boolean now, String reason) {
        if (!now) {
            lastFailure = reason;
        }
        boolean was = healthy;
        healthy = now;
        return was != now;
    }

    void changeEndpoints(int delta) {
        endpoints.updateAndGet(n -> Math.max(0, n + delta));
    }

    URI conferences() {
        return base.resolve("/colibri/v2/conferences");
    }

    URI conference(String meetingId) {
        return base.resolve("/colibri/v2/conferences/" + meetingId);
    }

    URI health() {
        return base.resolve("/about/health");
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
