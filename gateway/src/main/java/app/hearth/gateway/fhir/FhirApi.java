package app.hearth.gateway.fhir;

import app.hearth.fhir.FhirCapabilities;
import app.hearth.fhir.FhirJson;
import app.hearth.fhir.FhirProblems;
import app.hearth.fhir.FhirReads;
import app.hearth.fhir.SearchParams;
import app.hearth.gateway.http.Authenticate;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.problem.ProblemException;
import app.hearth.platform.problem.ProblemType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR R4 read API under {@code /fhir/r4} (docs/adr/0026), beside the OpenAPI router: the FHIR
 * search grammar (prefixed dates, repeated parameters, {@code _format}) and OperationOutcome errors
 * are FHIR's own, so these routes are not in hearth.yaml and are not validated from it. Same Bearer
 * tokens ({@link Authenticate}), roles, clinic scoping and audit as the REST API; every answer is
 * {@code application/fhir+json}, every error an OperationOutcome. Only the CapabilityStatement is
 * served without a token.
 */
public final class FhirApi {

    private static final Logger LOG = LoggerFactory.getLogger(FhirApi.class);
    public static final String PREFIX = "/fhir/r4";
    private static final String CONTENT_TYPE = FhirJson.MEDIA_TYPE + ";charset=utf-8";

    private final FhirReads reads;
    private final FhirJson json;
    private final Authenticate authenticate;
    private final String version;

    public FhirApi(FhirReads reads, FhirJson json, Authenticate authenticate) {
        this.reads = reads;
        this.json = json;
        this.authenticate = authenticate;
        String v = FhirApi.class.getPackage().getImplementationVersion();
        this.version = v == null ? "development" : v;
    }

    /** Mounts the API on {@code root} at {@link #PREFIX}; call before the catch-all routes. */
    public void mount(Vertx vertx, Router root) {
        Router fhir = Router.router(vertx);
        fhir.route().handler(this::contextReady);
        fhir.route().handler(FhirApi::negotiate);
        fhir.get("/metadata").handler(this::capabilities);
        fhir.get("/:type").handler(authenticate).handler(this::search);
        fhir.get("/:type/:id").handler(authenticate).handler(this::read);
        fhir.route().handler(ctx -> ctx.fail(ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD
                ? FhirProblems.UNKNOWN_RESOURCE_TYPE.exception("This server serves " + String.join(", ", FhirReads.TYPES))
                : CommonProblems.METHOD_NOT_ALLOWED.exception("This FHIR API is read-only: GET only")));
        fhir.route().failureHandler(this::failure);
        root.route(PREFIX + "/*").subRouter(fhir);
    }

    /** The first FHIR request of a node makes the FHIR context, on a worker: the event loop never waits for it. */
    private void contextReady(RoutingContext ctx) {
        if (json.ready()) {
            ctx.next();
            return;
        }
        ctx.vertx().executeBlocking(() -> json.context(), false).onComplete(done -> {
            if (done.failed()) {
                LOG.error("The FHIR context could not be made", done.cause());
                ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain").end("FHIR is unavailable");
                return;
            }
            ctx.next();
        });
    }

    private void capabilities(RoutingContext ctx) {
        send(ctx, 200, FhirCapabilities.statement(reads.baseUrl(), version, new java.util.Date()));
    }

    private void read(RoutingContext ctx) {
        answer(ctx, reads.read(Authenticate.actor(ctx), ctx.pathParam("type"), ctx.pathParam("id")));
    }

    private void search(RoutingContext ctx) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> params.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>()).add(e.getValue()));
        answer(ctx, reads.search(Authenticate.actor(ctx), ctx.pathParam("type"), SearchParams.of(params)));
    }

    private void answer(RoutingContext ctx, Future<? extends IBaseResource> result) {
        result.onSuccess(resource -> send(ctx, 200, resource)).onFailure(ctx::fail);
    }

    private void send(RoutingContext ctx, int status, IBaseResource resource) {
        if (ctx.response().ended()) {
            return;
        }
        boolean pretty = "true".equals(ctx.queryParams().get("_pretty"));
        ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store").end(json.encode(resource, pretty));
    }

    /**
     * JSON only: {@code _format} (json, application/json, application/fhir+json) wins over Accept; an
     * Accept that admits none of the JSON types (e.g. only application/fhir+xml) is 406.
     */
    static void negotiate(RoutingContext ctx) {
        String format = ctx.queryParams().get("_format");
        boolean ok;
        if (format != null) {
            ok = List.of("json", "application/json", "application/fhir+json", "application/json+fhir")
                    .contains(format.trim().toLowerCase(Locale.ROOT));
        } else {
            String accept = ctx.request().getHeader("Accept");
            ok = accept == null || accept.isBlank() || acceptsJson(accept);
        }
        if (!ok) {
            ctx.fail(FhirProblems.FORMAT_NOT_ACCEPTABLE.exception("Ask for application/fhir+json (or _format=json); "
                    + "this server does not serve XML"));
            return;
        }
        ctx.next();
    }

    static boolean acceptsJson(String accept) {
        for (String range : accept.split(",")) {
            String type = range.split(";")[0].trim().toLowerCase(Locale.ROOT);
            boolean refused = range.toLowerCase(Locale.ROOT).replace(" ", "").matches(".*;q=0(\\.0*)?(;.*)?$");
            if (!refused && List.of("application/fhir+json", "application/json", "application/json+fhir", "application/*", "*/*")
                    .contains(type)) {
                return true;
            }
        }
        return false;
    }

    /** Every failure as an OperationOutcome with the status its problem type names. */
    private void failure(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Throwable failure = ctx.failure();
        ProblemType type;
        String detail = null;
        if (failure instanceof ProblemException p) {
            type = p.type();
            detail = p.detail();
        } else if (failure == null) {
            type = switch (ctx.statusCode()) {
                case 401 -> CommonProblems.UNAUTHENTICATED;
                case 403 -> CommonProblems.FORBIDDEN;
                case 404 -> FhirProblems.RESOURCE_NOT_FOUND;
                case 405 -> CommonProblems.METHOD_NOT_ALLOWED;
                case 413 -> CommonProblems.PAYLOAD_TOO_LARGE;
                default -> ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? CommonProblems.INVALID_REQUEST : CommonProblems.INTERNAL;
            };
        } else if (storeUnavailable(failure)) {
            LOG.warn("Store unavailable on FHIR {} {}: {}", ctx.request().method(), ctx.request().path(),
                    failure.getClass().getSimpleName());
            ctx.response().putHeader("Retry-After", "5");
            type = CommonProblems.UNAVAILABLE;
            detail = "The clinic's records cannot be reached right now; try again shortly";
        } else {
            LOG.error("Unhandled failure on FHIR {} {}", ctx.request().method(), ctx.request().path(), failure);
            type = CommonProblems.INTERNAL;
        }
        if (type.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        ctx.response().setStatusCode(type.status()).putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(json.encode(FhirJson.outcome(type.status(), type.slug(), type.title(), detail), false));
    }

    private static boolean storeUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.mongodb.MongoTimeoutException || t instanceof com.mongodb.MongoSocketException) {
                return true;
            }
        }
        return false;
    }
}
