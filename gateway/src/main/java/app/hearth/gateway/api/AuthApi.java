package app.hearth.gateway.api;

import app.hearth.booking.account.AccountService;
import app.hearth.booking.account.SignedIn;
import app.hearth.gateway.auth.AccessTokens;
import app.hearth.gateway.http.ClientAddress;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** Operations tagged {@code auth} in the contract. */
public final class AuthApi {

    private final AccountService accounts;
    private final AccessTokens tokens;

    public AuthApi(AccountService accounts, AccessTokens tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("login").addHandler(this::login);
        builder.getRoute("refresh").addHandler(this::refresh);
        builder.getRoute("logout").addHandler(this::logout);
        builder.getRoute("setPassword").addHandler(this::setPassword);
    }

    private void login(RoutingContext ctx) {
        JsonObject body = Replies.body(ctx);
        Replies.reply(ctx, accounts.login(body.getString("email"), body.getString("password"), ClientAddress.of(ctx)),
                200, this::tokenPair);
    }

    private void refresh(RoutingContext ctx) {
        Replies.reply(ctx, accounts.refresh(Replies.body(ctx).getString("refreshToken"), ClientAddress.of(ctx)), 200, this::tokenPair);
    }

    private void logout(RoutingContext ctx) {
        Replies.noContent(ctx, accounts.logout(Replies.body(ctx).getString("refreshToken")));
    }

    private void setPassword(RoutingContext ctx) {
        JsonObject body = Replies.body(ctx);
        Replies.noContent(ctx, accounts.setPassword(body.getString("ticket"), body.getString("password"),
                ClientAddress.of(ctx)));
    }

    private JsonObject tokenPair(SignedIn signedIn) {
        return new JsonObject()
                .put("accessToken", tokens.mint(signedIn.person(), signedIn.sessionId()))
                .put("tokenType", "Bearer")
                .put("expiresIn", tokens.ttl().toSeconds())
                .put("refreshToken", signedIn.refreshToken())
                .put("person", JsonViews.person(signedIn.person()));
    }
}
