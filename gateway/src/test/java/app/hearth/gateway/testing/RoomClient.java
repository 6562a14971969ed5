package app.hearth.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import app.hearth.protocol.ws.WsSchema;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client of the room protocol for tests (the JDK's, which answers pings by itself
 * like a browser). Every message the server sends is checked against the schema as it arrives; a
 * message that breaks the contract fails the test that reads it.
 */
public final class RoomClient implements AutoCloseable {

    private static final WsSchema SCHEMA = WsSchema.load();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final WebSocket socket;
    private final List<JsonObject> received = new ArrayList<>();
    private final List<String> contractBreaks = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private int read;

    private RoomClient(WebSocket socket) {
        this.socket = socket;
    }

    /** Opens a socket on the node with a fresh connection ticket for the signed-in person. */
    public static RoomClient connect(String baseUrl, String accessToken) {
        ApiClient.Reply ticket = new ApiClient(baseUrl).post("/api/realtime/ticket", accessToken, null, "");
        assertEquals(201, ticket.status(), ticket.body());
        return open(baseUrl, ticket.json().getString("url"), null);
    }

    /** Opens a socket at a path and query (e.g. "/ws?ticket=…"), optionally with an Origin header. */
    public static RoomClient open(String baseUrl, String pathAndQuery, String origin) {
        Holder holder = new Holder();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            WebSocket socket = builder.buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + pathAndQuery), holder)
                    .get(15, TimeUnit.SECONDS);
            return holder.attach(new RoomClient(socket));
        } catch (Exception e) {
            throw new HandshakeRefused(statusOf(e), e);
        }
    }

    /** The handshake was refused (status is the HTTP status, or -1 when there was no answer). */
    public static final class HandshakeRefused extends RuntimeException {
        public final int status;

        HandshakeRefused(int status, Throwable cause) {
            super("WebSocket handshake refused with " + status, cause);
            this.status = status;
        }
    }

    private static int statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
        }
        return -1;
    }

    /** Sends a request (an id is added when missing) and waits for the reply that echoes its id. */
    public JsonObject request(JsonObject message) {
        String id = message.containsKey("id") ? message.getString("id") : "r" + IDS.incrementAndGet();
        sendRaw(message.copy().put("id", id).encode());
        return awaitReply(id, "the reply to " + message.getString("type") + " " + id);
    }

    /**
     * Takes the reply with this id out of the unread messages without passing over the pushes around
     * it (a chat line may arrive before the 'ok' of the message that caused it).
     */
    private synchronized JsonObject awaitReply(String id, String waitingFor) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (int i = read; i < received.size(); i++) {
                if (id.equals(received.get(i).getString("id"))) {
                    return received.remove(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("Waited 10 s for " + waitingFor);
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + waitingFor);
            }
        }
    }

    /** Sends a request and asserts it succeeded with the given reply type. */
    public JsonObject expect(String replyType, JsonObject message) {
        JsonObject reply = request(message);
        assertEquals(replyType, reply.getString("type"), reply.encode());
        return reply;
    }

    /** Sends a request and asserts it failed with the given error code. */
    public JsonObject expectError(String code, JsonObject message) {
        JsonObject reply = request(message);
        assertEquals("error", reply.getString("type"), reply.encode());
        assertEquals(code, reply.getString("code"), reply.encode());
        return reply;
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends unless the socket is closed, also when the server's close overtakes the send; false if not sent. */
    public boolean trySendRaw(String text) {
        if (isClosed()) {
            return false;
        }
        try {
            socket.sendText(text, true).join();
            return true;
        } catch (java.util.concurrent.CompletionException e) {
            return false;
        }
    }

    /** Waits for the next message (after the ones already read) that matches. */
    public JsonObject await(Predicate<JsonObject> match, String waitingFor) {
        return awaitWithin(Duration.ofSeconds(10), match, waitingFor);
    }

    public synchronized JsonObject awaitWithin(Duration timeout, Predicate<JsonObject> match, String waitingFor) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!contractBreaks.isEmpty()) {
                fail("The server broke the message schema: " + contractBreaks);
            }
            while (read < received.size()) {
                JsonObject next = received.get(read++);
                if (match.test(next)) {
                    return next;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("Waited " + timeout.toMillis() + " ms for " + waitingFor + "; got " + received.subList(Math.max(0, received.size() - 8),
                        received.size()));
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + waitingFor);
            }
        }
    }

    /** The messages received so far (read or not) that match, in the order they arrived. */
    public synchronized List<JsonObject> matching(Predicate<JsonObject> match) {
        return received.stream().filter(match).map(JsonObject::copy).toList();
    }

    /** How many messages received so far (read or not) match. */
    public synchronized long count(Predicate<JsonObject> match) {
        return received.stream().filter(match).count();
    }

    /** Waits until this many received messages (read or not) match. */
    public synchronized void awaitCount(Duration timeout, Predicate<JsonObject> match, long count, String waitingFor) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.stream().filter(match).count() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("Waited " + timeout.toMillis() + " ms for " + waitingFor + "; got " + received.stream().filter(match).count());
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + waitingFor);
            }
        }
    }

    /** The next message of a type. */
    public JsonObject awaitType(String type) {
        return await(m -> type.equals(m.getString("type")), "a '" + type + "' message");
    }

    /** The latest roster pushed so far in which the predicate holds, waiting for one if needed. */
    public JsonObject awaitRoster(Predicate<List<JsonObject>> condition, String waitingFor) {
        return await(m -> "room.roster".equals(m.getString("type")) && condition.test(participants(m)), waitingFor);
    }

    public static List<JsonObject> participants(JsonObject roster) {
        return roster.getJsonArray(roster.containsKey("participants") ? "participants" : "entries").stream()
                .map(o -> (JsonObject) o).toList();
    }

    public static Optional<JsonObject> person(JsonObject roster, String personId) {
        return participants(roster).stream().filter(p -> personId.equals(p.getString("personId"))).findFirst();
    }

    /** Waits for the server to close the socket; returns the close code. */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the server did not close the socket within " + timeout.toSeconds() + " s", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }

    /** Drops the TCP connection without a close frame, as a crashed browser would. */
    public void abort() {
        socket.abort();
    }

    private synchronized void deliver(String text) {
        JsonObject message = new JsonObject(text);
        SCHEMA.checkServer(message).ifPresent(v -> contractBreaks.add(v.message() + " in " + text));
        received.add(message);
        notifyAll();
    }

    /** The listener, created before the socket exists. */
    private static final class Holder implements WebSocket.Listener {
        private RoomClient client;
        private final List<String> early = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        synchronized RoomClient attach(RoomClient c) {
            client = c;
            early.forEach(c::deliver);
            early.clear();
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                synchronized (this) {
                    if (client == null) {
                        early.add(text);
                    } else {
                        client.deliver(text);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            synchronized (this) {
                if (client != null) {
                    client.closed.complete(statusCode);
                }
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            synchronized (this) {
                if (client != null) {
                    client.closed.complete(-1);
                }
            }
        }
    }

}
