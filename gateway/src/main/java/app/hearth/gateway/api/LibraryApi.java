package app.hearth.gateway.api;

import app.hearth.gateway.http.Authenticate;
import app.hearth.room.library.ExerciseLibrary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** Operations tagged {@code library} that carry JSON; audio files go through {@link AudioEndpoints}. */
public final class LibraryApi {

    private final ExerciseLibrary library;

    public LibraryApi(ExerciseLibrary library) {
        this.library = library;
    }

    private static boolean includeArchived(io.vertx.ext.web.RoutingContext ctx) {
        io.vertx.openapi.validation.RequestParameter flag = Replies.validated(ctx).getQuery().get("includeArchived");
        return flag != null && !flag.isNull() && !flag.isEmpty() && Boolean.TRUE.equals(flag.getBoolean());
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("listExercises").addHandler(ctx -> Replies.reply(ctx, library.list(Authenticate.actor(ctx),
                Replies.query(ctx, "kind"), includeArchived(ctx)), 200,
                items -> new JsonObject().put("items", new JsonArray(items))));
        builder.getRoute("createExercise").addHandler(ctx -> Replies.reply(ctx,
                library.create(Authenticate.actor(ctx), Replies.body(ctx)), 201, x -> x));
        builder.getRoute("getExercise").addHandler(ctx -> Replies.reply(ctx,
                library.get(Authenticate.actor(ctx), Replies.pathParam(ctx, "exerciseId")), 200, x -> x));
        builder.getRoute("updateExercise").addHandler(ctx -> Replies.reply(ctx,
                library.update(Authenticate.actor(ctx), Replies.pathParam(ctx, "exerciseId"), Replies.body(ctx)), 200, x -> x));
        builder.getRoute("copyExercise").addHandler(ctx -> Replies.reply(ctx,
                library.copy(Authenticate.actor(ctx), Replies.pathParam(ctx, "exerciseId")), 201, x -> x));
        builder.getRoute("archiveExercise").addHandler(ctx -> Replies.reply(ctx, library.archive(Authenticate.actor(ctx),
                Replies.pathParam(ctx, "exerciseId"), Replies.body(ctx).getBoolean("archived")), 200, x -> x));
    }
}
