package app.hearth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.schedule.TimeClaims;
import app.hearth.booking.schedule.TimeRange;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * kill -9 right after the last acknowledged booking: the packaged jar in its own process on the
 * embedded store, killed with SIGKILL ({@link Process#destroyForcibly()} on Linux) the moment the
 * last {@code 201} arrives, then started again on the same data directory. Every acknowledged
 * booking and its audit entry must be there, and time claims no appointment stands behind (a
 * booking that died between its claims and its appointment) must not keep the slot busy.
 */
@DisplayName("A node killed with SIGKILL right after acknowledging bookings")
class CrashDurabilityTest {

    static final int BOOKINGS = 50;

    private Path dataDirectory;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void createDataDirectory() throws IOException {
        dataDirectory = Files.createTempDirectory("hearth-crash-");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        TestNode.deleteRecursively(dataDirectory);
    }

    @Test
    @DisplayName("loses no acknowledged booking or audit entry, and releases claims left without an appointment at start-up")
    void acknowledgedBookingsSurviveSigkill() throws Exception {
        // given a node on the embedded store, whose store port the test knows
        int httpPort = TestNode.freePort();
        int storePort = TestNode.freePort();
        Process first = start(httpPort, storePort);
        ApiClient api = new ApiClient("http://127.0.0.1:" + httpPort);
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");

        Instant from = Instant.now().plus(Duration.ofDays(3));
        JsonArray therapist1Slots = slots(api, admin, "demo-therapist-1", from);
        JsonArray therapist2Slots = slots(api, admin, "demo-therapist-2", from);

        // and a booking of Dr. Rivera's that died after its time claims and before its appointment
        Instant orphanStart = Instant.parse(therapist2Slots.getString(0));
        TimeRange orphanRange = new TimeRange(orphanStart.minus(Duration.ofMinutes(15)), orphanStart.plus(Duration.ofMinutes(75)));
        try (Store store = Store.connect("mongodb://127.0.0.1:" + storePort, "hearth")) {
            for (String id : TimeClaims.idsFor("demo-therapist-2", orphanRange)) {
                store.collection(TimeClaims.COLLECTION).insertOne(new Document("_id", id).append("appointmentId", "died-halfway")
                        .append("personId", "demo-therapist-2").append("clinicId", "demo").append("at", Date.from(Instant.now())));
            }
        }
        assertEquals(409, api.postJson("/api/appointments", admin, preparation("demo-therapist-2", "demo-patient-3", orphanStart))
                .status(), "the orphan claims hold the slot while the node runs (they are young)");

        // when 50 bookings are acknowledged by two clients booking side by side (Dr. Okafor's and Dr.
        // Rivera's patients, so concurrent writes share commits) and the node is killed at the 50th 201
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<Instant> okaforStarts = Collections.synchronizedList(new ArrayList<>());
        Process node = first;
        CompletableFuture<Void> rivera = CompletableFuture.runAsync(() -> bookUntilKilled(api, admin, "demo-therapist-2",
                List.of("demo-patient-3", "demo-patient-4"), therapist2Slots, acknowledged, null, node));
        try {
            bookUntilKilled(api, admin, "demo-therapist-1", List.of("demo-patient-1", "demo-patient-2"), therapist1Slots, acknowledged,
                    okaforStarts, node);
        } finally {
            rivera.get(120, TimeUnit.SECONDS); // rethrows what went wrong on the other client
        }
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the node dies on SIGKILL");
        assertEquals(BOOKINGS, acknowledged.size(), "the two therapists' slots were enough for " + BOOKINGS + " bookings");
        List<Instant> starts = okaforStarts;
        assertTrue(!starts.isEmpty());

        // then after a restart on the same data directory every acknowledged booking and its audit entry is there
        start(httpPort, storePort);
        String again = api.accessToken("admin@demo.hearth", "hearth-demo");
        List<String> lost = new ArrayList<>();
        List<String> unaudited = new ArrayList<>();
        for (String id : acknowledged) {
            ApiClient.Reply read = api.get("/api/appointments/" + id, again);
            if (read.status() != 200) {
                lost.add(id);
            }
            JsonArray entries = api.get("/api/audit?limit=10&action=appointment.create&resourceId=" + id, again).json()
                    .getJsonArray("items");
            if (entries.size() != 1) {
                unaudited.add(id);
            }
        }
        assertEquals(List.of(), lost, "acknowledged bookings lost in the crash (of " + BOOKINGS + ")");
        assertEquals(List.of(), unaudited, "acknowledged bookings whose audit entry was lost");

        // and their time claims still hold: the last booked slot is busy for another patient
        ApiClient.Reply clash = api.postJson("/api/appointments", again,
                preparation("demo-therapist-1", "demo-patient-1", starts.get(starts.size() - 1)));
        assertEquals(409, clash.status(), clash.body());

        // and the claims that had no appointment were released at start-up: the slot books at once
        ApiClient.Reply freed = api.postJson("/api/appointments", again, preparation("demo-therapist-2", "demo-patient-3", orphanStart));
        assertEquals(201, freed.status(), "the slot held by claims without an appointment: " + freed.body());
    }

    /**
     * Books the therapist's slots in order, patients in turn, until {@link #BOOKINGS} bookings of all
     * clients are acknowledged; whoever gets the last 201 kills the node at once (SIGKILL). A request
     * the kill cuts off was never acknowledged and is not counted.
     */
    private static void bookUntilKilled(ApiClient api, String admin, String therapistId, List<String> patients, JsonArray slots,
                                        List<String> acknowledged, List<Instant> starts, Process node) {
        for (int i = 0; i < slots.size(); i++) {
            synchronized (acknowledged) {
                if (acknowledged.size() >= BOOKINGS) {
                    return;
                }
            }
            Instant start = Instant.parse(slots.getString(i));
            ApiClient.Reply booked;
            try {
                booked = api.postJson("/api/appointments", admin, preparation(therapistId, patients.get(i % patients.size()), start));
            } catch (AssertionError cutOff) {
                return; // the node was killed while this request was in flight
            }
            if (booked.status() == 201) {
                synchronized (acknowledged) {
                    if (acknowledged.size() >= BOOKINGS) {
                        return; // answered just before the kill, after the 50th: not one of the 50
                    }
                    acknowledged.add(booked.json().getString("id"));
                    if (starts != null) {
                        starts.add(start);
                    }
                    if (acknowledged.size() == BOOKINGS) {
                        node.destroyForcibly(); // SIGKILL, the moment the 50th 201 is in
                        return;
                    }
                }
            } else if (booked.status() != 409) { // 409: overlaps an earlier booking, its buffer or the orphan claims
                if (!node.isAlive()) {
                    return;
                }
                throw new AssertionError("booking answered " + booked.status() + ": " + booked.body());
            }
        }
    }

    private static JsonArray slots(ApiClient api, String token, String therapistId, Instant from) {
        ApiClient.Reply reply = api.get("/api/therapists/" + therapistId + "/slots?type=preparation&from=" + from
                + "&to=" + from.plus(Duration.ofDays(40)), token);
        assertEquals(200, reply.status(), reply.body());
        JsonArray items = reply.json().getJsonArray("items");
        assertTrue(items.size() > BOOKINGS, "enough open time: " + items.size());
        return items;
    }

    private static JsonObject preparation(String therapistId, String patientId, Instant start) {
        return new JsonObject().put("type", "preparation").put("therapistIds", new JsonArray().add(therapistId))
                .put("patientId", patientId).put("start", start.toString());
    }

    private Process start(int httpPort, int storePort) throws Exception {
        Process process = HearthProcess.start(HearthProcess.command("512m", Map.of(
                "HEARTH_DATA_DIR", dataDirectory.toString(),
                "HEARTH_HTTP_PORT", Integer.toString(httpPort),
                "HEARTH_EMBEDDED_MONGO_PORT", Integer.toString(storePort),
                "HEARTH_CLUSTER_PORT", Integer.toString(TestNode.freePort()))), "crashing node", false).process();
        processes.add(process);
        return process;
    }
}
