package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.RoomClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Mail that no request asks for, on a real two-node cluster over one store and one SMTP server
 * (issue 15, docs/adr/0030): a patient waiting while the therapist has no Hearth page open on any
 * node (the delay is 1.5 s here, a minute by default), and a circle's "I need support".
 */
@DisplayName("Email triggers across a two-node cluster: patient waiting, distress")
class MailTriggersClusterTest {

    static TestSmtp smtp;
    static TestNode nodeA;
    static TestNode nodeB;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        smtp = new TestSmtp(TestNode.freePort());
        Map<String, String> settings = new HashMap<>(smtp.settings());
        settings.put("HEARTH_MAIL_WAITING_DELAY", "PT1.5S");
        settings.put("HEARTH_LOGINS_PER_ADDRESS", "500");
        TestNode[] pair = TestNode.startPair("mail-triggers", settings);
        nodeA = pair[0];
        nodeB = pair[1];
        api = new ApiClient(nodeA.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    static String emailOf(String token) {
        return api.get("/api/me", token).json().getString("email");
    }

    static List<TestSmtp.Mail> waitingMail(String address) {
        return smtp.to(address).stream().filter(m -> m.subject().startsWith("A patient is waiting")).toList();
    }

    static List<TestSmtp.Mail> supportMail(String address) {
        return smtp.to(address).stream().filter(m -> m.subject().contains("asked for support")).toList();
    }

    static long outbox(Store store, String idPrefix) {
        return store.collection("mail_outbox").countDocuments(Filters.regex("_id", "^" + java.util.regex.Pattern.quote(idPrefix)));
    }

    /** The patient on {@code client} in the waiting room of {@code room}: joined and checked in. */
    static void waitIn(OpenRoom room, RoomClient client) {
        room.join(client, room.patientToken);
        client.expect("ok", room.gate());
    }

    @Test
    @DisplayName("therapist with no page open anywhere → one email after the delay (time, link, no name); the patient moving to the other node → still one")
    void therapistAwayIsEmailedOnce() {
        OpenRoom room = OpenRoom.book(api, admin);
        String therapist = emailOf(room.therapistToken);
        try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName())) {
            RoomClient patient = RoomClient.connect(nodeA.baseUrl(), room.patientToken);
            waitIn(room, patient);
            Eventually.within(Duration.ofSeconds(30), "the patient-waiting mail", () -> assertEquals(1, waitingMail(therapist).size()));
            TestSmtp.Mail mail = waitingMail(therapist).get(0);
            assertTrue(mail.subject().matches("A patient is waiting for your session at \\d\\d:\\d\\d"), mail.subject());
            assertTrue(mail.text().contains(nodeA.baseUrl() + "/#/therapist"), mail.text());
            assertTrue(mail.html() != null && mail.html().contains("/#/therapist"), String.valueOf(mail.html()));
            String all = mail.subject() + mail.text() + mail.html();
            assertFalse(all.contains("Pat Room") || all.contains("room.patient."), "no patient name or address: " + all);

            // the patient's page reconnects through the other node: the same waiting episode, no second mail
            patient.close();
            try (RoomClient again = RoomClient.connect(nodeB.baseUrl(), room.patientToken)) {
                JsonObject joined = room.join(again, room.patientToken);
                assertTrue(joined.getBoolean("resumed"), joined.encode());
                // later: another patient waits on that node; when their mail is out, node B has looked at both
                OpenRoom later = OpenRoom.book(api, admin);
                String laterTherapist = emailOf(later.therapistToken);
                try (RoomClient other = RoomClient.connect(nodeB.baseUrl(), later.patientToken)) {
                    waitIn(later, other);
                    Eventually.within(Duration.ofSeconds(30), "the later mail", () -> assertEquals(1, waitingMail(laterTherapist).size()));
                }
                Eventually.within(Duration.ofSeconds(10), "nothing pending",
                        () -> assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.eq("state", "pending"))));
                assertEquals(1, outbox(store, "patient-waiting:" + room.appointmentId + ":"), "one message for the episode");
                assertEquals(1, waitingMail(therapist).size(), "still one mail");
            }
        }
    }

    @Test
    @DisplayName("therapist with a socket open on the other node → no email; patient who leaves before the delay → no email")
    void noMailWhenTherapistIsOnlineOrPatientLeft() {
        OpenRoom online = OpenRoom.book(api, admin);
        OpenRoom leaving = OpenRoom.book(api, admin);
        OpenRoom canary = OpenRoom.book(api, admin);
        String onlineTherapist = emailOf(online.therapistToken);
        String leavingTherapist = emailOf(leaving.therapistToken);
        String canaryTherapist = emailOf(canary.therapistToken);
        try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName());
             // the therapist's page (any page keeps a socket) is on node B; their patient waits on node A
             RoomClient therapistPage = RoomClient.connect(nodeB.baseUrl(), online.therapistToken);
             RoomClient p1 = RoomClient.connect(nodeA.baseUrl(), online.patientToken);
             RoomClient p2 = RoomClient.connect(nodeA.baseUrl(), leaving.patientToken);
             RoomClient p3 = RoomClient.connect(nodeA.baseUrl(), canary.patientToken)) {
            therapistPage.expect("pong", new JsonObject().put("type", "ping").put("clientTime", 1));
            waitIn(online, p1);
            waitIn(leaving, p2);
            p2.expect("ok", new JsonObject().put("type", "room.leave").put("roomId", leaving.roomId));
            // the canary waits last, with its therapist away: once its mail is out, the others' delays are long past
            waitIn(canary, p3);
            Eventually.within(Duration.ofSeconds(30), "the canary's mail", () -> assertEquals(1, waitingMail(canaryTherapist).size()));
            Eventually.within(Duration.ofSeconds(10), "nothing pending",
                    () -> assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.eq("state", "pending"))));
            assertEquals(0, outbox(store, "patient-waiting:" + online.appointmentId + ":"), "therapist online on node B");
            assertEquals(0, outbox(store, "patient-waiting:" + leaving.appointmentId + ":"), "patient left");
            assertTrue(waitingMail(onlineTherapist).isEmpty());
            assertTrue(waitingMail(leavingTherapist).isEmpty());
        }
    }

    @Test
    @DisplayName("a circle's 'I need support' emails both facilitators at once, once per request (asking again while open adds none); no name")
    void supportRequestIsEmailed() {
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 1);
        String roomId = circle.roomId();
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member co = circle.facilitators().get(1);
        OpenRoom.Member asker = circle.patients().get(0);
        try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName());
             RoomClient f1 = RoomClient.connect(nodeA.baseUrl(), lead.token());
             RoomClient pa = RoomClient.connect(nodeB.baseUrl(), asker.token())) {
            f1.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), lead.token())));
            pa.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", OpenRoom.joinTicket(api, circle.appointmentId(), asker.token())));
            pa.expect("ok", OpenRoom.gate(roomId));
            f1.expect("ok", new JsonObject().put("type", "host.admit").put("roomId", roomId).put("personId", asker.id()));
            pa.awaitType("room.admitted");

            pa.expect("ok", new JsonObject().put("type", "circle.support.request").put("roomId", roomId));
            String requestId = f1.awaitType("circle.support.requested").getString("requestId");
            pa.expect("ok", new JsonObject().put("type", "circle.support.request").put("roomId", roomId));
            for (OpenRoom.Member f : List.of(lead, co)) {
                Eventually.within(Duration.ofSeconds(20), "the support mail to " + f.email(),
                        () -> assertEquals(1, supportMail(f.email()).size()));
            }
            TestSmtp.Mail mail = supportMail(co.email()).get(0);
            assertTrue(mail.text().contains("/#/therapist") && mail.html().contains("/#/therapist"), mail.text());
            String all = mail.subject() + mail.text() + mail.html();
            assertFalse(all.contains("Circle Patient") || all.contains(asker.email()), "no patient name: " + all);
            assertTrue(supportMail(asker.email()).isEmpty(), "not to the patient");

            // acknowledged, then asked again: a new request, a second mail each; the repeated ask above added none
            f1.expect("ok", new JsonObject().put("type", "circle.support.acknowledge").put("roomId", roomId).put("requestId", requestId));
            pa.awaitType("circle.support.acknowledged");
            pa.expect("ok", new JsonObject().put("type", "circle.support.request").put("roomId", roomId));
            for (OpenRoom.Member f : List.of(lead, co)) {
                Eventually.within(Duration.ofSeconds(20), "the second support mail to " + f.email(),
                        () -> assertEquals(2, supportMail(f.email()).size()));
            }
            Eventually.within(Duration.ofSeconds(10), "nothing pending",
                    () -> assertEquals(0, store.collection("mail_outbox").countDocuments(Filters.eq("state", "pending"))));
            assertEquals(1, outbox(store, "distress-alert:" + requestId + ":" + lead.id()));
            for (OpenRoom.Member f : List.of(lead, co)) {
                assertEquals(2, supportMail(f.email()).size(), f.email());
                assertEquals(2, store.collection("mail_outbox").countDocuments(Filters.and(Filters.eq("kind", "distress-alert"),
                        Filters.eq("recipientId", f.id()))));
            }
        }
    }
}
