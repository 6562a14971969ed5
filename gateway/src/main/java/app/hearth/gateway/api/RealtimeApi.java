package app.hearth.gateway.api;

import app.hearth.gateway.auth.ConnectionTickets;
import app.hearth.gateway.http.Authenticate;
import app.hearth.gateway.rooms.RoomSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Tickets that open the room WebSocket ({@code /ws}); see {@link RoomSocket}. */
public final class RealtimeApi {

    private final ConnectionTickets tickets;

    public RealtimeApi(ConnectionTickets tickets) {
        this.tickets = tickets;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("issueConnectionTicket").addHandler(ctx -> Replies.reply(ctx, tickets.issue(Authenticate.actor(ctx), Authenticate.session(ctx)),
                201, t -> new JsonObject().put("ticket", t.ticket()).put("expiresAt", t.expiresAt().toString())
                        .put("url", RoomSocket.PATH + "?ticket=" + URLEncoder.encode(t.ticket(), StandardCharsets.UTF_8))));
    }
}
