package app.hearth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two packaged nodes in their own processes, set up as the README's "Two nodes on one machine" says:
 * node 2 uses node 1's embedded store, node 1's keys and the same token issuer. Node 1 is frozen
 * (SIGSTOP) for 10 s, then resumed (SIGCONT): node 2 must answer writes promptly with 503 and
 * Retry-After and report not ready while its store is frozen, lose nothing, and the two members must
 * be one cluster again within seconds, with a room spanning both nodes working as before.
 *
 * <p>Run alone: {@code ./mvnw -B -o verify -pl e2e -am -Dtest=ClusterFreezeTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (it prints the re-merge time that docs/benchmarks.md records).
 */
@DisplayName("A frozen node in a two-node cluster")
class ClusterFreezeTest {

    private static final Duration FREEZE = Duration.ofSeconds(10);

    private Path dataDirectory1;
    private Path dataDirectory2;
    private final List<Process> processes = new ArrayList<>();
    private Process frozen;

    @BeforeEach
    void createDataDirectories() throws IOException {
        dataDirectory1 = Files.createTempDirectory("hearth-freeze-1-");
        dataDirectory2 = Files.createTempDirectory("hearth-freeze-2-");
    }

    @AfterEach
    void stopAll() throws Exception {
        if (frozen != null) {
            signal(frozen, "CONT"); // never leave a stopped process behind
        }
        for (Process p : processes) {
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        TestNode.deleteRecursively(dataDirectory1);
        TestNode.deleteRecursively(dataDirectory2);
    }

    @Test
    @DisplayName("node 2 on node 1's store: 503 + Retry-After and DOWN while node 1 is frozen, nothing lost; "
            + "after SIGCONT one cluster again within seconds, and a cross-node room has its rosters and chat back")
    void freezeAndRemerge() throws Exception {
        // given two nodes as the README starts them
        int http1 = TestNode.freePort();
        int http2 = TestNode.freePort();
        int cluster1 = TestNode.freePort();
        int cluster2 = TestNode.freePort();
        int storePort = TestNode.freePort();
        String members = "127.0.0.1:" + cluster1 + ",127.0.0.1:" + cluster2;
        String issuer = "http://localhost:" + http1;
        Process node1 = start(Map.of("HEARTH_HTTP_PORT", "" + http1, "HEARTH_DATA_DIR", dataDirectory1.toString(),
                "HEARTH_EMBEDDED_MONGO_PORT", "" + storePort, "HEARTH_CLUSTER_PORT", "" + cluster1,
                "HEARTH_CLUSTER_MEMBERS", members, "HEARTH_JWT_ISSUER", issuer, "HEARTH_LOGINS_PER_ADDRESS", "500"));
        start(Map.of("HEARTH_HTTP_PORT", "" + http2, "HEARTH_DATA_DIR", dataDirectory2.toString(),
                "MONGO_URI", "mongodb://127.0.0.1:" + storePort, "HEARTH_CLUSTER_PORT", "" + cluster2,
                "HEARTH_CLUSTER_MEMBERS", members, "HEARTH_JWT_ISSUER", issuer, "HEARTH_LOGINS_PER_ADDRESS", "500",
                "HEARTH_JWT_PRIVATE_KEY_FILE", dataDirectory1.resolve("keys/jwt-private.pem").toString(),
                "HEARTH_JWT_PUBLIC_KEY_FILE", dataDirectory1.resolve("keys/jwt-public.pem").toString(),
                "HEARTH_CARE_KEYSET_FILE", dataDirectory1.resolve("keys/care-keyset.json").toString()));
        ApiClient api1 = new ApiClient("http://127.0.0.1:" + http1);
        ApiClient api2 = new ApiClient("http://127.0.0.1:" + http2);
        Eventually.within(Duration.ofSeconds(60), "both nodes ready, each seeing 2 members", () -> {
            assertEquals(2, members(api1));
            assertEquals(2, members(api2));
        });
        String admin = api1.accessToken("admin@demo.hearth", "hearth-demo");
        ApiClient.Reply across = api2.get("/api/people", admin);
        assertEquals(200, across.status(), "node 1's token is good on node 2 (one issuer): " + across.body());

        // and a room spanning both nodes: the therapist on node 1, the patient on node 2, both in the room
        OpenRoom room = OpenRoom.book(api1, admin);
        String patientOfRoom = room.patientId;
        JsonObject second = api1.postJson("/api/people", admin, patient("second").put("therapistId", room.therapistId)).json();
        String secondPatient = second.getJsonObject("person").getString("id");
        try (RoomClient therapist = RoomClient.connect(api1Url(http1), room.therapistToken);
             RoomClient patient = RoomClient.connect(api1Url(http2), room.patientToken)) {
            patient.expect("room.joined", join(api2, room, room.patientToken));
            patient.expect("ok", room.gate());
            therapist.expect("ok", new JsonObject().put("type", "host.admit").put("roomId", room.roomId)
                    .put("personId", patientOfRoom));
            patient.awaitType("room.admitted");
            therapist.expect("room.joined", join(api1, room, room.therapistToken));
            for (RoomClient client : new RoomClient[] {therapist, patient}) {
                client.awaitRoster(p -> bothInRoom(p, room), "both in the room, on both nodes");
            }

            // when node 1 (and with it node 2's store) is frozen
            Instant slot = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            JsonObject booking = new JsonObject().put("type", "preparation")
                    .put("therapistIds", new JsonArray().add(room.therapistId)).put("patientId", secondPatient)
                    .put("start", slot.toString());
            JsonObject person = patient("during-freeze");
            long freezeStart = System.nanoTime();
            frozen = node1;
            signal(node1, "STOP");

            // then node 2 answers writes with 503 and Retry-After, and readiness with DOWN, while node 1 is still frozen
            CompletableFuture<Timed> booked = CompletableFuture.supplyAsync(() -> timed(() -> api2.postJson("/api/appointments", admin, booking)));
            CompletableFuture<Timed> created = CompletableFuture.supplyAsync(() -> timed(() -> api2.postJson("/api/people", admin, person)));
            CompletableFuture<Timed> readiness = CompletableFuture.supplyAsync(() -> timed(() -> api2.get("/health/ready", null)));
            CompletableFuture.allOf(booked, created, readiness).get(60, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - freezeStart < FREEZE.toNanos(), "all three answered while node 1 was still frozen");
            for (ApiClient.Reply reply : List.of(booked.get().reply(), created.get().reply())) {
                assertEquals(503, reply.status(), reply.body());
                assertEquals("unavailable", reply.problemType());
                assertEquals("application/problem+json", reply.header("Content-Type"));
                assertNotNull(reply.header("Retry-After"), "503 says when to retry");
            }
            ApiClient.Reply ready = readiness.get().reply();
            assertEquals(503, ready.status(), ready.body());
            assertEquals("DOWN", ready.json().getJsonObject("checks").getJsonObject("store").getString("status"));
            System.out.printf("frozen store: booking 503 after %d ms, new person 503 after %d ms, readiness DOWN after %d ms%n",
                    booked.get().millis(), created.get().millis(), readiness.get().millis());

            // and node 2 sees the split (fewer members than configured)
            Eventually.within(FREEZE, "node 2 to see node 1 gone", () -> {
                JsonObject cluster = api2.get("/health/ready", null).json().getJsonObject("checks").getJsonObject("cluster");
                assertEquals(1, cluster.getInteger("members"), cluster.encode());
                assertEquals(2, cluster.getInteger("configuredMembers"), cluster.encode());
                assertEquals(false, cluster.getBoolean("allMembersSeen"), cluster.encode());
            });
            long frozenFor = (System.nanoTime() - freezeStart) / 1_000_000;
            if (frozenFor < FREEZE.toMillis()) {
                // the scenario's length, not a wait for an outcome: the freeze lasts 10 s in all
                Thread.sleep(FREEZE.toMillis() - frozenFor);
            }

            // when node 1 resumes
            signal(node1, "CONT");
            frozen = null;
            long resumed = System.nanoTime();

            // then both nodes are one cluster again within seconds (readiness reports 2 members on both)
            Eventually.within(Duration.ofSeconds(60), "one cluster of 2 again, both ready", () -> {
                assertEquals(2, members(api1));
                assertEquals(2, members(api2));
            });
            long remergeMs = (System.nanoTime() - resumed) / 1_000_000;

            // and the room spanning both nodes works again: fresh rosters show both in the room on both sides
            patient.awaitWithin(Duration.ofSeconds(60), m -> "room.roster".equals(m.getString("type"))
                    && RoomClient.person(m, room.therapistId).map(p -> !"in-room".equals(p.getString("presence"))).orElse(true),
                    "the patient's roster on node 2 to have shown the split (the therapist not in the room)");
            patient.awaitWithin(Duration.ofSeconds(60), m -> "room.roster".equals(m.getString("type"))
                    && bothInRoom(RoomClient.participants(m), room), "a fresh roster on node 2 with both in the room");
            long roomsWholeMs = (System.nanoTime() - resumed) / 1_000_000;
            Eventually.within(Duration.ofSeconds(30), "the therapist's latest roster on node 1 showing both in the room",
                    () -> assertTrue(bothInRoom(RoomClient.participants(latestRoster(therapist)), room)));

            // and chat crosses the nodes in both directions
            Eventually.within(Duration.ofSeconds(30), "chat from node 1 to reach node 2", () -> {
                String line = "back together " + System.nanoTime();
                therapist.expect("ok", new JsonObject().put("type", "chat.send").put("roomId", room.roomId).put("text", line));
                patient.awaitWithin(Duration.ofSeconds(2), m -> "chat.message".equals(m.getString("type"))
                        && line.equals(m.getString("text")), "the therapist's chat line on node 2");
            });
            Eventually.within(Duration.ofSeconds(30), "chat from node 2 to reach node 1", () -> {
                String line = "hello again " + System.nanoTime();
                patient.expect("ok", new JsonObject().put("type", "chat.send").put("roomId", room.roomId).put("text", line));
                therapist.awaitWithin(Duration.ofSeconds(2), m -> "chat.message".equals(m.getString("type"))
                        && line.equals(m.getString("text")), "the patient's chat line on node 1");
            });
            // and WebRTC negotiation finds the peer on the other node again (it answered peer-not-in-room during the split)
            JsonObject candidate = new JsonObject().put("candidate", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host")
                    .put("sdpMid", "0").put("sdpMLineIndex", 0);
            therapist.expect("ok", new JsonObject().put("type", "rtc.signal").put("roomId", room.roomId)
                    .put("to", room.patientId).put("candidate", candidate));
            JsonObject relayed = patient.await(m -> "rtc.signal".equals(m.getString("type")), "the therapist's candidate on node 2");
            assertEquals(room.therapistId, relayed.getString("from"));
            patient.expect("ok", new JsonObject().put("type", "rtc.signal").put("roomId", room.roomId)
                    .put("to", room.therapistId).put("candidate", candidate));
            assertEquals(room.patientId, therapist.await(m -> "rtc.signal".equals(m.getString("type")),
                    "the patient's candidate on node 1").getString("from"));
            System.out.printf("after a %d s freeze: one cluster again %d ms after SIGCONT; cross-node roster whole after %d ms%n",
                    FREEZE.toSeconds(), remergeMs, roomsWholeMs);

            // and nothing was lost or doubled: a retry of the 503'd writes is either done now or refused as done
            ApiClient.Reply rebooked = api2.postJson("/api/appointments", admin, booking);
            assertTrue(rebooked.status() == 201 || (rebooked.status() == 409 && "therapist-busy".equals(rebooked.problemType())),
                    rebooked.body());
            ApiClient.Reply recreated = api2.postJson("/api/people", admin, person);
            assertTrue(recreated.status() == 201 || recreated.status() == 409, recreated.body());
            ApiClient.Reply appointments = api1.get("/api/appointments?therapistId=" + room.therapistId + "&from="
                    + slot.minus(Duration.ofHours(1)) + "&to=" + slot.plus(Duration.ofHours(2)), admin);
            assertEquals(200, appointments.status(), appointments.body());
            assertEquals(1, appointments.json().getJsonArray("items").size(), "one booking for the slot: " + appointments.body());
            long sameEmail = api1.get("/api/people", admin).json().getJsonArray("items").stream()
                    .filter(p -> person.getString("email").equals(((JsonObject) p).getString("email"))).count();
            assertEquals(1, sameEmail, "the person exists once");
        }
    }

    private record Timed(ApiClient.Reply reply, long millis) {
    }

    private static Timed timed(java.util.function.Supplier<ApiClient.Reply> call) {
        long start = System.nanoTime();
        ApiClient.Reply reply = call.get();
        return new Timed(reply, (System.nanoTime() - start) / 1_000_000);
    }

    private static String api1Url(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static JsonObject join(ApiClient api, OpenRoom room, String token) {
        return new JsonObject().put("type", "room.join").put("joinTicket", OpenRoom.joinTicket(api, room.appointmentId, token));
    }

    private static boolean bothInRoom(List<JsonObject> participants, OpenRoom room) {
        return participants.size() == 2 && participants.stream().allMatch(x -> "in-room".equals(x.getString("presence")))
                && participants.stream().anyMatch(x -> room.therapistId.equals(x.getString("personId")))
                && participants.stream().anyMatch(x -> room.patientId.equals(x.getString("personId")));
    }

    /** The newest roster this client has been sent so far (reads every message already here). */
    private static JsonObject latestRoster(RoomClient client) {
        JsonObject latest = null;
        while (true) {
            try {
                latest = client.awaitWithin(Duration.ofMillis(300), m -> "room.roster".equals(m.getString("type")), "a roster");
            } catch (AssertionError none) {
                if (latest == null) {
                    throw none;
                }
                return latest;
            }
        }
    }

    private static JsonObject patient(String tag) {
        String n = tag + "." + System.nanoTime();
        return new JsonObject().put("role", "patient").put("displayName", "Freeze " + n).put("email", "freeze." + n + "@example.org")
                .put("emergencyContact", new JsonObject().put("name", "Sam Contact").put("phone", "+1 555 0100")
                        .put("relationship", "partner"));
    }

    /** The members this node's readiness reports, or -1 while it is not ready. */
    private static int members(ApiClient api) {
        ApiClient.Reply ready = api.get("/health/ready", null);
        assertEquals(200, ready.status(), ready.body());
        return ready.json().getJsonObject("checks").getJsonObject("cluster").getInteger("members");
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + process.pid());
    }

    private Process start(Map<String, String> settings) throws Exception {
        Process process = HearthProcess.start(HearthProcess.command("384m", settings),
                "node on " + settings.get("HEARTH_HTTP_PORT"), Boolean.getBoolean("hearth.freeze.log")).process();
        processes.add(process);
        return process;
    }
}
