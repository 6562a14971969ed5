package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.room.RoomHub;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Room delivery costs the room's members, not the node's connections (issue 16, docs/adr/0028): a
 * chat line in room A is handed to A's connections only, B's connections (and sockets in no room)
 * are never looked at, and each member gets it exactly once.
 */
@DisplayName("Room fan-out through the per-room index")
class RoomFanoutTest {

    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static Predicate<JsonObject> chatLine(String text) {
        return m -> "chat.message".equals(m.getString("type")) && text.equals(m.getString("text"));
    }

    static JsonObject chat(String roomId, String text) {
        return new JsonObject().put("type", "chat.send").put("roomId", roomId).put("text", text);
    }

    @Test
    @DisplayName("a line in room A reaches A's two members once each and looks at no connection of room B or of no room")
    void perRoomDelivery() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom a = OpenRoom.book(api, admin);
        OpenRoom b = OpenRoom.book(api, admin);
        RoomHub hub = node.node().rooms();
        List<RoomClient> idle = new ArrayList<>();
        RoomClient[] inA = a.inSession(node.baseUrl());
        RoomClient[] inB = b.inSession(node.baseUrl());
        try {
            // sockets in no room: a walk over the node's connections would see them
            for (int i = 0; i < 6; i++) {
                idle.add(RoomClient.connect(node.baseUrl(), admin));
            }
            RoomClient therapistA = inA[0];
            RoomClient patientA = inA[1];

            for (int i = 0; i < 3; i++) {
                long before = hub.deliveryVisits();
                String line = "only for room A #" + i;
                patientA.expect("ok", chat(a.roomId, line));
                for (RoomClient member : inA) {
                    member.awaitCount(Duration.ofSeconds(10), chatLine(line), 1, "the line in room A");
                }
                // the delivery looked at room A's two connections on this node, nothing else
                assertEquals(2, hub.deliveryVisits() - before, "connections looked at for one line in room A");
            }

            // room B's members: a later line of their own arrives (events are handled in order), A's never did
            inB[0].expect("ok", chat(b.roomId, "room B's own line"));
            for (RoomClient member : inB) {
                member.awaitCount(Duration.ofSeconds(10), chatLine("room B's own line"), 1, "room B's own line");
                assertEquals(0, member.count(m -> "chat.message".equals(m.getString("type"))
                        && m.getString("text").startsWith("only for room A")), "room A's lines at a member of room B");
            }
            // and each member of A got each line exactly once (its sender included, as before)
            for (RoomClient member : inA) {
                assertEquals(3, member.count(m -> "chat.message".equals(m.getString("type"))
                        && m.getString("text").startsWith("only for room A")), "room A's lines, once each");
                assertEquals(0, member.count(chatLine("room B's own line")), "room B's line at a member of room A");
            }
            for (RoomClient socket : idle) {
                assertEquals(0, socket.count(m -> "chat.message".equals(m.getString("type"))), "chat at a socket in no room");
            }
            assertEquals(2, hub.liveRooms());
            therapistA.expect("ok", chat(a.roomId, "and back"));
            patientA.awaitCount(Duration.ofSeconds(10), chatLine("and back"), 1, "the therapist's line");
        } finally {
            idle.forEach(RoomClient::close);
            for (RoomClient c : inA) {
                c.close();
            }
            for (RoomClient c : inB) {
                c.close();
            }
        }
    }

    @Test
    @DisplayName("lines sent back to back go straight to this node's members, in the order sent: a line delivered straight away does not hold up the next")
    void directPathPerRoom() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom a = OpenRoom.book(api, admin);
        RoomHub hub = node.node().rooms();
        RoomClient[] inA = a.inSession(node.baseUrl());
        try {
            RoomClient therapist = inA[0];
            RoomClient patient = inA[1];
            // the set-up's own events (gate, admission, roster) handled before the lines: one line there and back
            therapist.expect("ok", chat(a.roomId, "before the burst"));
            patient.awaitCount(Duration.ofSeconds(10), chatLine("before the burst"), 1, "the therapist's first line");
            // 20 lines without waiting for their replies: a line delivered straight away is not "in flight",
            // so it never holds up the next (with one count per node, most of these took the bus)
            long before = hub.directDeliveries();
            for (int i = 0; i < 20; i++) {
                patient.sendRaw(chat(a.roomId, "back to back #" + i).put("id", "b" + i).encode());
            }
            therapist.awaitCount(Duration.ofSeconds(10), m -> "chat.message".equals(m.getString("type"))
                    && m.getString("text").startsWith("back to back #"), 20, "the 20 lines");
            assertEquals(20, hub.directDeliveries() - before, "lines delivered straight from the sender's thread");
            List<String> order = therapist.matching(m -> "chat.message".equals(m.getString("type"))
                    && m.getString("text").startsWith("back to back #")).stream().map(m -> m.getString("text")).toList();
            assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "back to back #" + i).toList(), order,
                    "one sender's lines arrive in the order sent");
        } finally {
            for (RoomClient c : inA) {
                c.close();
            }
        }
    }

    @Test
    @DisplayName("a lobby board is pushed to a watcher only when it changed for them: another therapist's waiting patient sends them nothing")
    void lobbyBoardsOnlyWhenChanged() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom roomA = OpenRoom.book(api, admin);
        OpenRoom roomB = OpenRoom.book(api, admin);
        Predicate<JsonObject> pushedBoard = m -> "lobby.snapshot".equals(m.getString("type")) && !m.containsKey("id");
        try (RoomClient boardA = RoomClient.connect(node.baseUrl(), roomA.therapistToken);
             RoomClient boardB = RoomClient.connect(node.baseUrl(), roomB.therapistToken);
             RoomClient patientA = RoomClient.connect(node.baseUrl(), roomA.patientToken);
             RoomClient patientB = RoomClient.connect(node.baseUrl(), roomB.patientToken)) {
            boardA.expect("lobby.snapshot", new JsonObject().put("type", "lobby.watch").put("scope", "mine"));
            boardB.expect("lobby.snapshot", new JsonObject().put("type", "lobby.watch").put("scope", "mine"));
            // patient A arrives and passes the gate: three changes of A's room, each a new board for A
            roomA.join(patientA, roomA.patientToken);
            patientA.expect("ok", roomA.gate());
            boardA.await(m -> pushedBoard.test(m) && RoomClient.participants(m).stream().anyMatch(e -> e.getJsonObject("patient")
                    .getJsonObject("ready").getBoolean("gate")), "patient A ready on A's board");
            // then patient B arrives: B's first change; anything pushed to B before it has arrived by then
            roomB.join(patientB, roomB.patientToken);
            boardB.await(m -> pushedBoard.test(m) && !RoomClient.participants(m).isEmpty(), "patient B on B's board");
            assertEquals(0, boardB.count(m -> pushedBoard.test(m) && RoomClient.participants(m).isEmpty()),
                    "B's (empty) board was never pushed for A's patient");
            assertTrue(boardA.count(pushedBoard) >= 1, "A's board was pushed for A's patient");
        }
    }

    /** What a raw socket saw: when (ms after the welcome) each server ping came, and the close code and time. */
    record Seen(List<Long> pingsAtMs, int closeCode, long closedAtMs) {
    }

    /**
     * Opens a raw socket (its pings unanswered, unlike a browser's or the JDK's) and reads until the
     * server closes it or {@code forMs} pass; with {@code talking}, it sends an application ping every
     * second, as a browser's page does every 3 s.
     */
    static Seen watchRaw(String admin, boolean talking, long forMs) throws Exception {
        return watchRaw(admin, talking, false, forMs);
    }

    /** As above; with {@code watchLobby} the socket first watches the clinic's lobby, so it is not at rest. */
    static Seen watchRaw(String admin, boolean talking, boolean watchLobby, long forMs) throws Exception {
        ApiClient api = new ApiClient(node.baseUrl());
        String url = api.post("/api/realtime/ticket", admin, null, "").json().getString("url");
        try (Socket raw = new Socket("127.0.0.1", node.port())) {
            raw.setSoTimeout(1_000);
            OutputStream out = raw.getOutputStream();
            DataInputStream in = new DataInputStream(raw.getInputStream());
            out.write(("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("hearth-idle-test".getBytes(StandardCharsets.US_ASCII)) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(RoomSocketLimitsTest.readHead(in).startsWith("HTTP/1.1 101"));
            RoomSocketLimitsTest.readFrame(in); // welcome
            if (watchLobby) {
                RoomSocketLimitsTest.writeFrame(out, 0x81, new JsonObject().put("type", "lobby.watch").put("id", "w1")
                        .put("scope", "clinic").encode().getBytes(StandardCharsets.UTF_8));
                String snapshot = new String(RoomSocketLimitsTest.readFrame(in).payload(), StandardCharsets.UTF_8);
                assertTrue(snapshot.contains("lobby.snapshot"), snapshot);
            }
            long opened = System.nanoTime();
            long nextTalk = opened;
            List<Long> pings = new ArrayList<>();
            while (System.nanoTime() - opened < TimeUnit.MILLISECONDS.toNanos(forMs)) {
                if (talking && System.nanoTime() >= nextTalk) {
                    RoomSocketLimitsTest.writeFrame(out, 0x81, new JsonObject().put("type", "ping").put("id", "t" + nextTalk)
                            .put("clientTime", System.currentTimeMillis()).encode().getBytes(StandardCharsets.UTF_8));
                    nextTalk += TimeUnit.SECONDS.toNanos(1);
                }
                RoomSocketLimitsTest.Frame frame;
                try {
                    frame = RoomSocketLimitsTest.readFrame(in);
                } catch (java.net.SocketTimeoutException quiet) {
                    continue; // nothing within a second: look at the clock again
                }
                long at = (System.nanoTime() - opened) / 1_000_000;
                if (frame.opcode() == 0x9) {
                    pings.add(at); // never answered
                } else if (frame.opcode() == 0x8) {
                    return new Seen(pings, frame.closeCode(), at);
                }
            }
            return new Seen(pings, 0, -1);
        }
    }

    @Test
    @DisplayName("heartbeat with the default timings: a silent socket watching a lobby is first pinged after ~4 s of silence and closed "
            + "as dead within 10 s; a silent socket at rest (no room, no lobby) is not pinged for 25 s; a socket that talks is never pinged")
    void cheapHeartbeat() throws Exception {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        CompletableFuture<Seen> talking = watchAsync(admin, true, true, 11_000);
        CompletableFuture<Seen> resting = watchAsync(admin, false, false, 15_000);
        Seen silent = watchRaw(admin, false, true, 15_000);
        assertEquals(4000, silent.closeCode(), "closed as dead: " + silent);
        assertTrue(silent.closedAtMs() <= 10_000, "closed within 10 s of its last sign of life: " + silent);
        assertTrue(silent.closedAtMs() >= 7_500, "not before the 8 s idle timeout: " + silent);
        assertTrue(!silent.pingsAtMs().isEmpty() && silent.pingsAtMs().get(0) >= 3_500,
                "first pinged once silent for the 4 s ping interval: " + silent);
        assertTrue(silent.pingsAtMs().size() <= 3, "pinged at most every half interval while silent: " + silent);
        Seen talker = talking.get(30, TimeUnit.SECONDS);
        assertEquals(0, talker.closeCode(), "the talking socket stays open: " + talker);
        assertEquals(List.of(), talker.pingsAtMs(), "a socket that talks is never pinged");
        Seen atRest = resting.get(30, TimeUnit.SECONDS);
        assertEquals(0, atRest.closeCode(), "a resting socket is not closed after 15 s of silence: " + atRest);
        assertEquals(List.of(), atRest.pingsAtMs(), "nor pinged before its 25 s resting interval: " + atRest);
    }

    static CompletableFuture<Seen> watchAsync(String admin, boolean talking, boolean watchLobby, long forMs) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return watchRaw(admin, talking, watchLobby, forMs);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
