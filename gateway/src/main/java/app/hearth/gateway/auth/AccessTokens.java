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
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Mints and checks access tokens: ES256 JWTs from Vert.x Auth JWT. Only the ES256 key is
 * registered, which pins the algorithm: "none", HS256 with the public key as secret, or any other
 * algorithm finds no key and fails. Issuer, audience and expiry are checked, and a token without
 * {@code exp} is refused (the library would accept one), and so is an ES256 signature that is not
 * the JOSE form of exactly 64 bytes (r‖s; the library would also take the DER form). Every token
 * names its session ({@code sid}, the refresh-token family); a token of a revoked session is refused
 * (docs/adr/0013).
 */
public final class AccessTokens {

    public static final String ALGORITHM = "ES256";
    /** Clock skew tolerated between nodes when checking exp/nbf/iat. */
    public static final Duration LEEWAY = Duration.ofSeconds(5);
    /** An ES256 signature in JOSE form: r and s, 32 bytes each (RFC 7518 §3.4). */
    private static final int JOSE_ES256_SIGNATURE_BYTES = 64;

    /** A verified caller and the session their token belongs to. */
    public record Verified(Actor actor, AccessSession session) {
    }

    private final JWTAuth jwt;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final RevokedSessions revoked;
    /**
     * Tokens whose signature and claims passed lately, until their {@code exp}: an ES256 check costs
     * about as much CPU as the rest of a request, and a page sends the same token many times. Only
     * the signature check is saved; revocation is checked on every use. Bounded; in memory only.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Checked> checked = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_CHECKED = 20_000;

    /** What a verified token said, and until when (epoch seconds) it holds. */
    private record Checked(String subject, String clinic, Role role, AccessSession session, long expiresAt) {
    }

    public AccessTokens(Vertx vertx, SigningKeys keys, String issuer, String audience, Duration ttl,
                        RevokedSessions revoked) {
        this.revoked = revoked;
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
                        .setLeeway((int) LEEWAY.toSeconds()));
        this.jwt = JWTAuth.create(vertx, options);
    }

    public Duration ttl() {
        return ttl;
    }

    /** Identifiers and role only: no names or contact data travel in tokens. */
    public String mint(Person person, String sessionId) {
        JsonObject claims = new JsonObject()
                .put("sub", person.id())
                .put("sid", sessionId)
                .put("clinic", person.clinicId())
                .put("role", person.role().wire());
        return jwt.generateToken(claims, new JWTOptions()
                .setAlgorithm(ALGORITHM)
                .setIssuer(issuer)
                .setAudience(List.of(audience))
                .setExpiresInSeconds((int) ttl.toSeconds()));
    }

    /** @return the caller and their session, or a failed future with a reason fit for logs (never the token) */
    public Future<Verified> verify(String token, String sourceAddress) {
        long now = Instant.now().getEpochSecond();
        Checked known = checked.get(token);
        if (known != null) {
            if (now < known.expiresAt()) {
                if (revoked.isRevoked(known.session())) {
                    return Future.failedFuture("token's session was revoked");
                }
                return Future.succeededFuture(new Verified(
                        new Actor(known.subject(), known.clinic(), known.role(), sourceAddress), known.session()));
            }
            checked.remove(token, known); // expired: the full check below refuses it (or allows the leeway)
        }
        return verifyFully(token, sourceAddress);
    }

    private Future<Verified> verifyFully(String token, String sourceAddress) {
        if (!hasJoseSignature(token)) {
            return Future.failedFuture("signature is not a 64-byte JOSE ES256 signature");
        }
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
            if (!(claims.getValue("iat") instanceof Number iat)) {
                return Future.failedFuture("token has no iat");
            }
            String subject = claims.getString("sub");
            String clinic = claims.getString("clinic");
            Optional<Role> role = Role.fromWire(claims.getString("role"));
            if (subject == null || clinic == null || role.isEmpty()) {
                return Future.failedFuture("token lacks sub, clinic or role");
            }
            if (!(claims.getValue("sid") instanceof String sid) || sid.isEmpty()) {
                return Future.failedFuture("token has no session (sid)");
            }
            AccessSession session = new AccessSession(sid, subject, Instant.ofEpochSecond(iat.longValue()));
            if (revoked.isRevoked(session)) {
                return Future.failedFuture("token's session was revoked");
            }
            remember(token, new Checked(subject, clinic, role.get(), session, ((Number) claims.getValue("exp")).longValue()));
            return Future.succeededFuture(new Verified(new Actor(subject, clinic, role.get(), sourceAddress), session));
        });
    }

    private void remember(String token, Checked claims) {
        if (claims.expiresAt() <= Instant.now().getEpochSecond()) {
            return; // accepted within the leeway only: not worth keeping
        }
        if (checked.size() >= MAX_CHECKED) {
            long now = Instant.now().getEpochSecond();
            checked.values().removeIf(c -> c.expiresAt() <= now);
            if (checked.size() >= MAX_CHECKED) {
                checked.clear(); // many live tokens at once: start over rather than grow
            }
        }
        checked.put(token, claims);
    }

    /** Whether the token's signature segment decodes to exactly 64 bytes (JOSE r‖s), not DER or anything else. */
    private static boolean hasJoseSignature(String token) {
        int last = token.lastIndexOf('.');
        if (last < 0) {
            return false;
        }
        try {
            return Base64.getUrlDecoder().decode(token.substring(last + 1)).length == JOSE_ES256_SIGNATURE_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
