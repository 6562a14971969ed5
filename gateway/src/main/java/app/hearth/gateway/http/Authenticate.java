package app.hearth.gateway.http;

import app.hearth.gateway.auth.AccessSession;
import app.hearth.gateway.auth.AccessTokens;
import app.hearth.platform.access.Actor;
import app.hearth.platform.problem.CommonProblems;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Requires a valid access token and puts the caller ({@link Actor}) into the routing context. */
public final class Authenticate implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticate.class);
    private static final String ACTOR = "hearth.actor";
    private static final String SESSION = "hearth.session";

    private final AccessTokens tokens;

    public Authenticate(AccessTokens tokens) {
        this.tokens = tokens;
    }

    public static Actor actor(RoutingContext ctx) {
        Actor actor = ctx.get(ACTOR);
        if (actor == null) {
            throw new IllegalStateException("route has no Authenticate handler in front of it");
        }
        return actor;
    }

    /** The session of the caller's access token (tickets for sockets carry it on). */
    public static AccessSession session(RoutingContext ctx) {
        AccessSession session = ctx.get(SESSION);
        if (session == null) {
            throw new IllegalStateException("route has no Authenticate handler in front of it");
        }
        return session;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 4096) {
            ctx.fail(CommonProblems.UNAUTHENTICATED.exception("Send an access token as 'Authorization: Bearer <token>'"));
            return;
        }
        String token = header.substring(7).trim();
        tokens.verify(token, ClientAddress.of(ctx)).onComplete(result -> {
            if (result.succeeded()) {
                ctx.put(ACTOR, result.result().actor());
                ctx.put(SESSION, result.result().session());
                ctx.next();
            } else {
                // The reason helps operators; the token itself is never logged.
                LOG.debug("Access token refused: {}", result.cause().getMessage());
                ctx.fail(CommonProblems.UNAUTHENTICATED.exception("The access token is not valid or has expired"));
            }
        });
    }
}
