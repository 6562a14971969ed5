package app.hearth.room.bridge;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A media server for circles larger than a peer-to-peer mesh (a port: the signaling module plugs in
 * Jitsi Videobridge through Colibri2; session rooms never depend on it). Methods block on the
 * network: {@link BridgedCircles} calls them on worker threads, one call per circle at a time.
 *
 * <p>Each participant has one connection to the server; Hearth sends it SDP offers and passes back
 * the browser's answers and candidates. Participant ids are person ids; a participant's media reaches
 * the others in a MediaStream named by that id.
 */
public interface CircleMediaServer {

    /**
     * An offer for one participant's browser. {@code newConnection}: answer it in a new RTCPeerConnection.
     * {@code channelUrl}: the server's message channel for this connection (a colibri WebSocket the browser
     * opens to state which video it wants and to hear who speaks), or null when the server has none.
     */
    record Offer(String personId, String sdp, boolean newConnection, String channelUrl) {
        public Offer(String personId, String sdp, boolean newConnection) {
            this(personId, sdp, newConnection, null);
        }
    }

    /**
     * What a call changed for a circle's browsers.
     *
     * @param offers offers to send, at most one per participant
     * @param lost   the circle has no conference any more and none could be made
     */
    record Change(List<Offer> offers, boolean lost) {
        public Change {
            offers = List.copyOf(offers);
        }

        public static Change none() {
            return new Change(List.of(), false);
        }
    }

    /** Whether a media server is configured at all. */
    boolean configured();

    /** A participant's (new) connection: its first offer has {@code newConnection}; others may get renegotiations. */
    Change join(String roomId, String personId) throws MediaServerException;

    /** The browser's answer to its latest offer (its transport and the sources it sends). */
    Change answer(String roomId, String personId, String sdp) throws MediaServerException;

    /** A trickled ICE candidate line from the browser ({@code candidate:…}); blank ends the candidates. */
    Change candidate(String roomId, String personId, String candidate) throws MediaServerException;

    /** A participant's microphone or camera went off or on: the others' offers drop or regain that source. Never throws. */
    Change mute(String roomId, String personId, boolean audioOn, boolean videoOn);

    /** A participant left the circle's video. Never throws. */
    Change leave(String roomId, String personId);

    /** Who has a connection in the circle now. */
    List<String> participants(String roomId);

    /** The circle's room closed: everything on the server for it goes. Never throws. */
    void close(String roomId);

    /** Watches the servers' health; a circle moved to another server or lost is reported with its room id. */
    void startHealthChecks(BiConsumer<String, Change> onChange);

    /** Stops the health checks. */
    void stop();

    /** No media server: circles stay within the mesh. */
    CircleMediaServer NONE = new CircleMediaServer() {
        @Override
        public boolean configured() {
            return false;
        }

        @Override
        public Change join(String roomId, String personId) throws MediaServerException {
            throw new MediaServerException(MediaServerException.Kind.UNAVAILABLE, "No media server is configured");
        }

        @Override
        public Change answer(String roomId, String personId, String sdp) throws MediaServerException {
            throw new MediaServerException(MediaServerException.Kind.UNAVAILABLE, "No media server is configured");
        }

        @Override
        public Change candidate(String roomId, String personId, String candidate) throws MediaServerException {
            throw new MediaServerException(MediaServerException.Kind.UNAVAILABLE, "No media server is configured");
        }

        @Override
        public Change mute(String roomId, String personId, boolean audioOn, boolean videoOn) {
            return Change.none();
        }

        @Override
        public Change leave(String roomId, String personId) {
            return Change.none();
        }

        @Override
        public List<String> participants(String roomId) {
            return List.of();
        }

        @Override
        public void close(String roomId) {
        }

        @Override
        public void startHealthChecks(BiConsumer<String, Change> onChange) {
        }

        @Override
        public void stop() {
        }
    };
}
