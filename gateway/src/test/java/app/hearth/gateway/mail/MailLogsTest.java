package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Mail at DEBUG, with an SMTP outage in the middle (so failures are logged): no address, name,
 * subject, set-password ticket or message text reaches any log line.
 */
@DisplayName("Email leaves no patient data in logs")
class MailLogsTest {

    @Test
    @DisplayName("invitation, booking, cancellation and retries while SMTP is down log identifiers only")
    void noPatientDataInLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level previous = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        List<String> secrets = new ArrayList<>();
        try (TestSmtp smtp = new TestSmtp(TestNode.freePort())) {
            Map<String, String> settings = new HashMap<>(smtp.settings());
            settings.put("HEARTH_DEMO_BOOK_NOW", "true");
            try (TestNode node = TestNode.start(settings)) {
                ApiClient api = new ApiClient(node.baseUrl());
                String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
                smtp.stop();
                String email = "juniper.oakhollow@example.org";
                ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                        .put("displayName", "Juniper Oakhollow").put("email", email).put("therapistId", "demo-therapist-1"));
                assertEquals(201, created.status(), created.body());
                String link = created.json().getJsonObject("setPasswordLink").getString("url");
                secrets.addAll(List.of("Juniper Oakhollow", email, link.substring(link.indexOf('#') + 1), "invitation to Hearth",
                        "Session with your care team"));
                Instant start = app.hearth.gateway.testing.DemoDaytime.morningAfter(Instant.now().plus(Duration.ofHours(30)));
                ApiClient.Reply booked = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                        .put("therapistIds", new JsonArray().add("demo-therapist-1"))
                        .put("patientId", created.json().getJsonObject("person").getString("id")).put("start", start.toString()));
                assertEquals(201, booked.status(), booked.body());
                assertEquals(200, api.postJson("/api/appointments/" + booked.json().getString("id") + "/cancel", admin,
                        new JsonObject().put("reason", "test")).status());
                Eventually.within(Duration.ofSeconds(20), "failed attempts logged", () -> assertTrue(captured.list.stream()
                        .anyMatch(e -> e.getFormattedMessage().contains("attempt 2 failed"))));
                smtp.start();
                Eventually.within(Duration.ofSeconds(20), "delivery", () -> assertEquals(3, smtp.to(email).size()));
            }
        } finally {
            root.detachAppender(captured);
            root.setLevel(previous);
        }
        assertFalse(captured.list.isEmpty(), "the capture works");
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage());
            for (String secret : secrets) {
                assertTrue(!line.contains(secret), "a log line of " + event.getLoggerName() + " contains patient data: " + line);
            }
        }
    }
}
