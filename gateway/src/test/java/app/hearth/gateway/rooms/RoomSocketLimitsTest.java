package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The room socket against hostile and merely busy clients, on a real node: a compression bomb is
 * refused before anything is inflated, a call's burst is accepted, a client a little over the rate
 * is refused its excess but kept, and only a real flood is closed — while another room talks on.
 */
@DisplayName("Room socket limits: no compression bomb, bursts pass, only floods are closed")
class RoomSocketLimitsTest {

    static TestNode node;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonObject msg(String type) {
        return new JsonObject().put("type", type);
    }

    static Predicate<JsonObject> ofType(String type) {
        return m -> type.equals(m.getString("type"));
    }

    /** A chat line from one member of a room reaches the other: the room still works. */
    static void chatStillWorks(OpenRoom room, RoomClient from, RoomClient to, String text) {
        from.expect("ok", msg("chat.send").put("roomId", room.roomId).put("text", text));
        to.await(m -> "chat.message".equals(m.getString("type")) && text.equals(m.getString("text")), "the chat line '" + text + "'");
    }

    @Test
    @DisplayName("a client offering permessage-deflate gets no compression; a compressed frame that would inflate to 60 MB is closed 1002 at once and logged without content")
    void compressionBomb() throws Exception {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] s = room.inSession(node.baseUrl());
        Logger socketLog = (Logger) LoggerFactory.getLogger(app.hearth.gateway.rooms.RoomSocket.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        socketLog.addAppender(captured);
        try (RoomClient therapist = s[0]; RoomClient patient = s[1]) {
            String url = api.post("/api/realtime/ticket", admin, null, "").json().getString("url");
            String ticket = url.substring(url.indexOf("ticket=") + "ticket=".length());
            byte[] bomb = deflatedZeros(60 * 1024 * 1024);
            assertTrue(bomb.length < 128 * 1024, "the bomb fits one frame: " + bomb.length);
            try (Socket raw = new Socket("127.0.0.1", node.port())) {
                raw.setSoTimeout(15_000); // a bound on every read below; the answers come at once
                OutputStream out = raw.getOutputStream();
                DataInputStream in = new DataInputStream(raw.getInputStream());
                out.write(("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString("hearth-bomb-test".getBytes(StandardCharsets.US_ASCII)) + "\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(in).toLowerCase(Locale.ROOT);
                assertTrue(head.startsWith("http/1.1 101"), head);
                assertFalse(head.contains("sec-websocket-extensions"), "no compression is negotiated: " + head);
                assertEquals("welcome", new JsonObject(new String(readFrame(in).payload, StandardCharsets.UTF_8)).getString("type"));

                // one text frame marked compressed (RSV1), as a browser with permessage-deflate would send it
                long sent = System.nanoTime();
                writeFrame(out, 0x80 | 0x40 | 0x1, bomb);
                Frame answer = readFrameOrEnd(in);
                long tookMs = (System.nanoTime() - sent) / 1_000_000;
                assertTrue(answer == null || answer.opcode == 0x8, "the only answer is a close: " + answer);
                if (answer != null) {
                    assertEquals(1002, answer.closeCode(), "a protocol error");
                }
                System.out.printf("compressed frame of %d bytes (60 MB inflated) refused after 0 inflated bytes in %d ms (close %s)%n",
                        bomb.length, tookMs, answer == null ? "none, connection dropped" : answer.closeCode());
            }
            // the other room never noticed
            chatStillWorks(room, patient, therapist, "still here after the bomb");
            waitForLog(captured, "compressed frame refused");
        } finally {
            socketLog.detachAppender(captured);
        }
    }

    @Test
    @DisplayName("clients that hang up while their ticket is being checked leave no error behind, and the room socket still opens")
    void hangUpDuringTheUpgrade() throws Exception {
        Logger rootLog = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        rootLog.addAppender(captured);
        try {
            for (int i = 0; i < 30; i++) {
                String url = api.post("/api/realtime/ticket", admin, null, "").json().getString("url");
                try (Socket raw = new Socket("127.0.0.1", node.port())) {
                    raw.setSoLinger(true, 0); // closed with a reset, as a tab closed mid-handshake can be
                    OutputStream out = raw.getOutputStream();
                    out.write(("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                            + Base64.getEncoder().encodeToString(("hearth-hangup-" + (i % 10)).getBytes(StandardCharsets.US_ASCII))
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            // a room opened after them works, and by then the node has long answered the hang-ups
            OpenRoom room = OpenRoom.book(api, admin);
            RoomClient[] s = room.inSession(node.baseUrl());
            try (RoomClient therapist = s[0]; RoomClient patient = s[1]) {
                chatStillWorks(room, patient, therapist, "after the hang-ups");
            }
            java.util.List<String> errors = captured.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
                    .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ": " + e.getThrowableProxy().getClassName()
                            + " " + e.getThrowableProxy().getMessage()))
                    .toList();
            assertTrue(errors.isEmpty(), "no error logged: " + errors);
        } finally {
            rootLog.detachAppender(captured);
        }
    }

    static void waitForLog(ListAppender<ILoggingEvent> captured, String waitingFor) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (captured.list.stream().noneMatch(e -> e.getFormattedMessage().contains("protocol error"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line for the " + waitingFor + "; got " + captured.list);
            }
            Thread.sleep(20); // polling the captured log lines, bounded by the deadline
        }
        for (ILoggingEvent e : captured.list) {
            assertFalse(e.getFormattedMessage().contains("ticket="), "no ticket in the log: " + e.getFormattedMessage());
        }
    }

    @Test
    @DisplayName("a burst of 40 messages at once, as a call's set-up sends them, is answered in full without a rate-limit error")
    void burstPasses() {
        try (RoomClient client = RoomClient.connect(node.baseUrl(), admin)) {
            JsonObject limits = client.awaitType("welcome").getJsonObject("limits");
            for (int i = 0; i < 40; i++) {
                client.sendRaw(msg("ping").put("id", "b" + i).put("clientTime", i).encode());
            }
            client.awaitCount(Duration.ofSeconds(15), m -> ofType("pong").test(m) || ofType("error").test(m), 40, "40 answers");
            assertEquals(0, client.count(ofType("error")), "no errors");
            assertEquals(40, client.count(ofType("pong")));
            assertFalse(client.isClosed());
            assertEquals(60, limits.getInteger("messageBurst"), "the welcome tells the burst");
        }
    }

    @Test
    @DisplayName("a client sending a steady 1.5× the rate for 10 s is refused its excess but never closed")
    void steadyOverRateIsNotClosed() throws Exception {
        int total = 300; // 30 a second (the rate is 20) for 10 s
        try (RoomClient client = RoomClient.connect(node.baseUrl(), admin)) {
            client.awaitType("welcome");
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger next = new AtomicInteger();
            try {
                pace.scheduleAtFixedRate(() -> {
                    int i = next.getAndIncrement();
                    if (i < total && !client.isClosed()) {
                        client.sendRaw(msg("ping").put("id", "s" + i).put("clientTime", i).encode());
                    }
                }, 0, 1000 / 30, TimeUnit.MILLISECONDS);
                client.awaitCount(Duration.ofSeconds(60), m -> ofType("pong").test(m) || ofType("error").test(m),
                        total, "an answer to each of the " + total + " messages");
            } finally {
                pace.shutdownNow();
            }
            assertFalse(client.isClosed(), "not closed");
            assertTrue(client.count(ofType("pong")) >= 200, "most are answered: " + client.count(ofType("pong")));
        }
    }

    @Test
    @DisplayName("a flood far beyond the rate gets rate-limited errors and is closed 1008, while another room talks on; "
            + "the flooding session gets no new ticket for a while, other sessions do")
    void floodIsClosed() {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] s = room.inSession(node.baseUrl());
        String flooding = api.accessToken("admin@demo.hearth", "hearth-demo"); // a session of its own
        try (RoomClient therapist = s[0]; RoomClient patient = s[1]; RoomClient flooder = RoomClient.connect(node.baseUrl(), flooding)) {
            flooder.awaitType("welcome");
            for (int i = 0; i < 5000; i++) { // bounded: closed after about a hundred
                if (!flooder.trySendRaw(msg("ping").put("id", "f" + i).put("clientTime", i).encode())) {
                    break;
                }
            }
            assertEquals(1008, flooder.awaitClose(Duration.ofSeconds(15)));
            assertTrue(flooder.count(m -> ofType("error").test(m) && "rate-limited".equals(m.getString("code"))) > 0);
            assertTrue(flooder.count(ofType("pong")) >= 60, "the burst was served first: " + flooder.count(ofType("pong")));
            chatStillWorks(room, therapist, patient, "still talking after the flood");

            // reconnecting at once to flood again is what costs a node (ticket, token check, store writes)
            ApiClient.Reply refused = api.post("/api/realtime/ticket", flooding, null, "");
            assertEquals(429, refused.status(), refused.body());
            assertTrue(Long.parseLong(refused.header("Retry-After")) > 0);
            assertEquals("application/problem+json", refused.header("Content-Type"));
            assertEquals(201, api.post("/api/realtime/ticket", admin, null, "").status(), "another session of the same person");
        }
    }

    // ------------------------------------------------------------------ a raw WebSocket client

    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        @Override
        public String toString() {
            return "opcode " + opcode + ", " + payload.length + " bytes";
        }
    }

    /** Raw DEFLATE of {@code size} zero bytes, flushed as permessage-deflate sends it (the 00 00 ff ff tail removed). */
    static byte[] deflatedZeros(int size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        for (int left = size; left > 0; left -= zeros.length) {
            deflater.setInput(zeros, 0, Math.min(left, zeros.length));
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buffer, 0, n);
        }
        deflater.end();
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A client frame: masked, as the protocol requires. */
    static void writeFrame(OutputStream out, int firstByte, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    static Frame readFrame(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    /** The next frame, or null when the server dropped the connection instead (reset or end of stream). */
    static Frame readFrameOrEnd(DataInputStream in) throws IOException {
        try {
            return readFrame(in);
        } catch (EOFException | java.net.SocketException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within 15 s to the compressed frame", e);
        }
    }
}
