package app.hearth.signaling.colibri;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Jitsi Videobridge's private HTTP API on 127.0.0.1 that enforces the rules a real
 * bridge enforced in the recorded exchanges (shared/reference/colibri2-http.md): JSON only (415),
 * meeting-id required, source-names capability and a transport needed to create an endpoint, one
 * endpoint per request, conflicts and unknown conferences as Jetty HTML error pages, a health
 * endpoint that can turn 500, and a bridge that can die outright.
 */
final class FakeBridge implements AutoCloseable {

    final Map<String, Set<String>> conferences = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    volatile boolean unhealthy;
    private final HttpServer server;
    private final AtomicInteger ufrags = new AtomicInteger();

    FakeBridge() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/about/health", ex -> reply(ex, unhealthy ? 500 : 200, unhealthy ? "not healthy" : "", "text/plain"));
        server.createContext("/colibri/v2/conferences", this::colibri);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The process dies: nothing answers any more. */
    void kill() {
        server.stop(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void colibri(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            page(ex, 415, "Unsupported Media Type");
            return;
        }
        JsonObject body;
        try {
            body = new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            page(ex, 400, "Failed to parse ConferenceModify JSON");
            return;
        }
        String path = ex.getRequestURI().getPath();
        String meetingId;
        if ("POST".equals(ex.getRequestMethod())) {
            meetingId = body.getString("meeting-id");
            if (meetingId == null) {
                page(ex, 400, "Failed to create conference: meeting-id is required");
                return;
            }
            if (!(body.getValue("create") instanceof Boolean)) {
                page(ex, 400, "Failed to parse ConferenceModify JSON:Expected boolean for create, got STRING");
                return;
            }
            if (conferences.putIfAbsent(meetingId, ConcurrentHashMap.newKeySet()) != null) {
                page(ex, 400, "Failed to create conference: Conference already exists for ID: " + meetingId);
                return;
            }
        } else {
            meetingId = path.substring(path.lastIndexOf('/') + 1);
            if (!conferences.containsKey(meetingId)) {
                page(ex, 404, "Conference not found");
                return;
            }
        }
        if (Boolean.TRUE.equals(body.getValue("expire"))) {
            conferences.remove(meetingId);
            reply(ex, 200, "{}", "application/json");
            return;
        }
        JsonArray endpoints = body.getJsonArray("endpoints", new JsonArray());
        if (endpoints.size() > 1) {
            page(ex, 400, "Only one endpoint per request may be created or modified");
            return;
        }
        JsonArray out = new JsonArray();
        for (Object o : endpoints) {
            JsonObject endpoint = (JsonObject) o;
            String id = endpoint.getString("id");
            if (Boolean.TRUE.equals(endpoint.getValue("create"))) {
                if (!endpoint.getJsonArray("capabilities", new JsonArray()).contains("source-names")) {
                    page(ex, 400, "Failed to create conference: Source name support is mandatory.");
                    return;
                }
                if (!endpoint.containsKey("transport")) {
                    page(ex, 400, "Failed to create endpoint: transport is required");
                    return;
                }
                conferences.get(meetingId).add(id);
                out.add(new JsonObject().put("id", id).put("transport", new JsonObject().put("transport", transport())));
            } else if (!conferences.get(meetingId).contains(id)) {
                reply(ex, 400, "", "text/html");
                return;
            } else if (Boolean.TRUE.equals(endpoint.getValue("expire"))) {
                conferences.get(meetingId).remove(id);
                if (conferences.get(meetingId).isEmpty()) {
                    conferences.remove(meetingId); // the last endpoint takes the conference with it
                }
                out.add(new JsonObject().put("id", id).put("expire", true));
            } else {
                out.add(new JsonObject().put("id", id));
            }
        }
        reply(ex, 200, new JsonObject().put("endpoints", out).put("sources", new JsonArray()
                .add(new JsonObject().put("type", "audio").put("id", "jvb-a0").put("sources",
                        new JsonArray().add(new JsonObject().put("ssrc", 1611746211L).put("name", "jvb-a0"))))).encode(),
                "application/json");
    }

    private JsonObject transport() {
        return new JsonObject().put("xmlns", "urn:xmpp:jingle:transports:ice-udp:1").put("pwd", "fakepwd" + ufrags.incrementAndGet() + "x0123456789ab")
                .put("ufrag", "uf" + ufrags.get()).put("rtcp-mux", true)
                .put("fingerprints", new JsonArray().add(new JsonObject().put("fingerprint",
                        "A4:62:5F:98:82:F2:2C:AE:56:80:FA:E0:5C:0C:01:84:28:50:43:5F:84:FD:78:E4:8A:BF:CC:9D:08:2E:BE:F7")
                        .put("setup", "actpass").put("hash", "sha-256")))
                .put("candidates", new JsonArray().add(new JsonObject().put("component", "1").put("foundation", "1")
                        .put("generation", "0").put("id", "c" + ufrags.get()).put("network", "0").put("priority", "2130706431")
                        .put("protocol", "udp").put("type", "host").put("ip", "10.99.0.1").put("port", "10000")));
    }

    private static void page(HttpExchange ex, int status, String title) throws IOException {
        reply(ex, status, "<html><head><title>" + title + "</title></head><body><h2>HTTP ERROR " + status + "</h2></body></html>",
                "text/html;charset=iso-8859-1");
    }

    private static void reply(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }
}
