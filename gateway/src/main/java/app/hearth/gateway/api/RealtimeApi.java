package app.hearth.gateway.api;

import app.hearth.gateway.auth.ConnectionTickets;
import app.hearth.gateway.http.Authenticate;
import app.hearth.gateway.rooms.RoomSocket;
import app.hearth.gateway.rooms.SessionSockets;
import app.hearth.platform.problem.CommonProblems;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Tickets that open the room WebSocket ({@code /ws}); see {@link RoomSocket}. */
public final class RealtimeApi {

    private final ConnectionTickets tickets;
    private final SessionSockets sockets;

    public RealtimeApi(ConnectionTickets tickets, SessionSockets sockets) {
        this.tickets = tickets;
        this.sockets = sockets;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("issueConnectionTicket").addHandler(ctx -> {
            long wait = sockets.coolingSeconds(Authenticate.session(ctx), System.currentTimeMillis());
            if (wait > 0) {
                // a socket of this session was just closed for flooding (see SessionSockets)
                ctx.response().putHeader("Retry-After", Long.toString(wait));
                ctx.fail(CommonProblems.RATE_LIMITED.exception("Too many messages were sent on the last connection; "
                        + "connect again in " + wait + " seconds"));
                return;
            }
            issue(ctx);
        });
    }

    private void issue(io.vertx.ext.web.RoutingContext ctx) {
        Replies.reply(ctx, tickets.issue(Authenticate.actor(ctx), Authenticate.session(ctx)),
                201, t -> new JsonObject().put("ticket", t.ticket()).put("expiresAt", t.expiresAt().toString())
                        .put("url", RoomSocket.PATH + "?ticket=" + URLEncoder.encode(t.ticket(), StandardCharsets.UTF_8)));
    }
}
