package app.hearth.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain HTTP client for API tests (the JDK's, so tests exercise the server and not a Vert.x
 * client sharing its event loops). Every call is bounded by a timeout.
 */
public final class ApiClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public ApiClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A response with its body parsed when it is JSON. */
    public record Reply(int status, String body, HttpResponse<String> raw) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** The problem+json type slug, e.g. "invalid-request". */
        public String problemType() {
            String type = json().getString("type");
            return type.substring(type.lastIndexOf('/') + 1);
        }
    }

    public Reply get(String path, String accessToken) {
        return send(request(path, accessToken).GET().build());
    }

    public Reply post(String path, String accessToken, String contentType, String body) {
        HttpRequest.Builder builder = request(path, accessToken).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder.build());
    }

    public Reply put(String path, String accessToken, JsonObject body) {
        return send(request(path, accessToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    public Reply patch(String path, String accessToken, JsonObject body) {
        return send(request(path, accessToken).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    /** A PUT with any body text (malformed JSON, wrong media type). */
    public Reply putRaw(String path, String accessToken, String contentType, String body) {
        return send(request(path, accessToken).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Reply postJson(String path, String accessToken, JsonObject body) {
        return post(path, accessToken, "application/json", body.encode());
    }

    /** Signs in and returns the whole token pair. */
    public JsonObject login(String email, String password) {
        Reply reply = postJson("/api/auth/login", null, new JsonObject().put("email", email).put("password", password));
        if (reply.status() != 200) {
            throw new AssertionError("login of " + email + " answered " + reply.status() + ": " + reply.body());
        }
        return reply.json();
    }

    public String accessToken(String email, String password) {
        return login(email, password).getString("accessToken");
    }

    private HttpRequest.Builder request(String path, String accessToken) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (accessToken != null) {
            builder.header("Authorization", "Bearer " + accessToken);
        }
        return builder;
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new AssertionError("request to " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
