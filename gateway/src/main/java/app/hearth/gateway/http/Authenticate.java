package app.hearth.gateway.http;

import app.hearth.gateway.auth.AccessSession;
import app.hearth.gateway.auth.AccessTokens;
import app.hearth.platform.access.Actor;
import app.hearth.platform.problem.CommonProblems;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requires a valid access token and puts the caller ({@link Actor}) into the routing context.
 *
 * <p>Refusing must stay cheaper than serving: checking an ES256 signature costs about as much CPU
 * as a whole good request. So a token that cannot be one of ours (not three parts, not ES256, a
 * signature that is not 64 bytes, expired) is refused without checking its signature, and an address
 * that keeps sending tokens whose signature fails gets 429 with Retry-After for a while instead of
 * more signature checks. A client whose tokens are fine never loses allowance, and a token that
 * passed lately is never throttled (it is still checked in full).
 */
public final class Authenticate implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticate.class);
    private static final String ACTOR = "hearth.actor";
    private static final String SESSION = "hearth.session";
    /** Signature failures one address may cause at once, and per second after that. */
    static final int FAILURE_BURST = 50;
    static final double FAILURES_PER_SECOND = 5;
    private static final int MAX_TRACKED_ADDRESSES = 10_000;
    /** Seconds of clock skew tolerated on exp here; AccessTokens checks it exactly afterwards. */
    private static final long EXPIRY_LEEWAY_SECONDS = 60;

    private final AccessTokens tokens;
    /** Per client address, the failed signature checks it may still cause; one event loop uses it. */
    private final java.util.Map<String, Allowance> failureAllowance = new java.util.HashMap<>();
    /**
     * Signatures of tokens that passed the check lately: a person whose token is good is never
     * throttled, even behind the same address as someone forging tokens (it is still checked fully).
     */
    private final java.util.Map<String, Boolean> recentlyValid = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
            return size() > MAX_TRACKED_ADDRESSES;
        }
    };

    private static final class Allowance {
        double left = FAILURE_BURST;
        long refilledAt;

        Allowance(long now) {
            refilledAt = now;
        }

        void refill(long now) {
            left = Math.min(FAILURE_BURST, left + (now - refilledAt) / 1e9 * FAILURES_PER_SECOND);
            refilledAt = now;
        }
    }

    public Authenticate(AccessTokens tokens) {
        this.tokens = tokens;
    }

    public static Actor actor(RoutingContext ctx) {
        Actor actor = ctx.get(ACTOR);
        if (actor == null) {
            throw new IllegalStateException("route has no Authenticate handler in front of it");
        }
        return actor;
    }

    /** The session of the caller's access token (tickets for sockets carry it on). */
    public static AccessSession session(RoutingContext ctx) {
        AccessSession session = ctx.get(SESSION);
        if (session == null) {
            throw new IllegalStateException("route has no Authenticate handler in front of it");
        }
        return session;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() > 4096) {
            ctx.fail(CommonProblems.UNAUTHENTICATED.exception("Send an access token as 'Authorization: Bearer <token>'"));
            return;
        }
        String token = header.substring(7).trim();
        String address = ClientAddress.of(ctx);
        if (!plausible(token, java.time.Instant.now().getEpochSecond())) {
            LOG.debug("Access token refused before its signature check: not an unexpired ES256 token of this shape");
            ctx.fail(CommonProblems.UNAUTHENTICATED.exception("The access token is not valid or has expired"));
            return;
        }
        String signature = token.substring(token.lastIndexOf('.') + 1);
        long retryAfter = recentlyValid.containsKey(signature) ? 0 : throttled(address);
        if (retryAfter > 0) {
            LOG.debug("Access token refused unchecked: too many failed signature checks from this address");
            ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
            ctx.fail(CommonProblems.RATE_LIMITED.exception("Too many invalid access tokens from your address"));
            return;
        }
        tokens.verify(token, address).onComplete(result -> {
            if (result.succeeded()) {
                recentlyValid.put(signature, Boolean.TRUE);
                ctx.put(ACTOR, result.result().actor());
                ctx.put(SESSION, result.result().session());
                ctx.next();
            } else {
                spend(address);
                // The reason helps operators; the token itself is never logged.
                LOG.debug("Access token refused: {}", result.cause().getMessage());
                ctx.fail(CommonProblems.UNAUTHENTICATED.exception("The access token is not valid or has expired"));
            }
        });
    }

    /**
     * Whether a token could be one of ours, judged without its signature: three base64url parts, a
     * header naming ES256, a 64-byte (JOSE) signature, and a numeric exp not long past.
     */
    static boolean plausible(String token, long nowEpochSeconds) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) >= 0) {
            return false;
        }
        try {
            java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
            if (b64.decode(token.substring(second + 1)).length != 64) {
                return false;
            }
            io.vertx.core.json.JsonObject header = new io.vertx.core.json.JsonObject(
                    new String(b64.decode(token.substring(0, first)), java.nio.charset.StandardCharsets.UTF_8));
            if (!AccessTokens.ALGORITHM.equals(header.getValue("alg"))) {
                return false;
            }
            io.vertx.core.json.JsonObject claims = new io.vertx.core.json.JsonObject(
                    new String(b64.decode(token.substring(first + 1, second)), java.nio.charset.StandardCharsets.UTF_8));
            return claims.getValue("exp") instanceof Number exp && exp.longValue() + EXPIRY_LEEWAY_SECONDS >= nowEpochSeconds;
        } catch (RuntimeException e) {
            return false; // not base64url, not JSON, not an object
        }
    }

    /** Seconds to wait when this address has no allowance for failed signature checks left; 0 otherwise. */
    private long throttled(String address) {
        Allowance allowance = failureAllowance.get(address);
        if (allowance == null) {
            return 0;
        }
        allowance.refill(System.nanoTime());
        return allowance.left >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - allowance.left) / FAILURES_PER_SECOND));
    }

    private void spend(String address) {
        long now = System.nanoTime();
        if (failureAllowance.size() >= MAX_TRACKED_ADDRESSES && !failureAllowance.containsKey(address)) {
            // forget addresses whose allowance has grown back
            failureAllowance.values().removeIf(a -> {
                a.refill(now);
                return a.left >= FAILURE_BURST;
            });
            if (failureAllowance.size() >= MAX_TRACKED_ADDRESSES) {
                failureAllowance.clear();
            }
        }
        Allowance allowance = failureAllowance.computeIfAbsent(address, a -> new Allowance(now));
        allowance.refill(now);
        allowance.left = Math.max(0, allowance.left - 1);
    }
}
