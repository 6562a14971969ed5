package app.hearth.signaling.colibri;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The bridge's private HTTP API as Hearth uses it: JSON in, JSON out (errors come back as Jetty HTML
 * pages). A small interface so that the transport can be swapped (tests count or break calls; a
 * Vert.x WebClient implementation may live in the gateway); {@link #jdk(Duration)} is the default.
 *
 * <p>Calls block; callers on an event loop must move them to a worker.
 */
public interface BridgeHttp {

    /** A status and the body as text (JSON on success, an HTML error page or nothing otherwise). */
    record Response(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * One exchange. {@code json} null sends no body and no content type.
     *
     * @throws IOException when the bridge could not be reached or did not answer in time
     */
    Response exchange(String method, URI uri, String json) throws IOException;

    default Response post(URI uri, String json) throws IOException {
        return exchange("POST", uri, json);
    }

    default Response patch(URI uri, String json) throws IOException {
        return exchange("PATCH", uri, json);
    }

    default Response get(URI uri) throws IOException {
        return exchange("GET", uri, null);
    }

    /**
     * The JDK's HTTP client (HTTP/1.1: the bridge's Jetty does not upgrade). A bridge that does not
     * answer within {@code timeout} counts as failed, so keep it short.
     */
    static BridgeHttp jdk(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        return (method, uri, json) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
            if (json == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
            }
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return new Response(response.statusCode(), response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + uri, e);
            }
        };
    }
}
