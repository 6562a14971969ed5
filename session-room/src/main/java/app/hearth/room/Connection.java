package app.hearth.room;

import app.hearth.platform.access.Actor;
import io.vertx.core.json.JsonObject;

/**
 * One browser's WebSocket, as the room sees it. The gateway adapts the real socket; tests may use a
 * recording one. Implementations are safe to call from any thread.
 */
public interface Connection {

    String id();

    /** Who opened it (from the single-use connection ticket, checked before the upgrade). */
    Actor actor();

    void send(JsonObject message);

    /**
     * Sends a message already encoded as JSON text: a room message going to many members is encoded
     * once (docs/adr/0028). Real sockets write the text as it is.
     */
    default void sendText(String json) {
        send(new JsonObject(json));
    }

    /** A WebSocket ping frame: the browser answers with a pong by itself, even in a background tab. */
    void ping();

    void close(short code, String reason);

    /**
     * Closes, and reads nothing more from it: what a flooding client still sends stays unread in the
     * network (costing the node nothing) until the close completes or times out.
     */
    default void closeUnread(short code, String reason) {
        close(code, reason);
    }
}
