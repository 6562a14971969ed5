package app.hearth.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} on the management port (docs/adr/0025), scraped over HTTP and parsed line by line
 * as Prometheus reads it: Hearth's meters move with a booking, a refusal, a failed sign-in, a
 * waiting patient and a chat line; Vert.x's HTTP and event-bus figures are there with route patterns
 * and fixed addresses; no label names anyone or anything of the test; the public port has no
 * {@code /metrics}.
 */
@DisplayName("Metrics on the management port")
class MetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** HTTP/1.1, as Prometheus scrapes. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @DisplayName("a booking, a refusal, a failed sign-in, a waiting patient and a chat move Hearth's meters; labels carry no ids")
    void metersMove() throws Exception {
        try (TestNode node = TestNode.start()) {
            String metricsUrl = "http://127.0.0.1:" + node.node().managementPort().orElseThrow() + "/metrics";
            ApiClient api = new ApiClient(node.baseUrl());

            // the public port has no /metrics, and the management port has nothing else
            assertEquals(404, api.get("/metrics", null).status());
            assertEquals(404, get("http://127.0.0.1:" + node.node().managementPort().getAsInt() + "/api/me").statusCode());
            assertTrue(node.node().managementPort().getAsInt() != node.port());

            HttpResponse<String> first = get(metricsUrl);
            assertEquals(200, first.statusCode());
            assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), "Prometheus text format");
            Exposition before = Exposition.parse(first.body());
            double bookedBefore = before.sum("hearth_bookings_total", s -> true);

            // a booking (with the people it needs), then the same slot again: refused
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            OpenRoom room = OpenRoom.book(api, admin);
            JsonObject appointment = api.get("/api/appointments/" + room.appointmentId, admin).json();
            ApiClient.Reply again = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                    .put("therapistIds", new JsonArray().add(room.therapistId)).put("patientId", room.patientId)
                    .put("start", appointment.getString("start")));
            assertTrue(again.status() >= 400, again.body());
            String refusal = again.problemType();

            // a wrong password
            ApiClient.Reply wrong = api.postJson("/api/auth/login", null, new JsonObject().put("email", "admin@demo.hearth")
                    .put("password", "not the password"));
            assertEquals(401, wrong.status());
            String signInProblem = wrong.problemType();

            Exposition afterBooking = scrape(metricsUrl);
            assertEquals(bookedBefore + 1, afterBooking.sum("hearth_bookings_total", s -> true), 0.0001);
            assertEquals(1, afterBooking.sum("hearth_booking_refusals_total", s -> refusal.equals(s.labels().get("problem"))), 0.0001,
                    "refusal counted by its problem type " + refusal);
            assertTrue(afterBooking.sum("hearth_signin_failures_total", s -> signInProblem.equals(s.labels().get("problem"))) >= 1,
                    "sign-in failure counted by its problem type " + signInProblem);
            // the email outbox's backlog (due, unsent) is one unlabelled gauge
            assertTrue(afterBooking.value("hearth_mail_outbox_backlog") >= 0);

            // a patient waiting to be let in, then both in the room and a chat line
            try (RoomClient therapist = RoomClient.connect(node.baseUrl(), room.therapistToken);
                 RoomClient patient = RoomClient.connect(node.baseUrl(), room.patientToken)) {
                room.join(patient, room.patientToken);
                patient.expect("ok", room.gate());
                Eventually.within(WAIT, "the patient counted as waiting", () -> {
                    Exposition now = scrape(metricsUrl);
                    assertEquals(1, now.value("hearth_room_people_waiting"), 0.0001);
                    assertEquals(2, now.value("hearth_room_sockets_open"), 0.0001);
                    assertEquals(1, now.value("hearth_rooms_live"), 0.0001);
                });
                therapist.expect("ok", new JsonObject().put("type", "host.admit").put("roomId", room.roomId)
                        .put("personId", room.patientId));
                patient.awaitType("room.admitted");
                room.join(therapist, room.therapistToken);
                therapist.awaitRoster(p -> p.size() == 2, "both in the room");
                double fanOutBefore = scrape(metricsUrl).sum("hearth_room_fanout_seconds_count",
                        s -> "deliver".equals(s.labels().get("kind")));
                patient.expect("ok", new JsonObject().put("type", "chat.send").put("roomId", room.roomId).put("text", "hello"));
                assertEquals("hello", therapist.awaitType("chat.message").getString("text"));

                Eventually.within(WAIT, "the chat's fan-out timed, rosters timed, nobody waiting", () -> {
                    Exposition now = scrape(metricsUrl);
                    // delivered to both (the sender too), each delivery timed
                    assertEquals(fanOutBefore + 2, now.sum("hearth_room_fanout_seconds_count",
                            s -> "deliver".equals(s.labels().get("kind"))), 0.0001);
                    assertTrue(now.sum("hearth_room_fanout_seconds_bucket", s -> "deliver".equals(s.labels().get("kind"))) > 0,
                            "a histogram with buckets");
                    assertTrue(now.sum("hearth_room_roster_push_seconds_count", s -> true) >= 1);
                    assertEquals(0, now.value("hearth_room_people_waiting"), 0.0001);
                });
            }

            Exposition last = scrape(metricsUrl);
            // Vert.x's own figures: HTTP by route pattern, the event bus by address
            assertTrue(last.sum("vertx_http_server_requests_total", s -> "201".equals(s.labels().get("code"))) >= 1);
            assertTrue(last.samples().stream().anyMatch(s -> s.name().startsWith("vertx_http_server")
                    && String.valueOf(s.labels().get("route")).contains("/api/appointments/:appointmentId")),
                    "routes are patterns: " + last.labelValues("route"));
            assertTrue(last.sum("vertx_eventbus_published_total", s -> "hearth.rooms.events".equals(s.labels().get("address"))) >= 1);
            assertTrue(last.samples().stream().anyMatch(s -> s.name().startsWith("jvm_memory")), "JVM figures");

            // no label value names a person, an appointment or a room of this test, or an address
            JsonArray people = api.get("/api/people", admin).json().getJsonArray("items");
            List<String> ids = new ArrayList<>(List.of(room.appointmentId, room.roomId, room.patientId, room.therapistId));
            for (int i = 0; i < people.size(); i++) {
                ids.add(people.getJsonObject(i).getString("id"));
            }
            for (Exposition.Sample sample : last.samples()) {
                for (Map.Entry<String, String> label : sample.labels().entrySet()) {
                    for (String id : ids) {
                        assertFalse(label.getValue().contains(id), "label " + label + " of " + sample.name() + " names " + id);
                    }
                    assertFalse(label.getValue().contains("@"), "an email address in " + label);
                }
            }
        }
    }

    @Test
    @DisplayName("HEARTH_MANAGEMENT_ENABLED=false: no management port, the node serves as before")
    void managementOff() {
        try (TestNode node = TestNode.start(Map.of("HEARTH_MANAGEMENT_ENABLED", "false"))) {
            assertTrue(node.node().managementPort().isEmpty());
            ApiClient api = new ApiClient(node.baseUrl());
            assertEquals(404, api.get("/metrics", null).status());
            assertEquals(200, api.get("/health/live", null).status());
        }
    }

    @Test
    @DisplayName("a management port that is taken: the node refuses to start and names the setting")
    void portTaken() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> TestNode.start(Map.of("HEARTH_MANAGEMENT_PORT", Integer.toString(taken.getLocalPort()))));
            assertTrue(refused.getMessage().contains("HEARTH_MANAGEMENT_PORT"), refused.getMessage());
        }
    }

    private Exposition scrape(String url) {
        HttpResponse<String> response = get(url);
        assertEquals(200, response.statusCode());
        return Exposition.parse(response.body());
    }

    private HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + url + " failed: " + e, e);
        }
    }

    /** The Prometheus text format as a scraper reads it: {@code name{label="value",...} number} per line. */
    record Exposition(List<Sample> samples) {

        record Sample(String name, Map<String, String> labels, double value) {
        }

        static Exposition parse(String text) {
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space;
                String name;
                Map<String, String> labels = new LinkedHashMap<>();
                if (brace >= 0 && brace < line.indexOf(' ')) {
                    name = line.substring(0, brace);
                    int i = brace + 1;
                    while (line.charAt(i) != '}') {
                        int eq = line.indexOf('=', i);
                        String key = line.substring(i, eq).trim();
                        StringBuilder value = new StringBuilder();
                        int j = eq + 2; // past ="
                        while (line.charAt(j) != '"') {
                            char c = line.charAt(j);
                            if (c == '\\') {
                                char next = line.charAt(++j);
                                value.append(next == 'n' ? '\n' : next);
                            } else {
                                value.append(c);
                            }
                            j++;
                        }
                        labels.put(key, value.toString());
                        i = j + 1;
                        if (line.charAt(i) == ',') {
                            i++;
                        }
                    }
                    space = i + 1;
                } else {
                    space = line.indexOf(' ');
                    name = line.substring(0, space);
                }
                String[] rest = line.substring(space).trim().split(" ");
                samples.add(new Sample(name, labels, Double.parseDouble(rest[0])));
            }
            return new Exposition(samples);
        }

        double sum(String name, Predicate<Sample> match) {
            return samples.stream().filter(s -> s.name().equals(name)).filter(match).mapToDouble(Sample::value).sum();
        }

        /** The one sample of an unlabelled meter. */
        double value(String name) {
            List<Sample> found = samples.stream().filter(s -> s.name().equals(name)).toList();
            assertEquals(1, found.size(), name + " once: " + found);
            return found.get(0).value();
        }

        List<String> labelValues(String label) {
            return samples.stream().map(s -> s.labels().get(label)).filter(v -> v != null).distinct().toList();
        }
    }
}
