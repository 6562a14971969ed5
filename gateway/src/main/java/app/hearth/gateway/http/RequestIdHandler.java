package app.hearth.gateway.http;

import app.hearth.platform.logging.RequestIds;
import io.vertx.ext.web.RoutingContext;

/**
 * Names each HTTP request (docs/adr/0025): a well-formed incoming {@code X-Request-Id} (a proxy's
 * or a client's) is kept, anything else is replaced by a new id; the id goes back as the response's
 * {@code X-Request-Id} and onto every log line the request causes (the logging layer reads it).
 */
final class RequestIdHandler {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RequestIdHandler.class);

    private RequestIdHandler() {
    }

    static void handle(RoutingContext ctx) {
        String id = RequestIds.acceptOrGenerate(ctx.request().getHeader(RequestIds.HTTP_HEADER));
        ctx.response().putHeader(RequestIds.HTTP_HEADER, id);
        if (LOG.isDebugEnabled()) {
            long started = System.nanoTime();
            // the route's pattern, never the path: paths carry person and appointment ids
            ctx.addEndHandler(done -> LOG.debug("{} {} answered {} in {} ms", ctx.request().method(),
                    ctx.currentRoute() == null || ctx.currentRoute().getName() == null ? "-" : ctx.currentRoute().getName(),
                    ctx.response().getStatusCode(), (System.nanoTime() - started) / 1_000_000));
        }
        if (RequestIds.bind(id)) {
            ctx.next(); // the request's own duplicated context now carries it, callbacks included
        } else {
            RequestIds.within(id, ctx::next);
        }
    }
}
