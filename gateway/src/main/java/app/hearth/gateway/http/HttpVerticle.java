package app.hearth.gateway.http;

import app.hearth.gateway.api.AuditApi;
import app.hearth.gateway.api.AuthApi;
import app.hearth.gateway.api.PeopleApi;
import app.hearth.gateway.rooms.RoomSocket;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.problem.ProblemType;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * The node's HTTP edge: health, the OpenAPI-validated REST API, and the web client. Several
 * instances share the port (one per event loop); the services they call are shared by the node.
 */
public final class HttpVerticle extends VerticleBase {

    private static final String WS_SCHEMA = app.hearth.protocol.ws.WsSchema.load().document().encodePrettily();

    private static final String CSP = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private final NodeServices services;
    private final String host;
    private final int port;
    private final String csp;
    private HttpServer server;

    public HttpVerticle(NodeServices services, String host, int port) {
        this(services, host, port, java.util.List.of());
    }

    /**
     * @param connectSources origins the pages may also connect to besides their own, e.g. the public base of
     *                       the bridges' colibri WebSockets ({@code wss://bridges.clinic.example}) when it is not
     *                       the node's own origin (the bridge channel, issue 13)
     */
    public HttpVerticle(NodeServices services, String host, int port, java.util.List<String> connectSources) {
        this.services = services;
        this.host = host;
        this.port = port;
        this.csp = connectSources.isEmpty() ? CSP
                : CSP.replace("connect-src 'self';", "connect-src 'self' " + String.join(" ", connectSources) + ";");
    }

    @Override
    public Future<?> start() {
        RouterBuilder builder = RouterBuilder.create(vertx, services.contract(), RequestExtractor.withBodyHandler());
        // Vert.x Web orders handler kinds: the body handler must come before plain handlers.
        builder.rootHandler(BodyHandler.create(false).setBodyLimit(services.maxBodyBytes()));
        builder.rootHandler(this::securityHeaders);
        builder.rootHandler(HttpVerticle::rejectMalformedJson);

        Authenticate authenticate = new Authenticate(services.tokens());
        for (OpenAPIRoute route : builder.getRoutes()) {
            route.setDoSecurity(false); // bearer tokens are checked by Authenticate, with Hearth's extra rules
            if (!route.getOperation().getSecurityRequirements().isEmpty()) {
                route.addHandler(authenticate);
            }
        }
        services.metrics().observe(builder); // bookings, refusals and sign-in failures (before the APIs' handlers)
        new AuthApi(services.accounts(), services.tokens()).mount(builder);
        new PeopleApi(services.people()).mount(builder);
        new AuditApi(services.audit(), services.people()).mount(builder);
        new app.hearth.gateway.api.BookingApi(services.booking(), services.careEvents()).mount(builder);
        new app.hearth.gateway.api.CalendarApi(services.calendarFeeds(), services.publicBaseUrl()).mount(builder);
        new app.hearth.gateway.api.RealtimeApi(services.connectionTickets(), services.sessionSockets()).mount(builder);
        new app.hearth.gateway.api.LibraryApi(services.library()).mount(builder);
        new app.hearth.gateway.api.CareRecordApi(services.careRecord()).mount(builder);
        new app.hearth.gateway.api.MeasuresApi(services.measures()).mount(builder);
        new app.hearth.gateway.api.NotesApi(services.notes()).mount(builder);
        new app.hearth.gateway.api.AftercareApi(services.aftercare()).mount(builder);
        new app.hearth.gateway.api.DevMailApi(services.mailer()).mount(builder);
        new app.hearth.gateway.api.MailSettingsApi(services.mailer().settings()).mount(builder);
        new app.hearth.gateway.api.MailPreferencesApi(services.mailer().preferences()).mount(builder);

        Router router = builder.createRouter();
        if (services.trustForwarded()) {
            // Behind the TLS proxy the connection comes from the proxy; the client is in X-Forwarded-For.
            router.allowForward(io.vertx.ext.web.AllowForwardHeaders.X_FORWARD);
        }
        router.get("/health/live").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(this::ready);
        router.get("/api/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml; charset=utf-8").end(services.contractYaml()));
        router.get("/api/ws-messages.schema.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/schema+json").end(WS_SCHEMA));
        router.route("/api/*").handler(ctx -> ProblemResponder.sendStatus(ctx, 404));
        // The entry page and the ES modules are revalidated on every load (a 304 when unchanged), so
        // that a browser never runs an upgraded node's page with old modules or the other way round.
        router.route("/*").handler(HttpVerticle::revalidateWebClient).handler(StaticHandler.create("webroot")
                .setIndexPage("index.html").setDefaultContentEncoding("UTF-8"));

        router.route().failureHandler(ProblemResponder::handleFailure);
        router.errorHandler(404, ctx -> ProblemResponder.sendStatus(ctx, 404));
        router.errorHandler(405, ctx -> ProblemResponder.sendStatus(ctx, 405));

        // Audio bodies are not JSON: their routes come before the contract's router and its 64 KiB
        // body limit (they are documented in the contract all the same).
        Router root = Router.router(vertx);
        root.route().handler(RequestIdHandler::handle); // first: every line this request logs carries its id
        if (services.trustForwarded()) {
            root.allowForward(io.vertx.ext.web.AllowForwardHeaders.X_FORWARD);
        }
        root.route("/api/audio*").handler(this::securityHeaders);
        new app.hearth.gateway.api.AudioEndpoints(services.audio(), authenticate).mount(root);
        root.route("/api/audio*").failureHandler(ProblemResponder::handleFailure);
        // unsubscribe links (docs/adr/0029): the one-click POST is a form, not JSON
        root.route("/api/mail/unsubscribe/*").handler(this::securityHeaders);
        new app.hearth.gateway.api.UnsubscribeEndpoints(services.mailer().preferences()).mount(root);
        root.route("/api/mail/unsubscribe/*").failureHandler(ProblemResponder::handleFailure);
        if (!services.mailer().devPageEnabled()) {
            // production: the development mail page does not exist, signed in or not (issue 15)
            root.route("/api/dev/*").handler(this::securityHeaders).handler(ctx -> ProblemResponder.sendStatus(ctx, 404));
        }
        // FHIR R4 read API (issue 17, docs/adr/0026): beside the contract's router, with OperationOutcome errors
        root.route(app.hearth.gateway.fhir.FhirApi.PREFIX + "/*").handler(this::securityHeaders);
        new app.hearth.gateway.fhir.FhirApi(services.fhir(), services.fhirJson(), authenticate).mount(vertx, root);
        root.route("/*").subRouter(router);

        // Messages over 128 KiB are cut off by Vert.x itself (close 1009); the hub answers anything over
        // its own, smaller limit with a clear error and keeps the connection. No WebSocket compression
        // (docs/adr/0012): room messages are small, and an inflated message would be limited only
        // after it was inflated in full (a 60 KB frame of zeros is 60 MB); without the extension a
        // compressed (RSV1) frame is a protocol error, closed 1002 as soon as its header is read.
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                .setMaxHeaderSize(16 * 1024).setCompressionSupported(true)
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(128 * 1024).setMaxWebSocketMessageSize(128 * 1024));
        return server.requestHandler(root)
                .invalidRequestHandler(this::invalidRequest)
                .webSocketHandshakeHandler(new RoomSocket(services.connectionTickets(), services.rooms(),
                        services.publicBaseUrl(), services.trustForwarded(), services.revokedSessions(),
                        services.sessionSockets()))
                .webSocketHandler(ws -> { }) // RoomSocket attaches each accepted socket itself
                .listen();
    }

    private void ready(RoutingContext ctx) {
        services.readiness().check().onComplete(done -> {
            if (done.failed()) {
                ProblemResponder.sendStatus(ctx, 503);
                return;
            }
            boolean up = "UP".equals(done.result().getString("status"));
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").end(done.result().encode());
        });
    }

    /**
     * What the HTTP codec refused before any route: a request line over 4 KiB (414), headers over
     * 16 KiB (431) or a request that is not HTTP (400). Answered as problem+json like everything else,
     * then the connection is closed: the rest of such a request cannot be trusted to be framed.
     */
    private void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ProblemType type = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? CommonProblems.URI_TOO_LONG
                : cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? CommonProblems.HEADER_FIELDS_TOO_LARGE
                : CommonProblems.INVALID_REQUEST;
        io.vertx.core.http.HttpServerResponse response = request.response();
        securityHeaders(response.headers());
        response.putHeader("Connection", "close");
        var connection = request.connection();
        ProblemResponder.send(response, type, null, null).onComplete(done -> connection.close());
    }

    /** Entry page and modules: always revalidated (Last-Modified / 304), never cached as immutable. */
    private static void revalidateWebClient(RoutingContext ctx) {
        ctx.addHeadersEndHandler(v -> {
            int status = ctx.response().getStatusCode();
            if (status == 200 || status == 304) {
                ctx.response().headers().set("Cache-Control", "no-cache");
            }
        });
        ctx.next();
    }

    private void securityHeaders(RoutingContext ctx) {
        securityHeaders(ctx.response().headers());
        ctx.next();
    }

    private void securityHeaders(io.vertx.core.MultiMap headers) {
        headers.set("Content-Security-Policy", csp);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Permissions-Policy", "camera=(self), microphone=(self), geolocation=(self)");
        if (services.httpsOnly()) {
            headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }

    /**
     * Gives broken JSON its own clear error before schema validation, which would otherwise report
     * it as a generic decoding failure.
     */
    private static void rejectMalformedJson(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
        boolean json = contentType != null && contentType.toLowerCase().startsWith("application/json");
        if (hasBody && !json) {
            ctx.fail(CommonProblems.UNSUPPORTED_MEDIA_TYPE.exception("Send the body as application/json"));
            return;
        }
        if (hasBody) {
            try {
                Json.decodeValue(ctx.body().buffer());
            } catch (DecodeException e) {
                ctx.fail(CommonProblems.MALFORMED_JSON.exception("The body could not be parsed as JSON"));
                return;
            }
        }
        ctx.next();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
