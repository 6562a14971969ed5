package app.hearth.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.signaling.colibri.FakeBridge;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bridge figures on {@code /metrics} (docs/adr/0025): health and endpoints per bridge, labelled by
 * the bridge's place in HEARTH_JVB_URLS and never its URL; the time of each endpoint allocation.
 */
@DisplayName("Metrics of the bridges")
class MetricsBridgeTest {

    /** HTTP/1.1, as Prometheus scrapes. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @DisplayName("a circle's join is timed on bridge 0; the bridge's health follows its checks; no label carries its URL")
    void bridgeFigures() throws Exception {
        try (FakeBridge bridge = new FakeBridge();
             TestNode node = TestNode.start(Map.of("HEARTH_JVB_URLS", bridge.base().toString(), "HEARTH_JVB_HEALTH_INTERVAL", "PT1S"))) {
            String metricsUrl = "http://127.0.0.1:" + node.node().managementPort().orElseThrow() + "/metrics";
            MetricsTest.Exposition first = scrape(metricsUrl);
            assertEquals(1, first.sum("hearth_bridge_up", s -> "0".equals(s.labels().get("bridge"))), 0.0001);

            ApiClient api = new ApiClient(node.baseUrl());
            OpenRoom.Circle circle = OpenRoom.bookCircle(api, api.accessToken("admin@demo.hearth", "hearth-demo"), 1);
            OpenRoom.Member host = circle.facilitators().get(0);
            try (RoomClient socket = RoomClient.connect(node.baseUrl(), host.token())) {
                socket.expect("room.joined", new JsonObject().put("type", "room.join")
                        .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), host.token())));
                socket.expect("ok", new JsonObject().put("type", "rtc.bridge.join").put("roomId", circle.roomId()));
                socket.awaitType("rtc.bridge.offer");
                Eventually.within(Duration.ofSeconds(10), "the allocation timed and the endpoint counted", () -> {
                    MetricsTest.Exposition now = scrape(metricsUrl);
                    assertEquals(1, now.sum("hearth_bridge_allocation_seconds_count",
                            s -> "0".equals(s.labels().get("bridge")) && "ok".equals(s.labels().get("outcome"))), 0.0001);
                    assertEquals(1, now.sum("hearth_bridge_endpoints", s -> "0".equals(s.labels().get("bridge"))), 0.0001);
                });
            }

            bridge.unhealthy = true;
            Eventually.within(Duration.ofSeconds(10), "the bridge out of use", () ->
                    assertEquals(0, scrape(metricsUrl).sum("hearth_bridge_up", s -> "0".equals(s.labels().get("bridge"))), 0.0001));

            String authority = bridge.base().getAuthority();
            for (MetricsTest.Exposition.Sample sample : scrape(metricsUrl).samples()) {
                sample.labels().values().forEach(v -> assertFalse(v.contains(authority) || v.contains("http://"),
                        "a bridge's address in a label of " + sample.name() + ": " + v));
            }
        }
    }

    private static MetricsTest.Exposition scrape(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return MetricsTest.Exposition.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
