package app.hearth.signaling.colibri;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Jitsi Videobridge's private HTTP API on 127.0.0.1, enforcing what a real bridge
 * enforced in the recorded exchanges (see resources colibri2/README.md):
 * <ul>
 * <li>Colibri2 requests need {@code Content-Type: application/json}, else 415;</li>
 * <li>POST needs {@code meeting-id} and creates the conference ("already exists" otherwise); PATCH on
 * an unknown conference is 404; errors are Jetty HTML pages with the reason in {@code <title>};</li>
 * <li>booleans must be JSON booleans ("Expected boolean for create, got STRING");</li>
 * <li>creating an endpoint needs the {@code source-names} capability and a {@code transport} object;</li>
 * <li>one endpoint per request, except for expiring; an unknown endpoint is a 400 with an empty body;</li>
 * <li>expiring the last endpoint expires the conference;</li>
 * <li>answers carry the endpoint's ICE-UDP transport (new ufrag/pwd per endpoint, one certificate
 * fingerprint per bridge) and the bridge's feedback sources;</li>
 * <li>{@code GET /about/health} is 200, or 500 when made unhealthy; {@link #kill()} stops answering.</li>
 * </ul>
 */
public final class FakeBridge implements AutoCloseable {

    static {
        // Jetty writes a response in one go; the JDK server writes headers and body apart, and with Nagle
        // on, loopback delayed ACKs add ~40 ms to every exchange. Off, the fake answers like the real one.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as received. */
    public record Request(String method, String path, String contentType, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    /** conference meeting-id → its endpoints (with the sources each has declared). */
    public final Map<String, Map<String, JsonArray>> conferences = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    public volatile boolean unhealthy;
    /** When set, Colibri2 requests get a 500 (a bridge that is up but broken). */
    public volatile boolean failing;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger counter = new AtomicInteger();
    private final String fingerprint;

    public FakeBridge() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fake-bridge");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/about/health", ex -> {
            ex.getRequestBody().readAllBytes();
            if (unhealthy) {
                reply(ex, 500, "Health check failed: ICE harvesting failed", "text/plain");
            } else {
                reply(ex, 200, "", "text/plain");
            }
        });
        server.createContext("/colibri/v2/conferences", this::colibri);
        server.start();
        int n = server.getAddress().getPort() % 256;
        fingerprint = String.format("A4:62:5F:98:82:F2:2C:AE:56:80:FA:E0:5C:0C:01:84:28:50:43:5F:84:FD:78:E4:8A:BF:CC:9D:08:2E:BE:%02X", n);
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    String fingerprint() {
        return fingerprint;
    }

    public int endpointCount() {
        return conferences.values().stream().mapToInt(Map::size).sum();
    }

    /** Endpoint ids of a conference (empty when it does not exist). */
    public Set<String> endpointsOf(String meetingId) {
        Map<String, JsonArray> endpoints = conferences.get(meetingId);
        return endpoints == null ? Set.of() : Set.copyOf(endpoints.keySet());
    }

    /** The process dies: nothing answers any more. */
    public void kill() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        kill();
    }

    private void colibri(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), type, body));
        if (failing) {
            page(ex, 500, "Server Error");
            return;
        }
        if (type == null || !type.startsWith("application/json")) {
            page(ex, 415, "Unsupported Media Type");
            return;
        }
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            page(ex, 400, "Failed to parse ConferenceModify JSON:" + e.getMessage());
            return;
        }
        for (String flag : List.of("create", "expire")) {
            if (json.containsKey(flag) && !(json.getValue(flag) instanceof Boolean)) {
                page(ex, 400, "Failed to parse ConferenceModify JSON:Expected boolean for " + flag + ", got STRING");
                return;
            }
        }
        String path = ex.getRequestURI().getPath();
        String meetingId;
        if ("POST".equals(ex.getRequestMethod()) && path.equals("/colibri/v2/conferences")) {
            meetingId = json.getString("meeting-id");
            if (meetingId == null) {
                page(ex, 400, "Failed to create conference: meeting-id is missing");
                return;
            }
            if (!Boolean.TRUE.equals(json.getValue("create"))) {
                page(ex, 404, "Conference not found for ID: " + meetingId);
                return;
            }
            if (!endpointsValid(ex, json, true)) {
                return;
            }
            if (conferences.putIfAbsent(meetingId, new ConcurrentHashMap<>()) != null) {
                page(ex, 400, "Failed to create conference: Conference already exists for ID: " + meetingId);
                return;
            }
        } else if ("PATCH".equals(ex.getRequestMethod()) && path.startsWith("/colibri/v2/conferences/")) {
            meetingId = path.substring("/colibri/v2/conferences/".length());
            if (!conferences.containsKey(meetingId)) {
                page(ex, 404, "Conference not found for ID: " + meetingId);
                return;
            }
            if (!endpointsValid(ex, json, false)) {
                return;
            }
        } else {
            page(ex, 405, "Method Not Allowed");
            return;
        }
        if (Boolean.TRUE.equals(json.getValue("expire"))) {
            conferences.remove(meetingId);
            reply(ex, 200, "{}", "application/json");
            return;
        }
        Map<String, JsonArray> endpoints = conferences.get(meetingId);
        JsonArray out = new JsonArray();
        for (Object o : json.getJsonArray("endpoints", new JsonArray())) {
            JsonObject endpoint = (JsonObject) o;
            String id = endpoint.getString("id");
            if (Boolean.TRUE.equals(endpoint.getValue("create"))) {
                endpoints.put(id, endpoint.getJsonArray("sources", new JsonArray()));
                out.add(new JsonObject().put("id", id).put("transport", new JsonObject().put("transport", transport())));
            } else if (!endpoints.containsKey(id)) {
                reply(ex, 400, "", "text/html;charset=iso-8859-1");
                return;
            } else if (Boolean.TRUE.equals(endpoint.getValue("expire"))) {
                endpoints.remove(id);
                out.add(new JsonObject().put("id", id).put("expire", true));
            } else {
                if (endpoint.containsKey("sources")) {
                    endpoints.put(id, endpoint.getJsonArray("sources"));
                }
                out.add(new JsonObject().put("id", id));
            }
        }
        if (endpoints.isEmpty()) {
            conferences.remove(meetingId); // the last endpoint takes the conference with it
        }
        JsonObject answer = new JsonObject().put("endpoints", out);
        if (out.stream().anyMatch(e -> ((JsonObject) e).containsKey("transport"))) {
            answer.put("sources", new JsonArray()
                    .add(new JsonObject().put("type", "audio").put("id", "jvb-a0")
                            .put("sources", new JsonArray().add(new JsonObject().put("ssrc", 1611746211L).put("name", "jvb-a0"))))
                    .add(new JsonObject().put("type", "video").put("id", "jvb-v0")
                            .put("sources", new JsonArray().add(new JsonObject().put("ssrc", 2879691875L).put("name", "jvb-v0")))));
        }
        reply(ex, 200, answer.encode(), "application/json");
    }

    /** The bridge's per-request rules for endpoints; false after replying with the error. */
    private boolean endpointsValid(HttpExchange ex, JsonObject json, boolean creatingConference) throws IOException {
        JsonArray endpoints = json.getJsonArray("endpoints", new JsonArray());
        long modifying = endpoints.stream().map(JsonObject.class::cast)
                .filter(e -> !Boolean.TRUE.equals(e.getValue("expire")) && !e.containsKey("force-mute")).count();
        if (modifying > 1) {
            page(ex, 400, "Failed to process ConferenceModify: only one endpoint may be created or modified per request");
            return false;
        }
        for (Object o : endpoints) {
            JsonObject endpoint = (JsonObject) o;
            for (String flag : List.of("create", "expire")) {
                if (endpoint.containsKey(flag) && !(endpoint.getValue(flag) instanceof Boolean)) {
                    page(ex, 400, "Failed to parse ConferenceModify JSON:Expected boolean for " + flag + ", got STRING");
                    return false;
                }
            }
            if (Boolean.TRUE.equals(endpoint.getValue("create"))) {
                String failed = creatingConference ? "Failed to create conference: " : "Failed to process ConferenceModify: ";
                if (!endpoint.getJsonArray("capabilities", new JsonArray()).contains("source-names")) {
                    page(ex, 400, failed + "Source name support is mandatory.");
                    return false;
                }
                if (!(endpoint.getValue("transport") instanceof JsonObject)) {
                    page(ex, 400, failed + "Attempt to create endpoint " + endpoint.getString("id") + " with no <transport>");
                    return false;
                }
            }
        }
        return true;
    }

    private JsonObject transport() {
        int n = counter.incrementAndGet();
        return new JsonObject().put("xmlns", "urn:xmpp:jingle:transports:ice-udp:1")
                .put("pwd", String.format("fakepwd%018d", n)).put("ufrag", String.format("fk%06d", n))
                .put("fingerprints", new JsonArray().add(new JsonObject().put("fingerprint", fingerprint)
                        .put("setup", "actpass").put("hash", "sha-256")))
                .put("rtcp-mux", true)
                .put("candidates", new JsonArray().add(new JsonObject().put("component", "1").put("foundation", "1")
                        .put("generation", "0").put("id", "c" + n).put("network", "0").put("priority", "2130706431")
                        .put("protocol", "udp").put("type", "host").put("ip", "10.99.0.1").put("port", "10000")));
    }

    private static void page(HttpExchange ex, int status, String title) throws IOException {
        reply(ex, status, "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n<title>Error "
                + status + " " + title + "</title>\n</head>\n<body><h2>HTTP ERROR " + status + " " + title + "</h2></body>\n</html>\n",
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
