package app.hearth.gateway.rooms;

import app.hearth.gateway.auth.AccessSession;
import app.hearth.gateway.auth.ConnectionTickets;
import app.hearth.gateway.auth.RevokedSessions;
import app.hearth.platform.access.Actor;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.protocol.ws.WsErrorCode;
import app.hearth.room.Connection;
import app.hearth.room.RoomHub;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code /ws}. Everything is checked before the upgrade (habit 5): the path,
 * the page's origin, the single-use connection ticket, and that the session of the access token the
 * ticket was issued for has not been revoked since; a refused handshake gets 401, 403 or 404 and
 * never becomes a socket. After the upgrade the socket is handed to the node's {@link RoomHub}, and
 * known to {@link SessionSockets} by its session, so that revoking the session closes it.
 */
public final class RoomSocket implements Handler<ServerWebSocketHandshake> {

    public static final String PATH = "/ws";
    private static final Logger LOG = LoggerFactory.getLogger(RoomSocket.class);

    private final ConnectionTickets tickets;
    private final RoomHub hub;
    private final String publicOrigin;
    private final boolean trustForwarded;
    private final RevokedSessions revoked;
    private final SessionSockets sessions;

    public RoomSocket(ConnectionTickets tickets, RoomHub hub, String publicBaseUrl, boolean trustForwarded,
                      RevokedSessions revoked, SessionSockets sessions) {
        this.revoked = revoked;
        this.sessions = sessions;
        this.tickets = tickets;
        this.hub = hub;
        this.publicOrigin = origin(publicBaseUrl);
        this.trustForwarded = trustForwarded;
    }

    @Override
    public void handle(ServerWebSocketHandshake handshake) {
        if (!PATH.equals(handshake.path())) {
            handshake.reject(404);
            return;
        }
        String origin = handshake.headers().get("Origin");
        if (origin != null && !origin.equals(publicOrigin) && !origin.equals(handshake.scheme() + "://" + handshake.authority())) {
            // A page of another site must not open a socket with a ticket it somehow got.
            handshake.reject(403);
            return;
        }
        List<String> values = new QueryStringDecoder(handshake.uri()).parameters().get("ticket");
        String ticket = values == null || values.size() != 1 ? null : values.get(0);
        if (ticket == null) {
            handshake.reject(401);
            return;
        }
        tickets.spend(ticket, address(handshake)).onComplete(spent -> {
            if (spent.failed()) {
                LOG.warn("Connection ticket could not be checked: {}", spent.cause().toString());
                handshake.reject(503);
            } else if (spent.result().isEmpty() || revoked.isRevoked(spent.result().get().session())) {
                handshake.reject(401);
            } else {
                ConnectionTickets.Holder holder = spent.result().get();
                // the upgrade's request id; each message on the socket is named after it (docs/adr/0025)
                String requestId = app.hearth.platform.logging.RequestIds.acceptOrGenerate(
                        handshake.headers().get(app.hearth.platform.logging.RequestIds.HTTP_HEADER));
                io.vertx.core.Future<ServerWebSocket> accepted;
                try {
                    accepted = handshake.accept();
                } catch (IllegalStateException e) {
                    // Vert.x 5.0 throws here when the client went away while the ticket was checked: the
                    // upgrade fails, then its own fallback answer finds the response already started
                    LOG.debug("WebSocket upgrade failed, the client is gone: {}", e.toString());
                    return;
                }
                accepted.onSuccess(ws -> attach(ws, holder.actor(), holder.session(), requestId))
                        .onFailure(e -> LOG.debug("WebSocket upgrade failed: {}", e.toString()));
            }
        });
    }

    private void attach(ServerWebSocket ws, Actor actor, AccessSession session, String requestId) {
        SocketConnection connection = new SocketConnection(OpaqueTokens.newSecret(), actor, ws,
                () -> sessions.flooded(session, System.currentTimeMillis()));
        String id = connection.id();
        // each message handled under its own id, "<socket's id>.<n>", so its log lines (and the room
        // events it publishes, on every node) are told apart and traced back to the socket
        String socketRequestId = requestId.length() > 50 ? requestId.substring(0, 50) : requestId;
        java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
        ws.textMessageHandler(text -> app.hearth.platform.logging.RequestIds.within(
                socketRequestId + "." + sequence.incrementAndGet(), () -> {
                    LOG.debug("Room message received ({} characters)", text.length());
                    hub.received(id, text);
                }));
        ws.binaryMessageHandler(data -> connection.send(new JsonObject().put("type", "error")
                .put("code", WsErrorCode.INVALID_MESSAGE.wire()).put("message", "Send JSON text messages, not binary ones")));
        ws.pongHandler(data -> hub.heard(id));
        ws.exceptionHandler(e -> {
            if (e instanceof CorruptedWebSocketFrameException bad) {
                // Netty has answered with a close (1002 protocol error, 1009 too big) already; what the
                // client sent is never logged, only what was wrong with it.
                LOG.info("Room socket closed for a protocol error ({}): {}", bad.closeStatus(), kind(bad));
            } else {
                LOG.debug("WebSocket error: {}", e.toString());
            }
        });
        ws.closeHandler(v -> {
            sessions.closed(id);
            hub.liveConnections().closed(id);
            hub.closed(id);
        });
        sessions.opened(session, connection);
        hub.opened(connection);
        // "has a Hearth page open anywhere" (issue 15): every signed-in page keeps this socket
        hub.liveConnections().opened(id, actor.clinicId(), actor.personId());
        if (revoked.isRevoked(session)) {
            // revoked between the ticket check and now: the event may have passed this socket by
            connection.close(SessionSockets.CLOSE_SESSION_REVOKED, "session ended");
        }
    }

    /** What was wrong with a frame, in words that carry nothing the client sent. */
    private static String kind(CorruptedWebSocketFrameException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("RSV != 0")) {
            return "compressed frame refused (no compression is negotiated)";
        }
        String plain = message.replaceAll("[^A-Za-z0-9 .,:()!=<>_-]", "?");
        return plain.substring(0, Math.min(120, plain.length()));
    }

    private String address(ServerWebSocketHandshake handshake) {
        if (trustForwarded) {
            String forwarded = handshake.headers().get("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].strip();
            }
        }
        return handshake.remoteAddress() == null ? "unknown" : handshake.remoteAddress().hostAddress();
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    /** A real socket as the room hub sees it. Writes after the close are dropped, not errors. */
    private static final class SocketConnection implements Connection {
        private final String id;
        private final Actor actor;
        private final ServerWebSocket ws;
        private final Runnable onFlood;

        SocketConnection(String id, Actor actor, ServerWebSocket ws, Runnable onFlood) {
            this.id = id;
            this.actor = actor;
            this.ws = ws;
            this.onFlood = onFlood;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Actor actor() {
            return actor;
        }

        @Override
        public void send(JsonObject message) {
            if (!ws.isClosed()) {
                ws.writeTextMessage(message.encode());
            }
        }

        @Override
        public void sendText(String json) {
            if (!ws.isClosed()) {
                ws.writeTextMessage(json);
            }
        }

        @Override
        public void ping() {
            if (!ws.isClosed()) {
                ws.writePing(Buffer.buffer("hb"));
            }
        }

        @Override
        public void close(short code, String reason) {
            if (!ws.isClosed()) {
                ws.close(code, reason);
            }
        }

        @Override
        public void closeUnread(short code, String reason) {
            onFlood.run(); // the hub closes unread only a socket that flooded it
            ws.pause(); // the close frame still goes out; nothing more is read or decoded
            close(code, reason);
        }
    }
}
