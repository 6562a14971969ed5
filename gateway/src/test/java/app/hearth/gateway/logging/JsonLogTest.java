package app.hearth.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.config.NodeConfig;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.logging.RequestIds;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HEARTH_LOG_FORMAT=json (docs/adr/0025): every line is one JSON object (parsed with Jackson), and
 * the lines of one HTTP request, of one socket message and of the event-bus delivery it caused carry
 * that request's id; an incoming X-Request-Id is kept when well-formed and replaced otherwise.
 */
@DisplayName("JSON logs with request ids")
class JsonLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void backToText() {
        LogFormat.apply(NodeConfig.LogFormat.TEXT);
    }

    @Test
    @DisplayName("JSON is selected by the switch; each line parses; an HTTP request's lines carry its X-Request-Id, returned as a header")
    void httpRequestIds() throws Exception {
        try (LogCapture capture = LogCapture.start(NodeConfig.LogFormat.JSON);
             TestNode node = TestNode.start(Map.of("HEARTH_LOG_FORMAT", "json"))) {
            ch.qos.logback.classic.Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory())
                    .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            assertNotNull(root.getAppender(LogFormat.JSON_APPENDER), "the JSON console appender is selected");
            assertEquals(null, root.getAppender(LogFormat.TEXT_APPENDER), "and the text one is not");

            String token = new ApiClient(node.baseUrl()).accessToken("admin@demo.hearth", "hearth-demo");
            // a well-formed incoming id is kept and returned
            HttpResponse<String> mine = get(node.baseUrl() + "/api/me", token, "trace-4f1c.a:9_Z-1");
            assertEquals(200, mine.statusCode());
            assertEquals("trace-4f1c.a:9_Z-1", mine.headers().firstValue(RequestIds.HTTP_HEADER).orElse(null));
            // a malformed one (spaces, a forged line, too long) is replaced by a generated one
            HttpResponse<String> forged = get(node.baseUrl() + "/api/me", token, "x\" level=ERROR forged " + "y".repeat(80));
            String generated = forged.headers().firstValue(RequestIds.HTTP_HEADER).orElseThrow();
            assertTrue(generated.matches("[0-9a-f]{32}"), generated);
            // none at all: one is generated
            HttpResponse<String> none = get(node.baseUrl() + "/health/live", null, null);
            String other = none.headers().firstValue(RequestIds.HTTP_HEADER).orElseThrow();
            assertNotEquals(generated, other);

            Eventually.within(Duration.ofSeconds(5), "the requests' access lines", () -> {
                List<JsonNode> lines = parse(capture.lines());
                assertTrue(withId(lines, "trace-4f1c.a:9_Z-1").stream().anyMatch(l -> l.get("message").asText().contains("answered 200")),
                        "the access line of the request carries its id");
                assertTrue(withId(lines, generated).stream().anyMatch(l -> l.get("message").asText().contains("answered 200")));
                assertTrue(withId(lines, other).stream().anyMatch(l -> l.get("message").asText().contains("answered 200")));
            });
            List<JsonNode> lines = parse(capture.lines());
            for (JsonNode line : lines) {
                assertTrue(line.has("@timestamp") && line.has("level") && line.has("logger_name") && line.has("message"), line.toString());
                assertFalse(line.toString().contains("forged"), "a malformed incoming id never reaches a line: " + line);
            }
            // one request's lines carry its id and no other
            Set<String> ids = withId(lines, "trace-4f1c.a:9_Z-1").stream().map(l -> l.get("requestId").asText()).collect(Collectors.toSet());
            assertEquals(Set.of("trace-4f1c.a:9_Z-1"), ids);
        }
    }

    @Test
    @DisplayName("a socket message's lines carry '<socket's id>.<n>', and the event-bus delivery it caused carries the same id")
    void socketAndEventBusIds() throws Exception {
        try (LogCapture capture = LogCapture.start(NodeConfig.LogFormat.JSON);
             TestNode node = TestNode.start(Map.of("HEARTH_LOG_FORMAT", "json"))) {
            ApiClient api = new ApiClient(node.baseUrl());
            OpenRoom room = OpenRoom.book(api, api.accessToken("admin@demo.hearth", "hearth-demo"));
            RoomClient[] both = room.inSession(node.baseUrl());
            try (RoomClient therapist = both[0]; RoomClient patient = both[1]) {
                patient.expect("ok", new JsonObject().put("type", "chat.send").put("roomId", room.roomId).put("text", "hello"));
                therapist.awaitType("chat.message");
                Eventually.within(Duration.ofSeconds(5), "the chat's delivery logged under the chat message's id", () -> {
                    List<JsonNode> lines = parse(capture.lines());
                    Set<String> received = lines.stream().filter(l -> l.get("message").asText().startsWith("Room message received"))
                            .map(l -> l.path("requestId").asText("")).collect(Collectors.toSet());
                    assertTrue(received.stream().allMatch(id -> id.matches("[0-9a-f]{32}\\.[0-9]+")), "socket message ids: " + received);
                    List<String> delivered = lines.stream().filter(l -> l.get("message").asText().startsWith("Room message delivered"))
                            .map(l -> l.path("requestId").asText("")).toList();
                    assertFalse(delivered.isEmpty(), "a delivery line");
                    assertTrue(delivered.stream().allMatch(received::contains),
                            "each delivery carries the id of the socket message that caused it: " + delivered + " of " + received);
                });
            }
        }
    }

    @Test
    @DisplayName("the id follows the work onto a worker pool and back, and stays off work that is not the request's")
    void idFollowsTheWork() throws Exception {
        LogFormat.apply(NodeConfig.LogFormat.TEXT); // installs the request-id filter for this JVM
        Logger log = LoggerFactory.getLogger(JsonLogTest.class);
        Vertx vertx = Vertx.vertx();
        WorkerExecutor pool = vertx.createSharedWorkerExecutor("json-log-test", 1);
        try (LogCapture capture = LogCapture.start(NodeConfig.LogFormat.JSON)) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                RequestIds.within("work-1", () -> pool.executeBlocking(() -> {
                    log.info("on the worker");
                    return 1;
                }).onComplete(r -> {
                    log.info("back on the loop");
                    done.complete(null);
                }));
            });
            done.get(10, TimeUnit.SECONDS);
            // other work on the same event loop, not started by the request
            CompletableFuture<Void> other = new CompletableFuture<>();
            vertx.runOnContext(x -> {
                log.info("other work");
                other.complete(null);
            });
            other.get(10, TimeUnit.SECONDS);
            List<JsonNode> lines = parse(capture.lines());
            assertEquals("work-1", line(lines, "on the worker").path("requestId").asText());
            assertEquals("work-1", line(lines, "back on the loop").path("requestId").asText());
            assertFalse(line(lines, "other work").has("requestId"), "work that is not the request's has no id");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode line(List<JsonNode> lines, String message) {
        return lines.stream().filter(l -> message.equals(l.get("message").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + message));
    }

    private static List<JsonNode> withId(List<JsonNode> lines, String id) {
        return lines.stream().filter(l -> id.equals(l.path("requestId").asText(null))).toList();
    }

    /** Each line, parsed: one JSON object per line or the test fails. */
    static List<JsonNode> parse(List<String> lines) {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            try {
                JsonNode node = JSON.readTree(line);
                assertTrue(node.isObject(), "a JSON object: " + line);
                parsed.add(node);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }
        return parsed;
    }

    private HttpResponse<String> get(String url, String token, String requestId) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (requestId != null) {
            builder.header(RequestIds.HTTP_HEADER, requestId);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
