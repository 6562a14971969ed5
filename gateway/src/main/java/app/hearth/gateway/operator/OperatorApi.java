package app.hearth.gateway.operator;

import app.hearth.booking.clinic.ClinicOnboarding;
import app.hearth.booking.clinic.CreatedClinic;
import app.hearth.booking.clinic.NewClinic;
import app.hearth.gateway.http.ProblemResponder;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.problem.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's endpoints on the management port (docs/adr/0027), never on the public one:
 * {@code POST /operator/clinics} creates a clinic with its first admin, {@code GET /operator/clinics}
 * lists clinics. Each request carries {@code Authorization: Bearer <HEARTH_OPERATOR_TOKEN>}; errors
 * are problem+json like the public API's. Served only when the token is configured.
 */
public final class OperatorApi {

    public static final String PREFIX = "/operator/";
    public static final String CLINICS = "/operator/clinics";
    private static final Logger LOG = LoggerFactory.getLogger(OperatorApi.class);
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Set<String> FIELDS = Set.of("name", "timeZone", "admin");
    private static final Set<String> ADMIN_FIELDS = Set.of("displayName", "email");

    private final OperatorToken token;
    private final ClinicOnboarding onboarding;

    public OperatorApi(OperatorToken token, ClinicOnboarding onboarding) {
        this.token = token;
        this.onboarding = onboarding;
    }

    public void handle(HttpServerRequest request) {
        String address = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (!token.matches(bearer(request.getHeader("Authorization")))) {
            // the address only: never the header, which may be a mistyped real secret
            LOG.warn("Operator request refused: missing or wrong operator token (from {})", address);
            problem(request, CommonProblems.UNAUTHENTICATED, "Send Authorization: Bearer <HEARTH_OPERATOR_TOKEN>", null);
            return;
        }
        if (!CLINICS.equals(request.path())) {
            problem(request, CommonProblems.NOT_FOUND, "The operator endpoints are " + CLINICS, null);
        } else if (request.method() == HttpMethod.GET) {
            list(request);
        } else if (request.method() == HttpMethod.POST) {
            create(request, address);
        } else {
            request.response().putHeader("Allow", "GET, POST");
            problem(request, CommonProblems.METHOD_NOT_ALLOWED, null, null);
        }
    }

    private void list(HttpServerRequest request) {
        onboarding.list().onComplete(done -> {
            if (done.failed()) {
                fail(request, done.cause());
                return;
            }
            JsonArray items = new JsonArray();
            done.result().forEach(c -> {
                JsonObject item = new JsonObject().put("id", c.id()).put("name", c.name()).put("timeZone", c.timeZone());
                if (c.createdAt() != null) {
                    item.put("createdAt", c.createdAt().toString());
                }
                items.add(item);
            });
            json(request, 200, new JsonObject().put("items", items));
        });
    }

    private void create(HttpServerRequest request, String address) {
        String type = request.getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            problem(request, CommonProblems.UNSUPPORTED_MEDIA_TYPE, null, null);
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,12}") && Long.parseLong(length) > MAX_BODY_BYTES) {
            problem(request, CommonProblems.PAYLOAD_TOO_LARGE, null, null);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        request.handler(chunk -> {
            if (!tooLarge[0] && body.length() + chunk.length() > MAX_BODY_BYTES) {
                tooLarge[0] = true;
                problem(request, CommonProblems.PAYLOAD_TOO_LARGE, null, null);
            } else if (!tooLarge[0]) {
                body.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(e -> request.connection().close());
        request.endHandler(v -> {
            if (tooLarge[0]) {
                return;
            }
            NewClinic clinic;
            try {
                clinic = parse(body);
            } catch (ProblemException e) {
                problem(request, e.type(), e.detail(), e.field());
                return;
            }
            onboarding.create(clinic, address).onComplete(done -> {
                if (done.failed()) {
                    fail(request, done.cause());
                    return;
                }
                CreatedClinic created = done.result();
                LOG.info("Operator created clinic {} with admin {}", created.clinic().id(), created.admin().id());
                json(request, 201, view(created));
            });
        });
    }

    /** The body as a NewClinic; unknown fields are refused so that a misspelt one is not silently dropped. */
    static NewClinic parse(Buffer body) {
        JsonObject json;
        try {
            Object value = io.vertx.core.json.Json.decodeValue(body);
            if (!(value instanceof JsonObject object)) {
                throw CommonProblems.INVALID_REQUEST.exception("Send a JSON object {name, timeZone, admin: {displayName, email}}");
            }
            json = object;
        } catch (DecodeException e) {
            throw CommonProblems.MALFORMED_JSON.exception(null);
        }
        for (String field : json.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw CommonProblems.INVALID_REQUEST.exception("Unknown field " + field, field);
            }
        }
        if (!(json.getValue("admin") instanceof JsonObject admin)) {
            throw CommonProblems.INVALID_REQUEST.exception("Give the first admin as {displayName, email}", "admin");
        }
        for (String field : admin.fieldNames()) {
            if (!ADMIN_FIELDS.contains(field)) {
                throw CommonProblems.INVALID_REQUEST.exception("Unknown field admin." + field, "admin." + field);
            }
        }
        return new NewClinic(text(json, "name", "name"), text(json, "timeZone", "timeZone"),
                text(admin, "displayName", "admin.displayName"), text(admin, "email", "admin.email"));
    }

    private static String text(JsonObject json, String key, String field) {
        Object value = json.getValue(key);
        if (value != null && !(value instanceof String)) {
            throw CommonProblems.INVALID_REQUEST.exception(field + " must be a string", field);
        }
        return (String) value;
    }

    private static JsonObject view(CreatedClinic created) {
        return new JsonObject()
                .put("clinic", new JsonObject().put("id", created.clinic().id()).put("name", created.clinic().name())
                        .put("timeZone", created.clinic().timeZone()))
                .put("admin", new JsonObject().put("id", created.admin().id()).put("displayName", created.admin().displayName())
                        .put("email", created.admin().email()).put("role", created.admin().role().wire())
                        .put("status", "invited"))
                .put("setPasswordLink", new JsonObject().put("url", created.setPasswordLink().url())
                        .put("expiresAt", created.setPasswordLink().expiresAt().toString()));
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }

    private static void fail(HttpServerRequest request, Throwable failure) {
        if (failure instanceof ProblemException problem) {
            problem(request, problem.type(), problem.detail(), problem.field());
        } else if (failure instanceof com.mongodb.MongoTimeoutException || failure instanceof com.mongodb.MongoSocketException) {
            problem(request, CommonProblems.UNAVAILABLE, "The store cannot be reached right now; try again shortly", null);
        } else {
            LOG.error("Operator request {} {} failed", request.method(), request.path(), failure);
            problem(request, CommonProblems.INTERNAL, null, null);
        }
    }

    private static void problem(HttpServerRequest request, app.hearth.platform.problem.ProblemType type, String detail,
                                String field) {
        if (!request.response().ended()) {
            ProblemResponder.send(request.response(), type, detail, field);
        }
    }

    private static void json(HttpServerRequest request, int status, JsonObject body) {
        if (!request.response().ended()) {
            // the answer of a creation carries the admin's one-time link: never cached anywhere
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").end(body.encode());
        }
    }
}
