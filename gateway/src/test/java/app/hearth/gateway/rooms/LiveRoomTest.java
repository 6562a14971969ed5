package app.hearth.gateway.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.auth.ConnectionTickets;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.FreezableProxy;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Live rooms on one node over real WebSockets: the handshake, the waiting room and the safety gate,
 * host controls, reconnection, and abuse of the protocol. Timings are shortened (grace 3 s, a silent
 * client is dead after 3 s) so the scenarios run quickly; the cluster test keeps the defaults.
 */
@DisplayName("Live rooms: waiting room, safety gate, host controls, reconnection, protocol abuse")
class LiveRoomTest {

    static TestNode node;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_ROOM_RECONNECT_GRACE", "PT3S", "HEARTH_WS_IDLE_TIMEOUT", "PT3S",
                "HEARTH_WS_PING_INTERVAL", "PT1S", "HEARTH_LOGINS_PER_ADDRESS", "500"));
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

    static JsonObject admit(OpenRoom room) {
        return msg("host.admit").put("roomId", room.roomId).put("personId", room.patientId);
    }

    static String presenceOf(JsonObject roster, String personId) {
        return RoomClient.person(roster, personId).map(p -> p.getString("presence")).orElse("gone");
    }

    static RoomClient[] inSession(OpenRoom room) {
        return room.inSession(node.baseUrl());
    }

    @Test
    @DisplayName("the socket is refused before the upgrade without a valid, unspent, unexpired ticket or from another site")
    void handshakeRefusals() {
        // given a valid ticket that has been used once
        ApiClient.Reply issued = api.post("/api/realtime/ticket", admin, null, "");
        assertEquals(201, issued.status(), issued.body());
        String url = issued.json().getString("url");
        try (RoomClient first = RoomClient.open(node.baseUrl(), url, null)) {
            assertEquals("welcome", first.awaitType("welcome").getString("type"));
        }

        // then each refusal happens at the handshake, with the right status
        assertEquals(401, assertThrows(RoomClient.HandshakeRefused.class, () -> RoomClient.open(node.baseUrl(), url, null)).status,
                "a reused ticket");
        assertEquals(401, assertThrows(RoomClient.HandshakeRefused.class,
                () -> RoomClient.open(node.baseUrl(), "/ws", null)).status, "no ticket");
        assertEquals(401, assertThrows(RoomClient.HandshakeRefused.class,
                () -> RoomClient.open(node.baseUrl(), "/ws?ticket=not-a-ticket-at-all", null)).status, "an unknown ticket");
        assertEquals(401, assertThrows(RoomClient.HandshakeRefused.class,
                () -> RoomClient.open(node.baseUrl(), "/ws?ticket=" + expiredTicket(), null)).status, "an expired ticket");
        String fresh = api.post("/api/realtime/ticket", admin, null, "").json().getString("url");
        assertEquals(403, assertThrows(RoomClient.HandshakeRefused.class,
                () -> RoomClient.open(node.baseUrl(), fresh, "https://evil.example")).status, "another site's page");
        assertEquals(404, assertThrows(RoomClient.HandshakeRefused.class,
                () -> RoomClient.open(node.baseUrl(), "/other?ticket=x", null)).status, "another path");
        assertEquals(401, api.post("/api/realtime/ticket", null, null, "").status(), "tickets need a signed-in person");
    }

    /** A ticket made two minutes ago (valid for one), written through the same code as real ones. */
    static String expiredTicket() {
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            Blocking inline = new Blocking() {
                @Override
                public <T> Future<T> run(java.util.concurrent.Callable<T> work) {
                    try {
                        return Future.succeededFuture(work.call());
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                }
            };
            Clock past = Clock.fixed(Instant.now().minusSeconds(120), ZoneOffset.UTC);
            return new ConnectionTickets(store, inline, past)
                    .issue(new Actor("demo-admin", "demo", Role.ADMIN, "127.0.0.1"),
                            new app.hearth.gateway.auth.AccessSession("a-session", "demo-admin", Instant.now().minusSeconds(120)))
                    .result().ticket();
        }
    }

    @Test
    @DisplayName("a patient checks in; the therapist sees them waiting and ready, admits them, and both share the room")
    void waitingRoomToSession() {
        OpenRoom room = OpenRoom.book(api, admin);
        try (RoomClient therapist = RoomClient.connect(node.baseUrl(), room.therapistToken);
             RoomClient patient = RoomClient.connect(node.baseUrl(), room.patientToken)) {
            // given the therapist follows their waiting room from another page
            JsonObject lobby = therapist.expect("lobby.snapshot", msg("lobby.watch").put("scope", "mine"));
            assertTrue(RoomClient.participants(lobby).isEmpty(), lobby.encode());

            // when the patient opens the room: they are online, asked to confirm the contact on file
            JsonObject joined = room.join(patient, room.patientToken);
            assertEquals("online", joined.getJsonObject("you").getString("presence"));
            assertFalse(joined.getBoolean("resumed"));
            assertEquals("Sam Contact", joined.getJsonObject("emergencyContactOnFile").getString("name"));
            JsonObject seen = therapist.await(m -> "lobby.snapshot".equals(m.getString("type"))
                    && !RoomClient.participants(m).isEmpty(), "the patient in the therapist's lobby");
            assertEquals("online", RoomClient.participants(seen).get(0).getJsonObject("patient").getString("presence"));

            // then nobody can admit them before the safety gate, and a patient cannot admit anyone
            therapist.expectError("gate-incomplete", admit(room));
            patient.expectError("forbidden", admit(room));
            patient.expectError("not-in-room", msg("chat.send").put("roomId", room.roomId).put("text", "hello?"));

            // when they check their devices and confirm where they are
            patient.expect("ok", msg("device.check").put("roomId", room.roomId).put("camera", true).put("microphone", true));
            patient.expect("ok", room.gate());

            // then the therapist sees them waiting and ready, with the safety details
            JsonObject ready = therapist.await(m -> "lobby.snapshot".equals(m.getString("type"))
                    && RoomClient.participants(m).stream().anyMatch(e -> "waiting".equals(e.getJsonObject("patient").getString("presence"))
                    && e.getJsonObject("patient").getJsonObject("ready").getBoolean("gate")
                    && e.getJsonObject("patient").getJsonObject("ready").getBoolean("devices")), "the patient waiting and ready");
            JsonObject safety = RoomClient.participants(ready).get(0).getJsonObject("patient").getJsonObject("safety");
            assertEquals("12 Harbour Lane, Portland", safety.getString("address"));
            assertEquals(35, safety.getJsonObject("geolocation").getInteger("accuracyMeters"));

            // when the therapist admits them from the lobby and enters the room
            therapist.expect("ok", admit(room));
            patient.awaitType("room.admitted");
            JsonObject hostJoined = room.join(therapist, room.therapistToken);
            assertTrue(hostJoined.getJsonObject("you").getBoolean("host"));

            // then both see both in the room; only the therapist sees the safety details
            JsonObject hostView = therapist.awaitRoster(p -> p.size() == 2 && p.stream().allMatch(x -> "in-room".equals(x.getString("presence"))),
                    "both in the therapist's roster");
            assertTrue(RoomClient.person(hostView, room.patientId).orElseThrow().containsKey("safety"));
            JsonObject patientView = patient.awaitRoster(p -> p.size() == 2 && p.stream().allMatch(x -> "in-room".equals(x.getString("presence"))),
                    "both in the patient's roster");
            assertFalse(RoomClient.person(patientView, room.patientId).orElseThrow().containsKey("safety"));

            // and chat reaches everyone in the room
            patient.expect("ok", msg("chat.send").put("roomId", room.roomId).put("text", "I'm here"));
            assertEquals("I'm here", therapist.awaitType("chat.message").getString("text"));
            assertEquals(room.patientId, patient.awaitType("chat.message").getJsonObject("from").getString("personId"));
        }

        // and the check is on record, and its writing and reading are in the audit log
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            Document check = store.collection("safety_checks").find(Filters.eq("_id", room.roomId + "/" + room.patientId)).first();
            assertEquals("12 Harbour Lane, Portland", check.getString("address"));
        }
        for (String action : List.of("safety-check.write", "safety-check.read", "room.admit")) {
            JsonObject page = api.get("/api/audit?action=" + action + "&resourceId=" + room.appointmentId, admin).json();
            assertFalse(page.getJsonArray("items").isEmpty(), action + " is audited: " + page.encode());
        }
    }

    @Test
    @DisplayName("malformed, unknown, invalid, oversize, binary and flooding messages each get a clear error")
    void protocolAbuse() {
        try (RoomClient client = RoomClient.connect(node.baseUrl(), admin)) {
            client.awaitType("welcome");
            client.sendRaw("{not json");
            assertEquals("malformed-json", client.awaitType("error").getString("code"));
            client.sendRaw("[1,2,3]");
            assertEquals("malformed-json", client.awaitType("error").getString("code"));
            assertEquals("unknown-type", client.request(msg("room.teleport")).getString("code"));
            JsonObject invalid = client.expectError("invalid-message", msg("room.join"));
            assertTrue(invalid.getString("message").contains("room.join"), invalid.encode());
            client.expectError("invalid-message", msg("chat.send").put("roomId", "r1").put("text", "x").put("extra", true));
            client.expectError("invalid-message", msg("lobby.watch").put("scope", "everything"));
            client.sendRaw(msg("chat.send").put("id", "big").put("roomId", "r1").put("text", "x".repeat(80_000)).encode());
            assertEquals("message-too-large", client.awaitType("error").getString("code"));
            // then the connection still works
            assertEquals("pong", client.request(msg("ping").put("clientTime", 1)).getString("type"));
        }

        // a flood: refused past the burst and the rate, then the connection is closed (bounded: it is closed long before)
        String flooding = api.accessToken("admin@demo.hearth", "hearth-demo"); // its session gets no ticket for a while
        try (RoomClient flooder = RoomClient.connect(node.baseUrl(), flooding)) {
            flooder.awaitType("welcome");
            for (int i = 0; i < 2000 && flooder.trySendRaw(msg("ping").put("id", "f" + i).put("clientTime", i).encode()); i++) {
                // bounded: closed after about a hundred
            }
            assertEquals("rate-limited", flooder.await(m -> "error".equals(m.getString("type")), "a rate-limit error").getString("code"));
            assertEquals(1008, flooder.awaitClose(Duration.ofSeconds(10)));
        }
    }

    @Test
    @DisplayName("join tickets of other people, and host commands on other therapists' rooms, are refused")
    void strangers() {
        OpenRoom mine = OpenRoom.book(api, admin);
        OpenRoom theirs = OpenRoom.book(api, admin);
        try (RoomClient stranger = RoomClient.connect(node.baseUrl(), theirs.patientToken);
             RoomClient otherTherapist = RoomClient.connect(node.baseUrl(), theirs.therapistToken);
             RoomClient patient = RoomClient.connect(node.baseUrl(), mine.patientToken)) {
            // a ticket made for my patient, used by someone else, is refused and burned
            String ticket = mine.joinTicket(mine.patientToken);
            stranger.expectError("ticket-invalid", msg("room.join").put("joinTicket", ticket));
            patient.expectError("ticket-invalid", msg("room.join").put("joinTicket", ticket));
            // another therapist cannot admit or end in my room
            mine.join(patient, mine.patientToken);
            patient.expect("ok", mine.gate());
            otherTherapist.expectError("forbidden", admit(mine));
            otherTherapist.expectError("forbidden", msg("host.end").put("roomId", mine.roomId));
            otherTherapist.expectError("not-found", msg("host.admit").put("roomId", "no-such-room").put("personId", mine.patientId));
            // a patient cannot watch the lobby nor fill the gate of a room they are not in
            patient.expectError("forbidden", msg("lobby.watch").put("scope", "clinic"));
            stranger.expectError("not-in-room", mine.gate());
        }
    }

    @Test
    @DisplayName("a dropped connection comes back to its seat within the grace; a second tab replaces the first")
    void reconnectAndSecondTab() {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] session = inSession(room);
        RoomClient therapist = session[0];
        try {
            // when the patient's connection drops without a goodbye
            session[1].abort();
            therapist.awaitRoster(p -> "reconnecting".equals(presenceOf(new JsonObject().put("participants", p), room.patientId)),
                    "the patient shown reconnecting");

            // then coming back within the grace gives the seat back without a new admission
            RoomClient back = RoomClient.connect(node.baseUrl(), room.patientToken);
            JsonObject resumed = room.join(back, room.patientToken);
            assertTrue(resumed.getBoolean("resumed"));
            assertTrue(resumed.getJsonObject("you").getBoolean("admitted"));
            therapist.awaitRoster(p -> "in-room".equals(presenceOf(new JsonObject().put("participants", p), room.patientId)),
                    "the patient back in the room");

            // when the same patient opens the room in a second tab, the first is told and closed
            RoomClient secondTab = RoomClient.connect(node.baseUrl(), room.patientToken);
            room.join(secondTab, room.patientToken);
            assertEquals("replaced", back.await(m -> "error".equals(m.getString("type")), "the replaced notice").getString("code"));
            assertEquals(4001, back.awaitClose(Duration.ofSeconds(10)));
            JsonObject roster = therapist.awaitRoster(p -> p.size() == 2, "one seat for the patient");
            assertEquals("in-room", presenceOf(roster, room.patientId));
            secondTab.close();
        } finally {
            therapist.close();
        }
    }

    @Test
    @DisplayName("a client that goes silent (lid closed) shows reconnecting, then is gone from the roster")
    void silentClientIsGone() {
        OpenRoom room = OpenRoom.book(api, admin);
        try (FreezableProxy network = new FreezableProxy(node.port());
             RoomClient therapist = RoomClient.connect(node.baseUrl(), room.therapistToken);
             RoomClient patient = RoomClient.connect(network.baseUrl(), room.patientToken)) {
            room.join(patient, room.patientToken);
            patient.expect("ok", room.gate());
            therapist.expect("ok", admit(room));
            room.join(therapist, room.therapistToken);
            therapist.awaitRoster(p -> "in-room".equals(presenceOf(new JsonObject().put("participants", p), room.patientId)),
                    "the patient in the room");

            // when the patient's network freezes (nothing is closed, nothing arrives)
            long frozeAt = System.nanoTime();
            network.freeze();

            // then the therapist sees them reconnecting, with where they are and whom to call, then gone
            JsonObject dropped = therapist.awaitWithin(Duration.ofSeconds(15), m -> "room.roster".equals(m.getString("type"))
                    && "reconnecting".equals(presenceOf(m, room.patientId)), "the patient shown reconnecting");
            assertEquals("Sam Contact", RoomClient.person(dropped, room.patientId).orElseThrow().getJsonObject("safety")
                    .getJsonObject("emergencyContact").getString("name"));
            therapist.awaitWithin(Duration.ofSeconds(15), m -> "room.roster".equals(m.getString("type"))
                    && "gone".equals(presenceOf(m, room.patientId)), "the patient gone from the roster");
            System.out.printf("silent client gone from the roster after %d ms (idle 3 s + grace 3 s)%n",
                    (System.nanoTime() - frozeAt) / 1_000_000);
        }
    }

    @Test
    @DisplayName("the host ends the session for everyone and nobody can enter again; a denied patient is told")
    void endAndDeny() {
        OpenRoom room = OpenRoom.book(api, admin);
        RoomClient[] session = inSession(room);
        try (RoomClient therapist = session[0]; RoomClient patient = session[1]) {
            // a ticket taken before the end (no new one is issued after it: SessionEndTest)
            String earlier = room.joinTicket(room.patientToken);
            therapist.expect("ok", msg("host.end").put("roomId", room.roomId));
            JsonObject left = patient.awaitType("room.left");
            assertEquals("ended", left.getString("reason"));
            assertEquals("room-ended", patient.request(msg("room.join").put("joinTicket", earlier)).getString("code"));
        }

        OpenRoom other = OpenRoom.book(api, admin);
        try (RoomClient therapist = RoomClient.connect(node.baseUrl(), other.therapistToken);
             RoomClient patient = RoomClient.connect(node.baseUrl(), other.patientToken)) {
            other.join(patient, other.patientToken);
            therapist.expect("ok", msg("host.deny").put("roomId", other.roomId).put("personId", other.patientId)
                    .put("reason", "Please call the clinic first"));
            JsonObject denied = patient.awaitType("room.left");
            assertEquals("denied", denied.getString("reason"));
            assertEquals("Please call the clinic first", denied.getString("message"));
        }
    }

    @Test
    @DisplayName("a circle: either facilitator admits; admitted patients see each other, a waiting one sees only the facilitators")
    void circleWithCoFacilitator() {
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 2);
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member co = circle.facilitators().get(1);
        OpenRoom.Member first = circle.patients().get(0);
        OpenRoom.Member second = circle.patients().get(1);
        try (RoomClient leadSocket = RoomClient.connect(node.baseUrl(), lead.token());
             RoomClient coSocket = RoomClient.connect(node.baseUrl(), co.token());
             RoomClient firstSocket = RoomClient.connect(node.baseUrl(), first.token());
             RoomClient secondSocket = RoomClient.connect(node.baseUrl(), second.token())) {
            for (OpenRoom.Member m : List.of(lead, co, first, second)) {
                RoomClient socket = m == lead ? leadSocket : m == co ? coSocket : m == first ? firstSocket : secondSocket;
                socket.expect("room.joined", msg("room.join").put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), m.token())));
            }
            firstSocket.expect("ok", OpenRoom.gate(circle.roomId()));
            secondSocket.expect("ok", OpenRoom.gate(circle.roomId()));

            // the co-facilitator admits the first patient; the lead, the second
            coSocket.expect("ok", msg("host.admit").put("roomId", circle.roomId()).put("personId", first.id()));
            JsonObject waitingView = secondSocket.awaitRoster(p -> p.stream().anyMatch(x -> first.id().equals(x.getString("personId"))
                    && "in-room".equals(x.getString("presence"))) || p.stream().noneMatch(x -> first.id().equals(x.getString("personId"))),
                    "a roster after the first admission");
            assertTrue(RoomClient.person(waitingView, first.id()).isEmpty(), "a waiting patient does not see the others: " + waitingView.encode());
            assertTrue(RoomClient.person(waitingView, lead.id()).isPresent(), "but sees the facilitators");
            leadSocket.expect("ok", msg("host.admit").put("roomId", circle.roomId()).put("personId", second.id()));

            // then the admitted patients see each other, and the co-facilitator may remove one
            firstSocket.awaitRoster(p -> p.size() == 4 && p.stream().allMatch(x -> "in-room".equals(x.getString("presence"))),
                    "everyone in the circle");
            coSocket.expect("ok", msg("host.remove").put("roomId", circle.roomId()).put("personId", second.id()));
            assertEquals("removed", secondSocket.awaitType("room.left").getString("reason"));
            firstSocket.expectError("forbidden", msg("host.remove").put("roomId", circle.roomId()).put("personId", co.id()));
        }
    }

    @Test
    @DisplayName("another clinic's therapist sees none of this clinic's waiting room and can touch none of its rooms")
    void otherClinic() {
        OpenRoom room = OpenRoom.book(api, admin);
        String otherTherapist = otherClinicTherapist();
        try (RoomClient patient = RoomClient.connect(node.baseUrl(), room.patientToken);
             RoomClient stranger = RoomClient.connect(node.baseUrl(), otherTherapist)) {
            room.join(patient, room.patientToken);
            patient.expect("ok", room.gate());
            JsonObject board = stranger.expect("lobby.snapshot", msg("lobby.watch").put("scope", "clinic"));
            assertTrue(RoomClient.participants(board).isEmpty(), "nothing of clinic A: " + board.encode());
            stranger.expectError("not-found", admit(room));
            stranger.expectError("not-found", msg("host.end").put("roomId", room.roomId));
            stranger.expectError("ticket-invalid", msg("room.join").put("joinTicket", room.joinTicket(room.therapistToken)));
        }
    }

    /** A therapist of a second clinic, written straight into the store (the API has no "create clinic"). */
    static String otherClinicTherapist() {
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new app.hearth.booking.clinic.ClinicRepository(store).insertIfAbsent(
                    new app.hearth.booking.clinic.Clinic("clinic-rooms-b", "Other Clinic", "Europe/Berlin"));
            new app.hearth.booking.people.PersonRepository(store).insert(new app.hearth.booking.people.Person("b-therapist",
                    "clinic-rooms-b", Role.THERAPIST, "Dr. Elsewhere", "therapist@b-rooms.example", null, "Europe/Berlin", null,
                    null, app.hearth.booking.people.PersonStatus.ACTIVE, Instant.now()), "test");
            new app.hearth.booking.account.CredentialRepository(store).setPasswordHash("b-therapist",
                    app.hearth.platform.security.PasswordHasher.recommended().hash("clinic b password"), Instant.now());
        }
        return api.accessToken("therapist@b-rooms.example", "clinic b password");
    }
}
