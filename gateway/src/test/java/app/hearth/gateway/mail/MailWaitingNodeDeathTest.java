package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A therapist's only connection is on a node that dies abruptly: the survivors drop that node's
 * connections when it leaves the cluster (not only when their time-to-live runs out), so the
 * patient waiting on the surviving node gets their therapist emailed (docs/adr/0030).
 */
@DisplayName("Email: patient waiting, when the node holding the therapist's page dies")
class MailWaitingNodeDeathTest {

    static List<TestSmtp.Mail> waitingMail(TestSmtp smtp, String address) {
        return smtp.to(address).stream().filter(m -> m.subject().startsWith("A patient is waiting")).toList();
    }

    @Test
    @DisplayName("therapist's page on node B: no mail; node B dies → the therapist is emailed before the connection's TTL could run out (20 s at the earliest)")
    void deadNodesConnectionsAreDropped() {
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort())) {
            Map<String, String> settings = new HashMap<>(smtp.settings());
            settings.put("HEARTH_MAIL_WAITING_DELAY", "PT1.5S");
            settings.put("HEARTH_LOGINS_PER_ADDRESS", "500");
            TestNode[] pair = TestNode.startPair("mail-waiting-death", settings);
            TestNode nodeA = pair[0];
            TestNode nodeB = pair[1];
            try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName())) {
                ApiClient api = new ApiClient(nodeA.baseUrl());
                String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
                OpenRoom room = OpenRoom.book(api, admin);
                OpenRoom canary = OpenRoom.book(api, admin);
                String therapist = api.get("/api/me", room.therapistToken).json().getString("email");
                String canaryTherapist = api.get("/api/me", canary.therapistToken).json().getString("email");
                RoomClient page = RoomClient.connect(nodeB.baseUrl(), room.therapistToken);
                page.expect("pong", new JsonObject().put("type", "ping").put("clientTime", 1));
                try (RoomClient patient = RoomClient.connect(nodeA.baseUrl(), room.patientToken);
                     RoomClient other = RoomClient.connect(nodeA.baseUrl(), canary.patientToken)) {
                    room.join(patient, room.patientToken);
                    patient.expect("ok", room.gate());
                    canary.join(other, canary.patientToken);
                    other.expect("ok", canary.gate());
                    Eventually.within(Duration.ofSeconds(30), "the canary's mail", () -> assertEquals(1, waitingMail(smtp, canaryTherapist).size()));
                    assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.regex("_id", "^patient-waiting:" + room.appointmentId)),
                            "the therapist's page is open on node B");

                    long killed = System.nanoTime();
                    ((HazelcastClusterManager) ((VertxInternal) nodeB.node().vertx()).clusterManager()).getHazelcastInstance()
                            .getLifecycleService().terminate();
                    nodeB.close();
                    nodeB = null;
                    Eventually.within(Duration.ofSeconds(30), "the waiting mail", () -> assertEquals(1, waitingMail(smtp, therapist).size()));
                    long tookMs = (System.nanoTime() - killed) / 1_000_000;
                    System.out.printf("waiting mail after the therapist's node died: %d ms%n", tookMs);
                    assertTrue(tookMs < 18_000, "the dead node's connection was dropped on its departure, took " + tookMs + " ms");
                }
            } finally {
                if (nodeB != null) {
                    nodeB.close();
                }
                nodeA.close();
            }
        }
    }
}
