package app.hearth.gateway.auth;

import app.hearth.booking.people.Person;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.SigningKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Mints and checks access tokens: ES256 JWTs from Vert.x Auth JWT. Only the ES256 key is
 * registered, which pins the algorithm: "none", HS256 with the public key as secret, or any other
 * algorithm finds no key and fails. Issuer, audience and expiry are checked, and a token without
 * {@code exp} is refused (the library would accept one).
 */
public final class AccessTokens {

    public static final String ALGORITHM = "ES256";
    /** Seconds of clock skew tolerated between nodes when checking exp/nbf/iat. */
    private static final long LEEWAY_SECONDS = 5;

    private final JWTAuth jwt;
    private final String issuer;
    private final String audience;
    private final Duration ttl;

    public AccessTokens(Vertx vertx, SigningKeys keys, String issuer, String audience, Duration ttl) {
        this.issuer = issuer;
        this.audience = audience;
        this.ttl = ttl;
        JWTAuthOptions options = new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(keys.privateKeyPem()))
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(keys.publicKeyPem()))
                .setJWTOptions(new JWTOptions()
                        .setAlgorithm(ALGORITHM)
                        .setIssuer(issuer)
                        .setAudience(List.of(audience))
                        .setLeeway((int) LEEWAY_SECONDS));
        this.jwt = JWTAuth.create(vertx, options);
    }

    public Duration ttl() {
        return ttl;
    }

    /** Identifiers and role only: no names or contact data travel in tokens. */
    public String mint(Person person) {
        JsonObject claims = new JsonObject()
                .put("sub", person.id())
                .put("clinic", person.clinicId())
                .put("role", person.role().wire());
        return jwt.generateToken(claims, new JWTOptions()
                .setAlgorithm(ALGORITHM)
                .setIssuer(issuer)
                .setAudience(List.of(audience))
                .setExpiresInSeconds((int) ttl.toSeconds()));
    }

    /** @return the caller, or a failed future with a reason fit for logs (never the token) */
    public Future<Actor> verify(String token, String sourceAddress) {
        Future<io.vertx.ext.auth.User> authenticated;
        try {
            authenticated = jwt.authenticate(new TokenCredentials(token));
        } catch (RuntimeException e) {
            // Vert.x Auth reads some claims with unchecked casts ("exp": "soon" → ClassCastException):
            // a malformed token is refused, never a 500.
            return Future.failedFuture("token claims are malformed: " + e.getClass().getSimpleName());
        }
        return authenticated.compose(user -> {
            JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
            if (!(claims.getValue("exp") instanceof Number)) {
                return Future.failedFuture("token has no exp");
            }
            String subject = claims.getString("sub");
            String clinic = claims.getString("clinic");
            Optional<Role> role = Role.fromWire(claims.getString("role"));
            if (subject == null || clinic == null || role.isEmpty()) {
                return Future.failedFuture("token lacks sub, clinic or role");
            }
            return Future.succeededFuture(new Actor(subject, clinic, role.get(), sourceAddress));
        });
    }
}
