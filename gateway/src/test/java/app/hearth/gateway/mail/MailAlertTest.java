package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An item-9 answer emails the patient's therapist at once: that there is an alert and a link, nothing of the answers. */
@DisplayName("Email: safety alerts")
class MailAlertTest {

    @Test
    @DisplayName("a PHQ-9 with item 9 above 0 → the therapist gets one email with the link to the patient, no name, no score")
    void itemNineAlertIsEmailed() {
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort()); TestNode node = TestNode.start(smtp.settings())) {
            ApiClient api = new ApiClient(node.baseUrl());
            String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
            String me = api.get("/api/me", patient).json().getString("id");
            ApiClient.Reply answered = api.postJson("/api/care/patients/" + me + "/measures", patient, new JsonObject()
                    .put("instrument", "phq9").put("occasion", "baseline")
                    .put("answers", new JsonArray(List.of(1, 2, 1, 1, 0, 1, 0, 0, 2))));
            assertEquals(201, answered.status(), answered.body());

            Eventually.within(Duration.ofSeconds(20), "the alert mail", () -> assertEquals(1, smtp.to("therapist@demo.hearth").stream()
                    .filter(m -> m.subject().contains("safety alert")).count()));
            TestSmtp.Mail mail = smtp.to("therapist@demo.hearth").stream().filter(m -> m.subject().contains("safety alert"))
                    .findFirst().orElseThrow();
            assertTrue(mail.text().contains(node.baseUrl() + "/#/patients/" + me), mail.text());
            assertTrue(mail.html().contains("/#/patients/" + me), mail.html());
            String all = mail.subject() + mail.text() + mail.html();
            assertFalse(all.contains("Jordan") || all.contains("PHQ") || all.contains("score") || all.contains("1, 2, 1"),
                    "no name, instrument or score: " + all);
            assertTrue(smtp.to("therapist2@demo.hearth").isEmpty(), "only the patient's therapists");
        }
    }
}
