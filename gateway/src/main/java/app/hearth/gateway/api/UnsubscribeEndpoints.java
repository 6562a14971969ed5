package app.hearth.gateway.api;

import app.hearth.gateway.http.ProblemResponder;
import app.hearth.notify.MailPolicy;
import app.hearth.notify.MailPreferencesService;
import app.hearth.platform.problem.ProblemException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Unsubscribe links (docs/adr/0029, RFC 8058), documented in the OpenAPI contract and mounted
 * ahead of its router because the one-click POST is a form ({@code List-Unsubscribe=One-Click}),
 * not JSON. The secret in the path is the only credential: no sign-in. A GET shows a page that
 * asks to confirm (mail scanners open links, and must not unsubscribe anybody); the POST, from that
 * page or from the mail program's one-click button, turns the link's kind off. A link never names
 * an alert or appointment change: only optional kinds have links.
 */
public final class UnsubscribeEndpoints {

    static final String PATH = "/api/mail/unsubscribe/";

    private final MailPreferencesService preferences;

    public UnsubscribeEndpoints(MailPreferencesService preferences) {
        this.preferences = preferences;
    }

    public void mount(Router router) {
        router.get(PATH + ":token").handler(this::confirmPage);
        router.post(PATH + ":token").handler(BodyHandler.create(false).setBodyLimit(1024)).handler(this::unsubscribe);
    }

    private void confirmPage(RoutingContext ctx) {
        String token = ctx.pathParam("token");
        preferences.lookUp(token).onComplete(done -> {
            if (done.failed()) {
                notFound(ctx, done.cause(), true);
                return;
            }
            String what = MailPolicy.describe(done.result().kind());
            page(ctx, 200, "Stop " + what + "?", "<p>Press the button to stop getting " + esc(what) + " by email. "
                    + "Emails about appointments being booked, moved or cancelled, and alerts, still come: they cannot be turned off.</p>"
                    + "<form method=\"post\" action=\"" + esc(PATH + token) + "\">"
                    + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                    + "<button type=\"submit\">Stop " + esc(what) + "</button></form>"
                    + "<p>You can change all your email choices in Hearth: <a href=\"/#/settings/email\">Email preferences</a>.</p>");
        });
    }

    private void unsubscribe(RoutingContext ctx) {
        preferences.unsubscribe(ctx.pathParam("token")).onComplete(done -> {
            if (done.failed()) {
                notFound(ctx, done.cause(), wantsHtml(ctx));
                return;
            }
            String what = MailPolicy.describe(done.result().kind());
            page(ctx, 200, "Unsubscribed", "<p>You will no longer get " + esc(what) + " by email.</p>"
                    + "<p>To turn them on again, sign in to Hearth: <a href=\"/#/settings/email\">Email preferences</a>.</p>");
        });
    }

    /** An unknown or forged link: a page for a person's browser, problem+json for anything else. */
    private static void notFound(RoutingContext ctx, Throwable cause, boolean html) {
        if (!(cause instanceof ProblemException problem)) {
            ctx.fail(cause);
            return;
        }
        if (html) {
            page(ctx, problem.type().status(), "This link does not work", "<p>This unsubscribe link is not valid: it may be cut short, "
                    + "mistyped or too old.</p><p>Sign in to Hearth to change your email choices: "
                    + "<a href=\"/#/settings/email\">Email preferences</a>.</p>");
        } else {
            ProblemResponder.send(ctx, problem.type(), problem.detail(), null);
        }
    }

    private static boolean wantsHtml(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    private static void page(RoutingContext ctx, int status, String title, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        + "<title>" + esc(title) + " · Hearth</title><link rel=\"stylesheet\" href=\"/css/app.css\"></head>"
                        + "<body><main id=\"main\"><h1>" + esc(title) + "</h1>" + body + "</main></body></html>");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
