package app.hearth.room;

import app.hearth.room.bridge.CircleMediaServer;
import io.vertx.core.json.JsonArray;

/**
 * How media flows in rooms, as the signaling module decides it (a port: session rooms never depend
 * on signaling). The gateway plugs in ICE servers with TURN credentials minted per person and room.
 */
public interface MediaPlan {

    /** Circles up to this size use a peer-to-peer mesh when no media server is configured. */
    int MAX_MESH_SIZE = 4;

    /**
     * ICE servers for one person in one room, as RTCIceServer JSON ({urls, username?, credential?});
     * TURN credentials in it expire on their own.
     */
    JsonArray iceServers(String personId, String roomId);

    /**
     * The media server circles go through (Jitsi Videobridge), or {@link CircleMediaServer#NONE}: then
     * circles up to {@link #MAX_MESH_SIZE} use a peer-to-peer mesh.
     */
    CircleMediaServer circleServer();

    /** STUN only from configuration, no TURN, no media server: what tests and the embedded default use. */
    static MediaPlan directOnly(JsonArray iceServers) {
        return new MediaPlan() {
            @Override
            public JsonArray iceServers(String personId, String roomId) {
                return iceServers.copy();
            }

            @Override
            public CircleMediaServer circleServer() {
                return CircleMediaServer.NONE;
            }
        };
    }
}
