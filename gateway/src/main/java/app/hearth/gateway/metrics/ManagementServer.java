package app.hearth.gateway.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The management port (docs/adr/0025): {@code GET /metrics} in the Prometheus text format, and
 * with HEARTH_OPERATOR_TOKEN set, the operator's {@code /operator/clinics} (docs/adr/0027); nothing else. It is a server of its own, on loopback by default, so the public server (and the
 * proxy in front of it) never has a {@code /metrics}; operators open it to their Prometheus only.
 */
public final class ManagementServer {

    /** The Prometheus text exposition format Micrometer writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private ManagementServer() {
    }

    /** Listens on {@code host:port} (0: a free port; the server's {@code actualPort()} says which). */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, HearthMetrics metrics) {
        return start(vertx, host, port, metrics, null);
    }

    /**
     * @param operator the operator's endpoints under {@code /operator/} (docs/adr/0027), or null when
     *                 HEARTH_OPERATOR_TOKEN is unset: then those paths are as unknown as any other
     */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, HearthMetrics metrics,
                                           app.hearth.gateway.operator.OperatorApi operator) {
        // HTTP/1.1 only, as Prometheus scrapes: no h2c upgrade (a large scrape over an upgraded
        // connection could stall the JDK's client in tests, and nothing needs HTTP/2 here)
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setMaxHeaderSize(8 * 1024)
                        .setHttp2ClearTextEnabled(false))
                .requestHandler(request -> {
                    if (operator != null && request.path().startsWith(app.hearth.gateway.operator.OperatorApi.PREFIX)) {
                        operator.handle(request);
                    } else {
                        answer(request, metrics);
                    }
                })
                .listen();
    }

    private static void answer(HttpServerRequest request, HearthMetrics metrics) {
        var response = request.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
        if (!"/metrics".equals(request.path())) {
            response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("Not found: this port serves /metrics\n");
        } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
        } else {
            response.putHeader("Content-Type", CONTENT_TYPE).end(metrics.scrape());
        }
    }
}
