package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import app.hearth.gateway.testing.RawHttp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP codec refuses before any route (a request line or headers too large) is answered as
 * problem+json like everything else; the web client's entry page and modules are revalidated on every
 * load, so an upgraded node's code reaches browsers at once.
 */
@DisplayName("The edge: oversized request lines and headers get problem+json; the web client is revalidated, never cached as immutable")
class EdgeAnswersTest extends DemoNodeTest {

    static RawHttp.Answer raw(String requestLine, String... headers) {
        try (RawHttp http = RawHttp.connect(node.port())) {
            http.sendHead(requestLine, headers);
            RawHttp.Answer answer = http.readAnswer();
            assertTrue(http.closedByServer(), "the connection is closed after the refusal");
            return answer;
        }
    }

    static void assertProblem(RawHttp.Answer answer, int status, String slug) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.header("Content-Type"));
        JsonObject body = new JsonObject(answer.body());
        assertEquals("https://hearth.app/problems/" + slug, body.getString("type"), answer.body());
        assertEquals(status, body.getInteger("status"));
        assertEquals("nosniff", answer.header("X-Content-Type-Options"));
    }

    @Test
    @DisplayName("a 10 KB request URI → 414 uri-too-long as problem+json")
    void uriTooLong() {
        assertProblem(raw("GET /api/appointments?x=" + "a".repeat(10 * 1024) + " HTTP/1.1"), 414, "uri-too-long");
    }

    @Test
    @DisplayName("a 20 KB header → 431 header-fields-too-large as problem+json")
    void headersTooLarge() {
        assertProblem(raw("GET /api/me HTTP/1.1", "X-Padding: " + "b".repeat(20 * 1024)), 431, "header-fields-too-large");
    }

    @Test
    @DisplayName("a request line that is not HTTP → 400 invalid-request as problem+json")
    void garbageRequestLine() {
        assertProblem(raw("GET /api/me HTTP/1.1 extra words"), 400, "invalid-request");
    }

    @Test
    @DisplayName("/, index.html and the ES modules are served no-cache with Last-Modified, and revalidate with 304")
    void webClientRevalidates() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String path : List.of("/", "/index.html", "/js/app.js", "/js/api.js", "/css/app.css")) {
            ApiClient.Reply page = api.get(path, null);
            assertEquals(200, page.status(), path);
            String cacheControl = page.header("Cache-Control");
            assertNotNull(cacheControl, path);
            assertTrue(cacheControl.contains("no-cache"), path + ": " + cacheControl);
            assertFalse(cacheControl.contains("immutable") || cacheControl.contains("max-age=86400"), path + ": " + cacheControl);
            String lastModified = page.header("Last-Modified");
            assertNotNull(lastModified, path + " carries a validator");
            HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                    .header("If-Modified-Since", lastModified).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(304, again.statusCode(), path + " revalidates cheaply");
        }
    }
}
