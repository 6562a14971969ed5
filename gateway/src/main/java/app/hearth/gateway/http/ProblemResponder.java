package app.hearth.gateway.http;

import app.hearth.booking.account.AccountProblems;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.problem.ProblemException;
import app.hearth.platform.problem.ProblemType;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP: every error leaves as application/problem+json
 * (RFC 9457) with a stable {@code type}. Unexpected exceptions are logged with the route only —
 * never the body, headers or token — and answered with a generic 500.
 */
public final class ProblemResponder {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);
    public static final String CONTENT_TYPE = "application/problem+json";

    private ProblemResponder() {
    }

    public static void handleFailure(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().reset(); // half-sent answer: cut the connection rather than corrupt it
            return;
        }
        Throwable failure = ctx.failure();
        if (failure instanceof ProblemException problem) {
            send(ctx, problem.type(), problem.detail(), problem.field());
        } else if (failure instanceof AccountProblems.RetryLater later) {
            ctx.response().putHeader("Retry-After", Long.toString(later.retryAfterSeconds()));
            send(ctx, AccountProblems.TOO_MANY_ATTEMPTS,
                    "Try again in " + later.retryAfterSeconds() + " seconds", null);
        } else if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException invalid) {
            sendValidation(ctx, invalid);
        } else if (failure instanceof HttpException http) {
            sendStatus(ctx, http.getStatusCode());
        } else if (storeUnavailable(failure)) {
            // The store is unreachable or did not answer in time (Store bounds every wait): a temporary
            // condition, not a bug; readiness reports it too. A write that timed out may still be
            // applied: the client was not told it succeeded, and its retry meets the unique indexes.
            LOG.warn("Store unavailable on {} {}: {}", ctx.request().method(), ctx.request().path(),
                    failure.getClass().getSimpleName());
            ctx.response().putHeader("Retry-After", "5");
            send(ctx, CommonProblems.UNAVAILABLE, "The clinic's records cannot be reached right now; try again shortly", null);
        } else if (failure == null) {
            sendStatus(ctx, ctx.statusCode());
        } else {
            LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
            send(ctx, CommonProblems.INTERNAL, null, null);
        }
    }

    /** A store that cannot be reached or did not answer within its bound, however deeply wrapped. */
    static boolean storeUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.mongodb.MongoTimeoutException || t instanceof com.mongodb.MongoSocketException) {
                return true;
            }
        }
        return false;
    }

    public static void sendStatus(RoutingContext ctx, int status) {
        ProblemType type = switch (status) {
            case 400 -> CommonProblems.INVALID_REQUEST;
            case 401 -> CommonProblems.UNAUTHENTICATED;
            case 403 -> CommonProblems.FORBIDDEN;
            case 404 -> CommonProblems.NOT_FOUND;
            case 405 -> CommonProblems.METHOD_NOT_ALLOWED;
            case 413 -> CommonProblems.PAYLOAD_TOO_LARGE;
            case 414 -> CommonProblems.URI_TOO_LONG;
            case 415 -> CommonProblems.UNSUPPORTED_MEDIA_TYPE;
            case 431 -> CommonProblems.HEADER_FIELDS_TOO_LARGE;
            case 503 -> CommonProblems.UNAVAILABLE;
            default -> status >= 500 || status < 400 ? CommonProblems.INTERNAL
                    : new ProblemType("http-" + status, status, "Request failed");
        };
        send(ctx, type, null, null);
    }

    public static void send(RoutingContext ctx, ProblemType type, String detail, String field) {
        send(ctx.response(), type, detail, field);
    }

    /** The same answer on a bare response (no route): what the HTTP codec refuses before the router. */
    public static io.vertx.core.Future<Void> send(io.vertx.core.http.HttpServerResponse response, ProblemType type,
                                                 String detail, String field) {
        JsonObject body = new JsonObject()
                .put("type", type.typeUri())
                .put("title", type.title())
                .put("status", type.status());
        if (detail != null && !detail.equals(type.title())) {
            body.put("detail", detail);
        }
        if (field != null) {
            body.put("field", field);
        }
        if (type.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        if (type.status() == 503 && !response.headers().contains("Retry-After")) {
            // every 503 is temporary and says when to come back (a fenced booking, a full upload queue)
            response.putHeader("Retry-After", "5");
        }
        return response
                .setStatusCode(type.status())
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }

    /** Names the offending field ({@code email}, {@code emergencyContact.phone}) from the schema result. */
    private static void sendValidation(RoutingContext ctx, ValidatorException invalid) {
        String field = null;
        String detail = invalid.getMessage();
        if (invalid instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
            OutputUnit unit = deepest(schema.getOutputUnit());
            field = fieldOf(unit.getInstanceLocation());
            if (unit.getError() != null) {
                detail = (field == null ? "" : field + ": ") + unit.getError();
            }
            if (field == null && unit.getError() != null) {
                // e.g. a missing required property: "Instance does not have required property \"email\""
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("property \"([^\"]+)\"").matcher(unit.getError());
                if (m.find()) {
                    field = m.group(1);
                }
            }
        }
        send(ctx, CommonProblems.INVALID_REQUEST, detail, field);
    }

    /**
     * The error about the most deeply nested value; at equal depth, the one from the keyword that
     * failed ("0 is less than 2" from {@code minimum}) over the wrappers that only say a property
     * failed ({@code properties}, {@code additionalProperties}).
     */
    private static OutputUnit deepest(OutputUnit unit) {
        OutputUnit best = unit;
        if (unit.getErrors() != null) {
            for (OutputUnit child : unit.getErrors()) {
                OutputUnit candidate = deepest(child);
                if (depth(candidate) > depth(best) || best.getError() == null
                        || (depth(candidate) == depth(best) && specific(candidate) && !specific(best))) {
                    best = candidate;
                }
            }
        }
        return best;
    }

    private static boolean specific(OutputUnit unit) {
        String keyword = unit.getKeywordLocation();
        return unit.getError() != null && keyword != null && !keyword.endsWith("/properties")
                && !keyword.endsWith("/additionalProperties");
    }

    private static int depth(OutputUnit unit) {
        String location = unit.getInstanceLocation();
        return location == null ? -1 : location.split("/").length;
    }

    /** "#/emergencyContact/phone" or "/email" → "emergencyContact.phone" / "email"; root → null. */
    private static String fieldOf(String instanceLocation) {
        if (instanceLocation == null) {
            return null;
        }
        String path = instanceLocation.replaceFirst("^#", "").replaceFirst("^/", "");
        return path.isEmpty() ? null : path.replace('/', '.');
    }
}
