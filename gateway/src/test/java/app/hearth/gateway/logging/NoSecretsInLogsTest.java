package app.hearth.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Runs the sign-in and onboarding flows, good and bad, with every logger at DEBUG, and checks that
 * no password, token, ticket, email or patient name reached any log line: in each log format
 * (HEARTH_LOG_FORMAT text and json, docs/adr/0025), as the node's encoder writes the line, MDC and
 * stack traces included.
 */
@DisplayName("No secrets or patient data in logs")
class NoSecretsInLogsTest {

    @AfterEach
    void backToText() {
        app.hearth.gateway.logging.LogFormat.apply(app.hearth.gateway.config.NodeConfig.LogFormat.TEXT);
    }

    @ParameterizedTest(name = "{0} logs")
    @EnumSource(app.hearth.gateway.config.NodeConfig.LogFormat.class)
    @DisplayName("sign-in, refresh, bad tokens, onboarding, the course of care and errors leave no secret or clinical text in any log line")
    void flowsLeaveNoSecrets(app.hearth.gateway.config.NodeConfig.LogFormat format) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level previous = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        List<String> secrets = new ArrayList<>();
        LogCapture encoded = LogCapture.start(format);
        try (TestNode node = TestNode.start(java.util.Map.of("HEARTH_LOG_FORMAT", format.name().toLowerCase()))) {
            ApiClient api = new ApiClient(node.baseUrl());
            JsonObject pair = api.login("admin@demo.hearth", "hearth-demo");
            secrets.add("hearth-demo");
            secrets.add(pair.getString("accessToken"));
            secrets.add(pair.getString("refreshToken"));
            String token = pair.getString("accessToken");

            ApiClient.Reply created = api.postJson("/api/people", token, new JsonObject().put("role", "patient")
                    .put("displayName", "Wren Quillfeather").put("email", "wren.quillfeather@example.org")
                    .put("emergencyContact", new JsonObject().put("name", "Ash Quillfeather").put("phone", "+1 555 0199")));
            assertEquals(201, created.status(), created.body());
            String link = created.json().getJsonObject("setPasswordLink").getString("url");
            String ticket = link.substring(link.lastIndexOf('/') + 1);
            secrets.addAll(List.of("Wren Quillfeather", "wren.quillfeather@example.org", "Ash Quillfeather", ticket));

            String newPassword = "a very private passphrase";
            secrets.add(newPassword);
            assertEquals(204, api.postJson("/api/auth/set-password", null,
                    new JsonObject().put("ticket", ticket).put("password", newPassword)).status());
            assertEquals(410, api.postJson("/api/auth/set-password", null,
                    new JsonObject().put("ticket", ticket).put("password", newPassword)).status());
            JsonObject patient = api.login("wren.quillfeather@example.org", newPassword);
            secrets.add(patient.getString("accessToken"));
            assertEquals(401, api.postJson("/api/auth/login", null, new JsonObject()
                    .put("email", "wren.quillfeather@example.org").put("password", "wrong but secret 123")).status());
            secrets.add("wrong but secret 123");
            assertEquals(401, api.get("/api/me", patient.getString("accessToken") + "tampered").status());
            assertEquals(200, api.postJson("/api/auth/refresh", null,
                    new JsonObject().put("refreshToken", pair.getString("refreshToken"))).status());
            assertEquals(401, api.postJson("/api/auth/refresh", null,
                    new JsonObject().put("refreshToken", pair.getString("refreshToken"))).status());

            secrets.addAll(clinicalFlow(api));
        } finally {
            encoded.close();
            root.detachAppender(captured);
            root.setLevel(previous);
        }

        assertFalse(captured.list.isEmpty(), "the capture works: the node logs at DEBUG");
        for (ILoggingEvent event : captured.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : " " + event.getThrowableProxy().getMessage());
            for (String secret : secrets) {
                assertTrue(!line.contains(secret), "a log line of " + event.getLoggerName() + " contains a secret: " + line);
            }
        }
        // the lines as written, in this format: request ids, MDC, logger names and traces included
        List<String> lines = encoded.lines();
        assertFalse(lines.isEmpty(), "the encoded capture works");
        if (format == app.hearth.gateway.config.NodeConfig.LogFormat.JSON) {
            JsonLogTest.parse(lines); // each one a JSON object
        }
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret) || line.contains(io.vertx.core.json.Json.encode(secret).replace("\"", "")),
                        "a " + format + " log line contains a secret: " + line);
            }
        }
    }

    /** The course of care, good and refused: intake, intentions, journal, an item-9 answer and its alert. */
    private static List<String> clinicalFlow(ApiClient api) {
        List<String> secrets = List.of("Marigold-lantern history", "Quietly-finch intention", "Seventeen-heron reflection",
                "Overlong-otter", "Tamarind-medication");
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        String me = api.get("/api/me", patient).json().getString("id");
        String base = "/api/care/patients/" + me;
        assertEquals(200, api.put(base + "/intake", patient, new JsonObject().put("answers", new JsonObject()
                .put("history", secrets.get(0)).put("medications", secrets.get(4)))).status());
        assertEquals(200, api.put(base + "/intentions", patient, new JsonObject().put("version", 0)
                .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", secrets.get(1))))).status());
        assertEquals(201, api.postJson(base + "/journal", patient, new JsonObject().put("text", secrets.get(2))
                .put("shared", true)).status());
        // refused input: too long, wrong types, a stale version, another patient's record
        assertEquals(400, api.put(base + "/intake", patient, new JsonObject().put("answers", new JsonObject()
                .put("notes", secrets.get(3).repeat(1000)))).status());
        assertEquals(409, api.put(base + "/intentions", patient, new JsonObject().put("version", 0)
                .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", secrets.get(3))))).status());
        assertEquals(404, api.put("/api/care/patients/nobody/intentions", therapist, new JsonObject().put("version", 0)
                .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", secrets.get(3))))).status());
        // a baseline PHQ-9 with item 9 above 0 raises an alert, read back by the therapist
        ApiClient.Reply answered = api.postJson(base + "/measures", patient, new JsonObject().put("instrument", "phq9")
                .put("occasion", "baseline").put("answers", new io.vertx.core.json.JsonArray(List.of(1, 2, 1, 1, 0, 1, 0, 0, 2))));
        assertEquals(201, answered.status(), answered.body());
        assertEquals(200, api.get("/api/care/alerts", therapist).status());
        assertEquals(200, api.get(base + "/journal", therapist).status());
        assertEquals(200, api.get(base + "/intake", therapist).status());
        return secrets;
    }
}
