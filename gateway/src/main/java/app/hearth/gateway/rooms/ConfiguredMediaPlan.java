package app.hearth.gateway.rooms;

import app.hearth.gateway.config.NodeConfig;
import app.hearth.room.MediaPlan;
import app.hearth.room.bridge.CircleMediaServer;
import app.hearth.signaling.colibri.CircleConferences;
import app.hearth.signaling.turn.TurnCredentials;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;

/**
 * ICE servers from the node's configuration, with TURN credentials minted per person and room; and
 * Jitsi Videobridge for circles when bridges are configured.
 */
public final class ConfiguredMediaPlan implements MediaPlan {

    private final NodeConfig.Media config;
    private final Optional<TurnCredentials> turn;
    private final CircleMediaServer circleServer;

    public ConfiguredMediaPlan(NodeConfig.Media config, Clock clock) {
        this(config, clock, null);
    }

    /** With the bridges' health, load and allocation times on the node's metrics (docs/adr/0025). */
    public ConfiguredMediaPlan(NodeConfig.Media config, Clock clock, app.hearth.gateway.metrics.HearthMetrics metrics) {
        this.config = config;
        CircleConferences conferences = config.bridges().configured() ? new CircleConferences(config.bridges()) : null;
        if (conferences != null && metrics != null) {
            metrics.bindBridges(conferences.bridges().all());
        }
        this.circleServer = conferences != null ? new ColibriCircleServer(conferences, metrics) : CircleMediaServer.NONE;
        this.turn = config.turnSecret().filter(s -> !config.turnUrls().isEmpty())
                .map(secret -> new TurnCredentials(secret, config.turnTtl(), clock));
    }

    @Override
    public JsonArray iceServers(String personId, String roomId) {
        JsonArray servers = new JsonArray();
        if (!config.stunUrls().isEmpty()) {
            servers.add(new JsonObject().put("urls", new JsonArray(config.stunUrls())));
        }
        turn.ifPresent(t -> {
            TurnCredentials.Credential credential = t.mint(personId, roomId);
            servers.add(new JsonObject().put("urls", new JsonArray(config.turnUrls()))
                    .put("username", credential.username()).put("credential", credential.password()));
        });
        return servers;
    }

    @Override
    public CircleMediaServer circleServer() {
        return circleServer;
    }
}
