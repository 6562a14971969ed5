package app.hearth.gateway.api;

import app.hearth.gateway.http.Authenticate;
import app.hearth.gateway.mail.Mailer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** The development mail page (issue 15): what this clinic's mail outbox sent. Production answers 404 before this. */
public final class DevMailApi {

    private final Mailer mailer;

    public DevMailApi(Mailer mailer) {
        this.mailer = mailer;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("listDevMail").addHandler(ctx -> {
            Integer limit = Replies.queryInt(ctx, "limit");
            Replies.reply(ctx, mailer.recentlySent(Authenticate.actor(ctx), limit == null ? 50 : limit), 200, list -> {
                JsonArray items = new JsonArray();
                list.forEach(m -> items.add(new JsonObject().put("id", m.id()).put("to", m.to()).put("kind", m.kind())
                        .put("subject", m.subject()).put("text", m.text()).put("sentAt", m.sentAt().toString())));
                return new JsonObject().put("items", items);
            });
        });
    }
}
