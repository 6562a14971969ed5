package app.hearth.gateway.care;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The safety alert across a real two-node cluster: the patient answers on node A, their therapist
 * holds a room socket on node B (and another on node A) and is told within seconds; the
 * acknowledgement on node B is recorded once; another patient's therapist hears nothing.
 */
@DisplayName("PHQ-9 item 9 alerts the patient's therapist across a two-node cluster")
class CareAlertsTest {

    static TestNode nodeA;
    static TestNode nodeB;

    @BeforeAll
    static void startTwoNodes() {
        TestNode[] pair = TestNode.startPair("care-alerts-test", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        Eventually.within(Duration.ofSeconds(30), "both nodes in one cluster", () ->
                assertEquals(2, ((HazelcastClusterManager) ((VertxInternal) nodeA.node().vertx()).clusterManager())
                        .getHazelcastInstance().getCluster().getMembers().size()));
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    static JsonObject watch(RoomClient socket) {
        return socket.expect("care.watching", new JsonObject().put("type", "care.watch"));
    }

    static boolean care(JsonObject m) {
        return m.getString("type").startsWith("care.");
    }

    @Test
    @DisplayName("item 9 = 1 on node A: crisis resources in the reply, care.alert on the therapist's sockets on both nodes within "
            + "seconds; acknowledged on node B, recorded once; the other therapist gets nothing")
    void itemNineAcrossTheCluster() {
        ApiClient apiA = new ApiClient(nodeA.baseUrl());
        ApiClient apiB = new ApiClient(nodeB.baseUrl());
        String patient = apiA.accessToken("patient1@demo.hearth", "hearth-demo");
        String therapist = apiB.accessToken("therapist@demo.hearth", "hearth-demo");
        String otherTherapist = apiB.accessToken("therapist2@demo.hearth", "hearth-demo");

        try (RoomClient onB = RoomClient.connect(nodeB.baseUrl(), therapist);
             RoomClient onA = RoomClient.connect(nodeA.baseUrl(), therapist);
             RoomClient other = RoomClient.connect(nodeB.baseUrl(), otherTherapist);
             RoomClient patientSocket = RoomClient.connect(nodeA.baseUrl(), patient)) {
            // given the therapist watches on node B (and has a second socket on node A), nothing open yet
            assertEquals(0, watch(onB).getJsonArray("alerts").size());
            assertEquals(0, watch(other).getJsonArray("alerts").size());
            assertEquals(0, watch(patientSocket).getJsonArray("alerts").size(), "a patient watches no one's alerts");

            // when the patient answers item 9 with 1 on node A
            long sent = System.nanoTime();
            ApiClient.Reply reply = apiA.postJson("/api/care/patients/demo-patient-1/measures", patient, new JsonObject()
                    .put("instrument", "phq9").put("occasion", "baseline").put("answers", new JsonArray(List.of(0, 0, 0, 0, 0, 0, 0, 0, 1))));

            // then the reply carries the clinic's crisis resources at once
            assertEquals(201, reply.status(), reply.body());
            assertTrue(reply.json().getJsonObject("response").getBoolean("flagged"));
            JsonObject crisis = reply.json().getJsonObject("crisis");
            assertNotNull(crisis, reply.body());
            assertTrue(crisis.getJsonArray("resources").getJsonObject(0).getString("contact").contains("988"), crisis.encode());

            // and the therapist's socket on node B gets the alert within seconds, read from the store there
            JsonObject pushed = onB.awaitWithin(Duration.ofSeconds(5), m -> "care.alert".equals(m.getString("type")),
                    "care.alert on node B").getJsonObject("alert");
            System.out.printf("cross-node care alert after %d ms%n", (System.nanoTime() - sent) / 1_000_000);
            assertEquals("demo-patient-1", pushed.getString("patientId"));
            assertEquals("Jordan Lee", pushed.getString("patientName"));
            assertEquals("phq9-item9", pushed.getString("kind"));
            assertNull(pushed.getValue("acknowledgedAt"));
            String alertId = pushed.getString("id");
            // and on node A as well: every open socket of the therapist
            assertEquals(alertId, onA.awaitWithin(Duration.ofSeconds(5), m -> "care.alert".equals(m.getString("type")),
                    "care.alert on node A").getJsonObject("alert").getString("id"));
            // (the change notice needs no store read, so it may come before the alert)
            onB.awaitCount(Duration.ofSeconds(5), m -> "care.changed".equals(m.getString("type"))
                    && "measures".equals(m.getString("record")), 1, "care.changed for the measures");

            // and the alert stays open for them until acknowledged: on a new watch and over REST, on either node
            assertEquals(alertId, watch(onB).getJsonArray("alerts").getJsonObject(0).getString("id"));
            JsonArray open = apiA.get("/api/care/alerts", therapist).json().getJsonArray("items");
            assertEquals(1, open.size(), open.encode());
            assertEquals(0, apiB.get("/api/care/alerts", otherTherapist).json().getJsonArray("items").size());

            // when another patient's therapist tries to acknowledge it: as if it did not exist
            assertProblem(apiB.postJson("/api/care/alerts/" + alertId + "/acknowledge", otherTherapist, new JsonObject()),
                    404, "alert-not-found");
            assertProblem(apiB.postJson("/api/care/alerts/no-such-alert/acknowledge", therapist, new JsonObject()),
                    404, "alert-not-found");
            assertProblem(apiB.postJson("/api/care/alerts/" + alertId + "/acknowledge", patient, new JsonObject()),
                    403, "clinical-content-not-allowed");

            // when the therapist acknowledges it on node B
            ApiClient.Reply ack = apiB.post("/api/care/alerts/" + alertId + "/acknowledge", therapist, null, "");
            assertEquals(200, ack.status(), ack.body());
            assertEquals("demo-therapist-1", ack.json().getString("acknowledgedBy"));
            String acknowledgedAt = ack.json().getString("acknowledgedAt");
            assertNotNull(acknowledgedAt);

            // then it is recorded once: again keeps the first, and the sockets clear the banner
            ApiClient.Reply again = apiA.post("/api/care/alerts/" + alertId + "/acknowledge", therapist, null, "");
            assertEquals(200, again.status(), again.body());
            assertEquals(acknowledgedAt, again.json().getString("acknowledgedAt"));
            for (RoomClient socket : new RoomClient[] {onA, onB}) {
                JsonObject cleared = socket.awaitWithin(Duration.ofSeconds(5), m -> "care.alert.acknowledged".equals(m.getString("type")),
                        "care.alert.acknowledged");
                assertEquals(alertId, cleared.getString("alertId"));
                assertEquals("demo-therapist-1", cleared.getString("acknowledgedBy"));
                assertEquals(acknowledgedAt, cleared.getString("acknowledgedAt"));
            }
            assertEquals(0, apiB.get("/api/care/alerts", therapist).json().getJsonArray("items").size());
            assertEquals(0, watch(onA).getJsonArray("alerts").size());
            try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName())) {
                Document stored = store.collection("care_alerts").find(Filters.eq("_id", alertId)).first();
                assertEquals("demo-therapist-1", stored.getString("acknowledgedBy"));
                assertEquals(acknowledgedAt, stored.getDate("acknowledgedAt").toInstant().toString());
                assertEquals(1, store.collection("care_alerts").countDocuments(Filters.eq("patientId", "demo-patient-1")));
                assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.alert.acknowledge"),
                        Filters.eq("resourceId", alertId))) >= 2);
                assertTrue(store.collection("audit_log").countDocuments(Filters.and(Filters.eq("action", "care.alert.raise"),
                        Filters.eq("resourceId", alertId))) == 1);
            }

            // and the other therapist, and the patient's own socket, heard nothing of it
            assertEquals(0, other.count(CareAlertsTest::care), "no care pushes (its care.watching reply was taken as the reply)");
            assertEquals(0, patientSocket.count(m -> "care.alert".equals(m.getString("type"))));
        }
    }
}
