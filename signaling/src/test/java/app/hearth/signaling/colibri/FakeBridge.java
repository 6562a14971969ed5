package app.hearth.signaling.colibri;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A stand-in for Jitsi Videobridge's private HTTP API on 127.0.0.1, enforcing what a real bridge
 * enforced in the recorded exchanges (see /work/shared/reference/colibri2-http.md and resources colibri2/README.md):
 * <ul>
 * <li>Colibri2 requests need {@code Content-Type: application/json}, else 415;</li>
 * <li>POST needs {@code meeting-id} and creates the conference ("already exists" otherwise); PATCH on
 * an unknown conference is 404; errors are Jetty error pages with the reason: HTML with it in {@code <title>},
 * or, when the request sends {@code Accept: application/json}, Jetty's JSON
 * {@code {"url":…,"status":"400","message":…}};</li>
 * <li>the conference {@code name} must be a bare JID ({@code local@domain}): "Failed to create conference:
 * Invalid conference name (not a JID)";</li>
 * <li>booleans must be JSON booleans ("Expected boolean for create, got STRING");</li>
 * <li>creating an endpoint needs the {@code source-names} capability and a {@code transport} object;</li>
 * <li>one endpoint per request, except for expiring; an unknown endpoint is a 400 with an empty body;</li>
 * <li>expiring the last endpoint expires the conference;</li>
 * <li>answers carry the endpoint's ICE-UDP transport (new ufrag/pwd per endpoint, one certificate
 * fingerprint per bridge, and the endpoint's colibri WebSocket URL in {@code web-sockets}) and the
 * bridge's feedback sources;</li>
 * <li>a cold bridge: {@link #slowFirstAllocation(Duration)} makes the next POST answer late while the
 * conference exists at once (as the real one, it is not undone when the client gives up);
 * {@link #orphans(Duration)} lists conferences nobody came back to;</li>
 * <li>the bridge channel (a colibri WebSocket on a second port of 127.0.0.1, path
 * {@code /colibri-ws/<server-id>/<conference-id>/<endpoint-id>?pwd=…}, 403 "authentication failed"
 * otherwise): {@code ServerHello} then {@code ForwardedSources} on open, a newer socket replaces the
 * older one, every message an endpoint sends is recorded ({@link #channelMessages}); video is
 * forwarded to an endpoint only as its {@code ReceiverVideoConstraints} allow ({@link #forwardedVideo});
 * {@link #dominantSpeaker} pushes {@code DominantSpeakerEndpointChangeEvent} to the conference;</li>
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
    public record Request(String method, String path, String contentType, String accept, String body) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    /** The bridge's view of one conference beyond its endpoints' sources. */
    private static final class Conference {
        final String meetingId;
        /** The bridge's own id of the conference: what its colibri WebSocket URLs carry. */
        final String id;
        final String name;
        final long createdAt = System.nanoTime();
        /** A request or a channel came for it after the one that created it. */
        volatile boolean used;
        /** Endpoint ids, most recent dominant speaker first. */
        final List<String> speakers = new ArrayList<>();
        /** Endpoint ids in the order they were created. */
        final List<String> joined = new ArrayList<>();

        Conference(String meetingId, String id, String name) {
            this.meetingId = meetingId;
            this.id = id;
            this.name = name;
        }
    }

    /** One endpoint's channel state. */
    private static final class Channel {
        final String password;
        volatile ServerWebSocket socket;
        final List<JsonObject> received = new CopyOnWriteArrayList<>();
        final List<JsonObject> sent = new CopyOnWriteArrayList<>();
        /**
         * The last ReceiverVideoConstraints' settings; jvb keeps earlier values for fields a message leaves out
         * (defaultConstraints: {@link #initialMaxHeightPx} until the first message, 180 if that one has none).
         */
        int lastN = -1;
        List<String> onStage = List.of();
        List<String> selected = List.of();
        Integer defaultMaxHeight;
        Map<String, Integer> maxHeights = Map.of();
        List<String> forwarded = List.of();

        Channel(String password) {
            this.password = password;
        }
    }

    /** jvb's JidCreate.entityBareFrom: a local part without the forbidden characters, '@', a domain. */
    private static final Pattern BARE_JID = Pattern.compile(
            "[^\\s\"&'/:<>@]{1,1023}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** jvb's {@code videobridge.cc.default-max-height-px}: the default once a receiver spoke without one. */
    static final int DEFAULT_MAX_HEIGHT_PX = 180;

    /** conference meeting-id → its endpoints (with the sources each has declared). */
    public final Map<String, Map<String, JsonArray>> conferences = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    public volatile boolean unhealthy;
    /** When set, Colibri2 requests get a 500 (a bridge that is up but broken). */
    public volatile boolean failing;
    /** When false, answers carry no {@code web-sockets} (a bridge with its colibri WebSockets off). */
    public volatile boolean webSockets = true;
    /** {@code videobridge.cc.initial-max-height-px}: the default constraint before a receiver states its own (jvb: 0). */
    public volatile int initialMaxHeightPx;
    private final Map<String, Conference> meta = new ConcurrentHashMap<>();
    /** meeting-id + "/" + endpoint id → its channel. */
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private volatile Duration slowNextPost;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Vertx vertx;
    private final io.vertx.core.http.HttpServer wsServer;
    private final String serverId;
    private final AtomicInteger counter = new AtomicInteger();
    private final String fingerprint;

    public FakeBridge() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4, r -> {
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
        server.createContext("/debug", this::debug);
        server.start();
        int n = server.getAddress().getPort() % 256;
        fingerprint = String.format("A4:62:5F:98:82:F2:2C:AE:56:80:FA:E0:5C:0C:01:84:28:50:43:5F:84:FD:78:E4:8A:BF:CC:9D:08:2E:BE:%02X", n);
        serverId = "fakejvb" + server.getAddress().getPort();
        vertx = Vertx.vertx();
        wsServer = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::webSocketRequest);
        try {
            wsServer.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            server.stop(0);
            throw new IOException("the fake bridge's WebSocket server did not start", e);
        }
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Where the colibri WebSockets are served ({@code ws://127.0.0.1:port}). */
    public URI webSocketBase() {
        return URI.create("ws://127.0.0.1:" + wsServer.actualPort());
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

    /** The conference's name as Hearth gave it (null when it does not exist or had none). */
    public String nameOf(String meetingId) {
        Conference c = meta.get(meetingId);
        return c == null ? null : c.name;
    }

    /** The meeting-id of the conference with this name, if one exists. */
    public java.util.Optional<String> meetingIdOf(String name) {
        return meta.values().stream().filter(c -> name.equals(c.name) && conferences.containsKey(c.meetingId))
                .map(c -> c.meetingId).findFirst();
    }

    /**
     * A cold bridge: the next POST creates its conference at once but answers only after {@code delay}
     * (jvb's first allocation took 4–23 s). A client that gave up meanwhile leaves the conference behind
     * unless it expires or reuses it.
     */
    public void slowFirstAllocation(Duration delay) {
        slowNextPost = delay;
    }

    /**
     * Conferences nobody came back to: older than {@code olderThan}, and neither a request after the one
     * that created them nor a channel — what a client that gave up on a slow creation leaves behind.
     */
    public Set<String> orphans(Duration olderThan) {
        long now = System.nanoTime();
        Set<String> out = new LinkedHashSet<>();
        for (Conference c : meta.values()) {
            if (conferences.containsKey(c.meetingId) && !c.used && now - c.createdAt > olderThan.toNanos()) {
                out.add(c.meetingId);
            }
        }
        return out;
    }

    /** Every message the endpoint sent over its channel(s), in order (empty when none or unknown). */
    public List<JsonObject> channelMessages(String meetingId, String endpointId) {
        Channel channel = channels.get(meetingId + "/" + endpointId);
        return channel == null ? List.of() : List.copyOf(channel.received);
    }

    /** Every message the bridge sent to the endpoint over its channel(s), in order. */
    public List<JsonObject> channelMessagesSent(String meetingId, String endpointId) {
        Channel channel = channels.get(meetingId + "/" + endpointId);
        return channel == null ? List.of() : List.copyOf(channel.sent);
    }

    /** Whether the endpoint's channel is open now. */
    public boolean channelOpen(String meetingId, String endpointId) {
        Channel channel = channels.get(meetingId + "/" + endpointId);
        return channel != null && channel.socket != null;
    }

    /** Drops the endpoint's channel (a network blip): the browser should reopen it. */
    public void dropChannel(String meetingId, String endpointId) {
        Channel channel = channels.get(meetingId + "/" + endpointId);
        ServerWebSocket socket = channel == null ? null : channel.socket;
        if (socket != null) {
            socket.close((short) 1001, "going away");
        }
    }

    /**
     * The video sources (source names) the bridge forwards to this endpoint now: none until its
     * ReceiverVideoConstraints allow some (with {@link #initialMaxHeightPx} 0, as jvb's default); then the
     * others' video sources ranked on-stage first, then selected, then by speech (most recent dominant
     * speaker first, then join order), those whose constraint is maxHeight 0 left out, the first lastN kept
     * (lastN -1: all; 0: none, audio only).
     */
    public synchronized List<String> forwardedVideo(String meetingId, String endpointId) {
        Channel channel = channels.get(meetingId + "/" + endpointId);
        return channel == null ? List.of() : channel.forwarded;
    }

    /**
     * The bridge's speech activity says {@code endpointId} is the dominant speaker: every endpoint of the
     * conference with an open channel gets {@code DominantSpeakerEndpointChangeEvent}
     * ({@code dominantSpeakerEndpoint}, {@code previousSpeakers}, {@code silence}), and forwarding follows.
     */
    public synchronized void dominantSpeaker(String meetingId, String endpointId) {
        Conference c = meta.get(meetingId);
        if (c == null || !endpointsOf(meetingId).contains(endpointId)) {
            throw new IllegalArgumentException("no endpoint " + endpointId + " in conference " + meetingId);
        }
        c.speakers.remove(endpointId);
        c.speakers.add(0, endpointId);
        JsonObject event = new JsonObject().put("colibriClass", "DominantSpeakerEndpointChangeEvent")
                .put("dominantSpeakerEndpoint", endpointId)
                .put("previousSpeakers", new JsonArray(new ArrayList<Object>(c.speakers.subList(1, c.speakers.size()))))
                .put("silence", false);
        for (String ep : c.joined) {
            send(channels.get(meetingId + "/" + ep), event);
        }
        recompute(meetingId);
    }

    /** The process dies: nothing answers any more. */
    public void kill() {
        server.stop(0);
        executor.shutdownNow();
        vertx.close();
    }

    @Override
    public void close() {
        kill();
    }

    // ------------------------------------------------------------------ Colibri2 over HTTP

    private void colibri(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), type,
                ex.getRequestHeaders().getFirst("Accept"), body));
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
        Duration delay = null;
        JsonObject answer;
        synchronized (this) {
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
                String name = json.getString("name");
                if (name != null && !BARE_JID.matcher(name).matches()) {
                    page(ex, 400, "Failed to create conference: Invalid conference name (not a JID)");
                    return;
                }
                if (!endpointsValid(ex, json, true)) {
                    return;
                }
                if (conferences.putIfAbsent(meetingId, new ConcurrentHashMap<>()) != null) {
                    page(ex, 400, "Failed to create conference: Conference already exists for ID: " + meetingId);
                    return;
                }
                meta.put(meetingId, new Conference(meetingId, HexFormat.of().formatHex(randomBytes(8)), name));
                delay = slowNextPost;
                slowNextPost = null;
            } else if ("PATCH".equals(ex.getRequestMethod()) && path.startsWith("/colibri/v2/conferences/")) {
                meetingId = path.substring("/colibri/v2/conferences/".length());
                if (!conferences.containsKey(meetingId)) {
                    page(ex, 404, "Conference not found for ID: " + meetingId);
                    return;
                }
                meta.get(meetingId).used = true;
                if (!endpointsValid(ex, json, false)) {
                    return;
                }
            } else {
                page(ex, 405, "Method Not Allowed");
                return;
            }
            answer = apply(ex, meetingId, json);
        }
        if (answer == null) {
            return; // refused
        }
        if (delay != null) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            reply(ex, 200, answer.encode(), "application/json");
        } catch (IOException gone) {
            // the client gave up: what was created stays, as on the real bridge
        }
    }

    /**
     * jvb's {@code GET /debug} (every conference by the bridge's id: name, meeting_id, endpoints) and
     * {@code /debug/{id}}, reduced to what the real-bridge tests read.
     */
    private void debug(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        JsonObject conferencesJson = new JsonObject();
        synchronized (this) {
            for (Conference c : meta.values()) {
                JsonObject endpoints = new JsonObject();
                c.joined.forEach(ep -> endpoints.put(ep, new JsonObject().put("id", ep)
                        .put("forwarded_sources", new JsonArray(new ArrayList<Object>(forwardedVideo(c.meetingId, ep))))));
                conferencesJson.put(c.id, new JsonObject().put("id", c.id).put("name", c.name).put("meeting_id", c.meetingId)
                        .put("endpoints", endpoints));
            }
        }
        if (path.equals("/debug") || path.equals("/debug/")) {
            reply(ex, 200, new JsonObject().put("conferences", conferencesJson).encode(), "application/json");
        } else if (conferencesJson.containsKey(path.substring("/debug/".length()))) {
            reply(ex, 200, conferencesJson.getJsonObject(path.substring("/debug/".length())).encode(), "application/json");
        } else {
            page(ex, 404, "Not Found");
        }
    }

    /** Applies a valid request; null after replying with an error. */
    private JsonObject apply(HttpExchange ex, String meetingId, JsonObject json) throws IOException {
        if (Boolean.TRUE.equals(json.getValue("expire"))) {
            expireConference(meetingId);
            return new JsonObject();
        }
        Map<String, JsonArray> endpoints = conferences.get(meetingId);
        Conference conference = meta.get(meetingId);
        JsonArray out = new JsonArray();
        for (Object o : json.getJsonArray("endpoints", new JsonArray())) {
            JsonObject endpoint = (JsonObject) o;
            String id = endpoint.getString("id");
            if (Boolean.TRUE.equals(endpoint.getValue("create"))) {
                endpoints.put(id, endpoint.getJsonArray("sources", new JsonArray()));
                conference.joined.remove(id);
                conference.joined.add(id);
                Channel previous = channels.put(meetingId + "/" + id, new Channel(HexFormat.of().formatHex(randomBytes(12))));
                closeSocket(previous);
                out.add(new JsonObject().put("id", id).put("transport",
                        new JsonObject().put("transport", transport(conference, id))));
            } else if (!endpoints.containsKey(id)) {
                reply(ex, 400, "", "text/html;charset=iso-8859-1");
                return null;
            } else if (Boolean.TRUE.equals(endpoint.getValue("expire"))) {
                endpoints.remove(id);
                conference.speakers.remove(id);
                conference.joined.remove(id);
                closeSocket(channels.remove(meetingId + "/" + id));
                out.add(new JsonObject().put("id", id).put("expire", true));
            } else {
                if (endpoint.containsKey("sources")) {
                    endpoints.put(id, endpoint.getJsonArray("sources"));
                }
                out.add(new JsonObject().put("id", id));
            }
        }
        if (endpoints.isEmpty()) {
            expireConference(meetingId); // the last endpoint takes the conference with it
        } else {
            recompute(meetingId);
        }
        JsonObject answer = new JsonObject().put("endpoints", out);
        if (out.stream().anyMatch(e -> ((JsonObject) e).containsKey("transport"))) {
            answer.put("sources", new JsonArray()
                    .add(new JsonObject().put("type", "audio").put("id", "jvb-a0")
                            .put("sources", new JsonArray().add(new JsonObject().put("ssrc", 1611746211L).put("name", "jvb-a0"))))
                    .add(new JsonObject().put("type", "video").put("id", "jvb-v0")
                            .put("sources", new JsonArray().add(new JsonObject().put("ssrc", 2879691875L).put("name", "jvb-v0")))));
        }
        return answer;
    }

    private void expireConference(String meetingId) {
        conferences.remove(meetingId);
        meta.remove(meetingId);
        channels.keySet().removeIf(key -> {
            if (key.startsWith(meetingId + "/")) {
                closeSocket(channels.get(key));
                return true;
            }
            return false;
        });
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

    private JsonObject transport(Conference conference, String endpointId) {
        int n = counter.incrementAndGet();
        JsonObject transport = new JsonObject().put("xmlns", "urn:xmpp:jingle:transports:ice-udp:1")
                .put("pwd", String.format("fakepwd%018d", n)).put("ufrag", String.format("fk%06d", n))
                .put("fingerprints", new JsonArray().add(new JsonObject().put("fingerprint", fingerprint)
                        .put("setup", "actpass").put("hash", "sha-256")))
                .put("rtcp-mux", true)
                .put("candidates", new JsonArray().add(new JsonObject().put("component", "1").put("foundation", "1")
                        .put("generation", "0").put("id", "c" + n).put("network", "0").put("priority", "2130706431")
                        .put("protocol", "udp").put("type", "host").put("ip", "10.99.0.1").put("port", "10000")));
        if (webSockets) {
            Channel channel = channels.get(conference.meetingId + "/" + endpointId);
            transport.put("web-sockets", new JsonArray().add(webSocketBase() + "/colibri-ws/" + serverId + "/" + conference.id + "/"
                    + endpointId + "?pwd=" + channel.password));
        }
        return transport;
    }

    /** A Jetty error page: JSON when the client accepts it, HTML otherwise. */
    private static void page(HttpExchange ex, int status, String message) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (accept != null && accept.contains("application/json")) {
            reply(ex, status, "{\n\"url\":\"" + ex.getRequestURI().getPath() + "\",\n\"status\":\"" + status + "\",\n\"message\":"
                    + new JsonArray().add(message).encode().replaceAll("^\\[|\\]$", "") + "\n}", "application/json");
            return;
        }
        reply(ex, status, "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n<title>Error "
                + status + " " + message + "</title>\n</head>\n<body><h2>HTTP ERROR " + status + " " + message + "</h2></body>\n</html>\n",
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

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------ the colibri WebSocket (bridge channel)

    private void webSocketRequest(HttpServerRequest request) {
        // /colibri-ws/<server-id>/<conference-id>/<endpoint-id>?pwd=…, as jvb's ColibriWebSocketServlet
        String path = request.path();
        String[] ids = path.startsWith("/colibri-ws/") ? path.substring("/colibri-ws/".length()).split("/") : new String[0];
        if (ids.length < 3) {
            request.response().setStatusCode(404).end("invalid path");
            return;
        }
        if (!serverId.equals(ids[0])) {
            request.response().setStatusCode(404).end("server ID mismatch");
            return;
        }
        Channel channel;
        String meetingId;
        synchronized (this) {
            Conference conference = meta.values().stream().filter(c -> c.id.equals(ids[1])).findFirst().orElse(null);
            meetingId = conference == null ? null : conference.meetingId;
            channel = conference == null ? null : channels.get(conference.meetingId + "/" + ids[2]);
            if (channel == null || !channel.password.equals(request.getParam("pwd"))) {
                request.response().setStatusCode(403).end("authentication failed");
                return;
            }
            conference.used = true;
        }
        request.toWebSocket().onSuccess(socket -> opened(meetingId, ids[2], channel, socket))
                .onFailure(e -> request.response().setStatusCode(400).end());
    }

    private void opened(String meetingId, String endpointId, Channel channel, ServerWebSocket socket) {
        synchronized (this) {
            if (channels.get(meetingId + "/" + endpointId) != channel) {
                socket.close((short) 1008, "endpoint expired");
                return;
            }
            ServerWebSocket previous = channel.socket;
            channel.socket = socket;
            if (previous != null) {
                previous.close((short) 1000, "replaced");
            }
            send(channel, new JsonObject().put("colibriClass", "ServerHello").put("version", "2.3-fake"));
            send(channel, forwardedSources(channel.forwarded));
        }
        socket.textMessageHandler(text -> received(meetingId, endpointId, channel, text));
        socket.closeHandler(v -> {
            synchronized (this) {
                if (channel.socket == socket) {
                    channel.socket = null;
                }
            }
        });
    }

    private void received(String meetingId, String endpointId, Channel channel, String text) {
        JsonObject message;
        try {
            message = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return; // jvb logs and drops what it cannot parse
        }
        channel.received.add(message);
        synchronized (this) {
            switch (message.getString("colibriClass", "")) {
                case "ClientHello" -> send(channel, new JsonObject().put("colibriClass", "ServerHello").put("version", "2.3-fake"));
                case "ReceiverVideoConstraints" -> {
                    constraints(channel, message);
                    recompute(meetingId);
                }
                default -> { } // EndpointMessage, EndpointStats, …: recorded only
            }
        }
    }

    /** ReceiverVideoConstraints: fields left out keep their earlier values. */
    private static void constraints(Channel channel, JsonObject m) {
        if (m.getValue("lastN") instanceof Number n) {
            channel.lastN = n.intValue();
        }
        if (m.getValue("onStageSources") instanceof JsonArray a) {
            channel.onStage = strings(a);
        }
        if (m.getValue("selectedSources") instanceof JsonArray a) {
            channel.selected = strings(a);
        }
        if (m.getValue("defaultConstraints") instanceof JsonObject d && d.getValue("maxHeight") instanceof Number h) {
            channel.defaultMaxHeight = h.intValue();
        } else if (channel.defaultMaxHeight == null) {
            channel.defaultMaxHeight = DEFAULT_MAX_HEIGHT_PX; // the first message without one: jvb's default-max-height-px
        }
        if (m.getValue("constraints") instanceof JsonObject c) {
            Map<String, Integer> heights = new LinkedHashMap<>();
            for (String source : c.fieldNames()) {
                if (c.getValue(source) instanceof JsonObject v && v.getValue("maxHeight") instanceof Number h) {
                    heights.put(source, h.intValue());
                }
            }
            channel.maxHeights = heights;
        }
    }

    private static List<String> strings(JsonArray a) {
        return a.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }

    /** Recomputes what each endpoint of the conference is forwarded; ForwardedSources to those whose set changed. */
    private void recompute(String meetingId) {
        Map<String, JsonArray> endpoints = conferences.get(meetingId);
        Conference conference = meta.get(meetingId);
        if (endpoints == null || conference == null) {
            return;
        }
        for (String receiver : endpoints.keySet()) {
            Channel channel = channels.get(meetingId + "/" + receiver);
            if (channel == null) {
                continue;
            }
            List<String> now = forwarding(conference, endpoints, receiver, channel);
            if (!now.equals(channel.forwarded)) {
                channel.forwarded = now;
                send(channel, forwardedSources(now));
            }
        }
    }

    private List<String> forwarding(Conference conference, Map<String, JsonArray> endpoints, String receiver, Channel channel) {
        // the others' video sources, by speech order (most recent dominant speaker first), then join order
        List<String> order = new ArrayList<>(conference.speakers);
        conference.joined.stream().filter(e -> !order.contains(e)).forEach(order::add);
        List<String> videos = new ArrayList<>();
        for (String sender : order) {
            if (sender.equals(receiver) || !endpoints.containsKey(sender)) {
                continue;
            }
            for (Object o : endpoints.get(sender)) {
                if (o instanceof JsonObject source && "video".equals(source.getString("type")) && source.getString("id") != null) {
                    videos.add(source.getString("id"));
                }
            }
        }
        List<String> ranked = new ArrayList<>();
        channel.onStage.stream().filter(videos::contains).forEach(s -> { if (!ranked.contains(s)) ranked.add(s); });
        channel.selected.stream().filter(videos::contains).forEach(s -> { if (!ranked.contains(s)) ranked.add(s); });
        videos.stream().filter(s -> !ranked.contains(s)).forEach(ranked::add);
        int defaultHeight = channel.defaultMaxHeight != null ? channel.defaultMaxHeight : initialMaxHeightPx;
        List<String> out = new ArrayList<>();
        for (String source : ranked) {
            if (channel.lastN >= 0 && out.size() >= channel.lastN) {
                break;
            }
            if (channel.maxHeights.getOrDefault(source, defaultHeight) > 0) {
                out.add(source);
            }
        }
        return List.copyOf(out);
    }

    private static JsonObject forwardedSources(List<String> sources) {
        return new JsonObject().put("colibriClass", "ForwardedSources").put("forwardedSources", new JsonArray(new ArrayList<Object>(sources)));
    }

    private static void send(Channel channel, JsonObject message) {
        ServerWebSocket socket = channel == null ? null : channel.socket;
        if (socket != null && !socket.isClosed()) {
            channel.sent.add(message);
            socket.writeTextMessage(message.encode());
        }
    }

    private static void closeSocket(Channel channel) {
        ServerWebSocket socket = channel == null ? null : channel.socket;
        if (socket != null) {
            socket.close((short) 1000, "endpoint expired");
        }
    }
}
