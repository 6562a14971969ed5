package app.hearth.signaling.colibri;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jitsi Videobridges Hearth may use (HEARTH_JVB_URLS: their private HTTP APIs), with their
 * health and load. Selection is the healthy bridge with the fewest endpoints Hearth has placed on
 * it (jicofo's "least loaded" strategy, without regions).
 */
public final class Bridges {

    private static final Logger LOG = LoggerFactory.getLogger(Bridges.class);

    /** One bridge: where its API is, whether it answered its last health check, how many endpoints Hearth put there. */
    public static final class Bridge {
        private final URI base;
        private volatile boolean healthy = true;
        private final AtomicInteger endpoints = new AtomicInteger();

        Bridge(URI base) {
            this.base = base;
        }

        public URI base() {
            return base;
        }

        public boolean healthy() {
            return healthy;
        }

        public int endpoints() {
            return endpoints.get();
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

        @Override
        public String toString() {
            return base.toString();
        }
    }

    private final List<Bridge> bridges;
    private final BridgeHttp http;

    public Bridges(List<URI> urls, BridgeHttp http) {
        this.bridges = urls.stream().map(Bridge::new).toList();
        this.http = http;
    }

    public List<Bridge> all() {
        return bridges;
    }

    public boolean configured() {
        return !bridges.isEmpty();
    }

    /** Asks every bridge for its health ({@code GET /about/health}: 200 healthy, 500 with a reason). */
    public void checkHealth() {
        for (Bridge bridge : bridges) {
            boolean was = bridge.healthy;
            try {
                bridge.healthy = http.send("GET", bridge.base.resolve("/about/health"), null).status() == 200;
            } catch (Exception e) {
                bridge.healthy = false;
            }
            if (was != bridge.healthy) {
                LOG.info("Bridge {} is now {}", bridge, bridge.healthy ? "healthy" : "unhealthy");
            }
        }
    }

    public Optional<Bridge> select() {
        return bridges.stream().filter(Bridge::healthy).min(Comparator.comparingInt(Bridge::endpoints));
    }

    /** A bridge that failed a request is out until a health check says otherwise. */
    public void markUnhealthy(Bridge bridge) {
        if (bridge.healthy) {
            LOG.warn("Bridge {} failed a request and is taken out of use", bridge);
        }
        bridge.healthy = false;
    }
}
