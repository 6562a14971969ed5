package app.hearth.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.function.Function;

/** Small helpers that keep the handlers to one line of intent each. */
final class Replies {

    private Replies() {
    }

    /** Answers with the mapped result, or hands the failure to the problem responder. */
    static <T> void reply(RoutingContext ctx, Future<T> result, int status, Function<T, JsonObject> view) {
        result.onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
            } else {
                ctx.response().setStatusCode(status)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store")
                        .end(view.apply(done.result()).encode());
            }
        });
    }

    /** Turns a parse or construction failure of a request's input into a failed future (answered as a problem). */
    static <T> Future<T> parse(java.util.function.Supplier<T> parser) {
        try {
            return Future.succeededFuture(parser.get());
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    static void noContent(RoutingContext ctx, Future<?> result) {
        result.onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
            } else {
                ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
            }
        });
    }

    static ValidatedRequest validated(RoutingContext ctx) {
        return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    }

    /** The validated JSON body (the contract guarantees an object). */
    static JsonObject body(RoutingContext ctx) {
        return validated(ctx).getBody().getJsonObject();
    }

    static String pathParam(RoutingContext ctx, String name) {
        return validated(ctx).getPathParameters().get(name).getString();
    }

    static String query(RoutingContext ctx, String name) {
        RequestParameter parameter = validated(ctx).getQuery().get(name);
        return parameter == null || parameter.isNull() || parameter.isEmpty() ? null : parameter.getString();
    }

    static Integer queryInt(RoutingContext ctx, String name) {
        RequestParameter parameter = validated(ctx).getQuery().get(name);
        return parameter == null || parameter.isNull() || parameter.isEmpty() ? null : parameter.getInteger();
    }
}
