package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A questionnaire that falls due emails the patient once (issue 15, docs/adr/0030): "a short
 * check-in" and a link, never the measure's name or a score; computed from the store, so a restart
 * sends nothing twice; answered, it is no longer due and nothing more is sent.
 */
@DisplayName("Email: measure due")
class MailMeasureDueTest {

    static final String PASSWORD = "a long test passphrase";

    static List<TestSmtp.Mail> dueMail(TestSmtp smtp, String address) {
        return smtp.to(address).stream().filter(m -> m.subject().contains("check-in")).toList();
    }

    /** A patient who set their password (active), with the demo therapist. */
    static String[] activePatient(ApiClient api, String admin) {
        String email = "due.patient." + System.nanoTime() + "@example.org";
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Dana Due").put("email", email));
        assertEquals(201, created.status(), created.body());
        String url = created.json().getJsonObject("setPasswordLink").getString("url");
        String ticket = url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
        assertEquals(204, api.postJson("/api/auth/set-password", null, new JsonObject().put("ticket", ticket)
                .put("password", PASSWORD)).status());
        return new String[] {created.json().getJsonObject("person").getString("id"), email};
    }

    @Test
    @DisplayName("baseline due → one email to the patient (both parts, link, no measure name); not again after a restart; an invited patient gets none")
    void measureDueOnceAcrossRestarts() throws Exception {
        Path data = Files.createTempDirectory("hearth-measure-due-");
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort())) {
            Map<String, String> settings = new HashMap<>(smtp.settings());
            settings.put("HEARTH_MAIL_MEASURE_SCAN", "PT1S");
            settings.put("HEARTH_DATA_DIR", data.toString());
            String[] patient;
            String invitedEmail = "due.invited." + System.nanoTime() + "@example.org";
            try (TestNode node = TestNode.start(settings)) {
                ApiClient api = new ApiClient(node.baseUrl());
                String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
                // invited, never signed in: no questionnaire mail (the invitation is what they need)
                assertEquals(201, api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                        .put("displayName", "Ivy Invited").put("email", invitedEmail)).status());
                patient = activePatient(api, admin);
                Eventually.within(Duration.ofSeconds(30), "the measure-due mail", () -> assertEquals(1, dueMail(smtp, patient[1]).size()));
                TestSmtp.Mail mail = dueMail(smtp, patient[1]).get(0);
                assertTrue(mail.text().contains(node.baseUrl() + "/#/course"), mail.text());
                assertTrue(mail.html() != null && mail.html().contains("/#/course"), String.valueOf(mail.html()));
                assertTrue(mail.text().contains("short check-in questionnaire"), mail.text());
                String all = mail.subject() + mail.text() + mail.html();
                assertFalse(all.contains("PHQ") || all.contains("GAD") || all.contains("PCL") || all.contains("depress")
                        || all.contains("anxiety") || all.contains("PTSD") || all.contains("score"), "nothing clinical: " + all);
                try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
                    Document queued = store.collection("mail_outbox").find(Filters.and(Filters.eq("kind", "measure-due"),
                            Filters.eq("recipientId", patient[0]))).first();
                    assertTrue(queued.getString("_id").startsWith("measure-due:" + patient[0] + ":baseline:"), queued.getString("_id"));
                    // audited as a disclosure to the patient, by the node's job
                    Eventually.within(Duration.ofSeconds(10), "the audit entry", () -> assertEquals(1, store.collection("audit_log")
                            .countDocuments(Filters.and(Filters.eq("action", "care.measures.due.mail"), Filters.eq("resourceId", patient[0])))));
                }
            }

            // the same data after a restart: a later patient's mail shows scans have run; the first got nothing more
            try (TestNode node = TestNode.start(settings)) {
                ApiClient api = new ApiClient(node.baseUrl());
                String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
                String[] later = activePatient(api, admin);
                Eventually.within(Duration.ofSeconds(30), "the later patient's mail", () -> assertEquals(1, dueMail(smtp, later[1]).size()));
                // the first patient answers what was due: nothing is due, nothing more is sent
                String token = api.accessToken(patient[1], PASSWORD);
                JsonArray due = api.get("/api/care/patients/" + patient[0] + "/measures", token).json().getJsonArray("due");
                for (int i = 0; i < due.size(); i++) {
                    JsonObject d = due.getJsonObject(i);
                    int items = "pcl5".equals(d.getString("instrument")) ? 20 : "gad7".equals(d.getString("instrument")) ? 7 : 9;
                    JsonArray zeros = new JsonArray();
                    for (int k = 0; k < items; k++) {
                        zeros.add(0);
                    }
                    ApiClient.Reply answered = api.postJson("/api/care/patients/" + patient[0] + "/measures", token, new JsonObject()
                            .put("instrument", d.getString("instrument")).put("occasion", d.getString("occasion")).put("answers", zeros));
                    assertEquals(201, answered.status(), answered.body());
                }
                String[] last = activePatient(api, admin);
                Eventually.within(Duration.ofSeconds(30), "the last patient's mail", () -> assertEquals(1, dueMail(smtp, last[1]).size()));
                assertEquals(1, dueMail(smtp, patient[1]).size(), "the first patient: still one mail");
                assertTrue(dueMail(smtp, invitedEmail).isEmpty(), "the invited patient: none");
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
