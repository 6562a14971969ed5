package app.hearth.gateway.api;

import app.hearth.gateway.http.Authenticate;
import app.hearth.notify.MailPreferencesService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** Each person's optional mail (docs/adr/0029): their own, or (admins) a person's of their clinic. */
public final class MailPreferencesApi {

    private final MailPreferencesService preferences;

    public MailPreferencesApi(MailPreferencesService preferences) {
        this.preferences = preferences;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("getMyMailPreferences").addHandler(ctx -> Replies.reply(ctx,
                preferences.get(Authenticate.actor(ctx), Authenticate.actor(ctx).personId()), 200, MailPreferencesApi::view));
        builder.getRoute("updateMyMailPreferences").addHandler(ctx -> Replies.reply(ctx,
                preferences.update(Authenticate.actor(ctx), Authenticate.actor(ctx).personId(), wanted(Replies.body(ctx))), 200,
                MailPreferencesApi::view));
        builder.getRoute("getMailPreferences").addHandler(ctx -> Replies.reply(ctx,
                preferences.get(Authenticate.actor(ctx), Replies.pathParam(ctx, "personId")), 200, MailPreferencesApi::view));
        builder.getRoute("updateMailPreferences").addHandler(ctx -> Replies.reply(ctx,
                preferences.update(Authenticate.actor(ctx), Replies.pathParam(ctx, "personId"), wanted(Replies.body(ctx))), 200,
                MailPreferencesApi::view));
    }

    private static Map<String, Boolean> wanted(JsonObject body) {
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        body.forEach(e -> wanted.put(e.getKey(), (Boolean) e.getValue()));
        return wanted;
    }

    static JsonObject view(Map<String, Boolean> kinds) {
        JsonObject view = new JsonObject();
        kinds.forEach(view::put);
        return view;
    }
}
