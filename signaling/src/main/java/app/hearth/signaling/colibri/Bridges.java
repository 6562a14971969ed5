package app.hearth.signaling.colibri;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured bridges, their health and the selection among them. A bridge leaves use when a
 * health check or a request fails, and comes back when a health check succeeds.
 */
public final class Bridges {

    private static final Logger LOG = LoggerFactory.getLogger(Bridges.class);

    private final List<Bridge> bridges;
    private final BridgeHttp http;
    private final BridgeSelectionStrategy strategy;

    public Bridges(BridgeConfig config, BridgeHttp http, BridgeSelectionStrategy strategy) {
        this.bridges = config.urls().stream().map(Bridge::new).toList();
        this.http = http;
        this.strategy = strategy;
    }

    /** Every configured bridge, healthy or not, in configuration order. */
    public List<Bridge> all() {
        return bridges;
    }

    /**
     * Asks every bridge {@code GET /about/health} (200: healthy; 500 with a reason, another status or
     * no answer: unhealthy).
     *
     * @return the bridges that were healthy before this check and are not any more
     */
    public List<Bridge> checkHealth() {
        List<Bridge> lost = new ArrayList<>();
        for (Bridge bridge : bridges) {
            String failure;
            try {
                BridgeHttp.Response response = http.get(bridge.health());
                failure = response.status() == 200 ? null
                        : "health " + response.status() + " " + ColibriException.reason(response.body());
            } catch (Exception e) {
                failure = "health check got no answer: " + e.getMessage();
            }
            boolean changed = bridge.setHealthy(failure == null, failure);
            if (changed && failure == null) {
                LOG.info("Bridge {} is healthy again", bridge);
            } else if (changed) {
                LOG.warn("Bridge {} is unhealthy: {}", bridge, failure);
                lost.add(bridge);
            }
        }
        return lost;
    }

    /** Whether the bridge answers its health check now (200), e.g. after a request of it timed out. */
    boolean answersHealth(Bridge bridge) {
        try {
            return http.get(bridge.health()).status() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** The bridge for a new circle, among the healthy ones, by the strategy. */
    public Optional<Bridge> select() {
        return strategy.select(bridges.stream().filter(Bridge::healthy).toList());
    }

    /** A bridge that failed a request stays out of use until a health check says otherwise. */
    void markFailed(Bridge bridge, String reason) {
        if (bridge.setHealthy(false, reason)) {
            LOG.warn("Bridge {} failed and is taken out of use: {}", bridge, reason);
        }
    }
}
