package app.hearth.gateway.api;

import app.hearth.booking.calendar.CalendarFeeds;
import app.hearth.gateway.http.Authenticate;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** Secret, revocable iCalendar feed URLs. */
public final class CalendarApi {

    private final CalendarFeeds feeds;
    private final String publicBaseUrl;

    public CalendarApi(CalendarFeeds feeds, String publicBaseUrl) {
        this.feeds = feeds;
        this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("createCalendarFeed").addHandler(ctx -> Replies.reply(ctx, feeds.rotate(Authenticate.actor(ctx)), 201,
                secret -> new JsonObject().put("url", publicBaseUrl + "/api/calendar-feeds/" + secret)));
        builder.getRoute("revokeCalendarFeed").addHandler(ctx -> Replies.noContent(ctx, feeds.revoke(Authenticate.actor(ctx))));
        builder.getRoute("getCalendarFeed").addHandler(ctx -> feeds.render(Replies.pathParam(ctx, "feedToken")).onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
            } else {
                ctx.response().putHeader("Content-Type", "text/calendar; charset=utf-8")
                        .putHeader("Cache-Control", "private, no-store")
                        .end(done.result());
            }
        }));
    }
}
