package app.hearth.gateway.operator;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.config.NodeConfig;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.config.ConfigException;
import app.hearth.platform.config.Settings;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator creates clinics on the management port (docs/adr/0027): the new clinic's admin is
 * invited like anyone else, signs in on the public port and sees nothing of the demo clinic, which
 * sees nothing of theirs; the endpoints are on no public path, need the operator token, and refuse
 * bad zones, bad addresses and taken addresses with problem+json.
 */
@DisplayName("Operator: creating clinics on the management port")
class OperatorClinicsTest {

    static final String TOKEN = "operator-secret-" + UUID.randomUUID();

    static TestNode node;
    static ApiClient api;
    static ApiClient management;
    static String demoAdmin;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_OPERATOR_TOKEN", TOKEN));
        api = new ApiClient(node.baseUrl());
        management = new ApiClient("http://127.0.0.1:" + node.node().managementPort().getAsInt());
        demoAdmin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonObject newClinic(String name, String zone, String adminName, String email) {
        return new JsonObject().put("name", name).put("timeZone", zone)
                .put("admin", new JsonObject().put("displayName", adminName).put("email", email));
    }

    static String uniqueEmail() {
        return "admin-" + UUID.randomUUID().toString().substring(0, 8) + "@lakeside.example";
    }

    static List<String> ids(JsonArray items) {
        return items.stream().map(o -> ((JsonObject) o).getString("id")).toList();
    }

    @Test
    @DisplayName("operator creates a clinic → 201; its admin sets a password by the link, signs in, and sees only their own clinic; the demo admin sees nothing of it")
    void createdClinicIsIsolated() {
        String email = uniqueEmail();
        ApiClient.Reply created = management.postJson("/operator/clinics", TOKEN,
                newClinic("Lakeside Clinic", "Europe/Berlin", "Dana Weiss", email));
        assertEquals(201, created.status(), created.body());
        assertEquals("no-store", created.header("Cache-Control"));
        JsonObject body = created.json();
        String clinicId = body.getJsonObject("clinic").getString("id");
        String adminId = body.getJsonObject("admin").getString("id");
        assertEquals("Europe/Berlin", body.getJsonObject("clinic").getString("timeZone"));
        assertEquals("admin", body.getJsonObject("admin").getString("role"));
        String url = body.getJsonObject("setPasswordLink").getString("url");
        assertTrue(url.startsWith(node.baseUrl() + "/#/set-password/"), url);

        // the invitation went into the outbox, as when an admin adds a person
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            Document mail = store.collection("mail_outbox").find(Filters.eq("recipientId", adminId)).first();
            assertNotNull(mail, "the admin's invitation is queued");
            assertEquals(clinicId, mail.getString("clinicId"));
        }
        // the operator's list names it, and the demo clinic
        List<String> listed = ids(management.get("/operator/clinics", TOKEN).json().getJsonArray("items"));
        assertTrue(listed.contains(clinicId) && listed.contains("demo"), listed.toString());

        // the admin sets a password through the link and signs in on the public port
        String ticket = url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
        ApiClient.Reply set = api.postJson("/api/auth/set-password", null,
                new JsonObject().put("ticket", ticket).put("password", "lakeside admin password"));
        assertEquals(204, set.status(), set.body());
        String admin = api.accessToken(email, "lakeside admin password");
        JsonObject me = api.get("/api/me", admin).json();
        assertEquals(clinicId, me.getString("clinicId"));
        assertEquals("admin", me.getString("role"));

        // their clinic: only themselves, no appointments, an audit log of its own
        assertEquals(List.of(adminId), ids(api.get("/api/people", admin).json().getJsonArray("items")));
        Instant now = Instant.now();
        ApiClient.Reply calendar = api.get("/api/appointments?from=" + now.minus(30, ChronoUnit.DAYS) + "&to="
                + now.plus(30, ChronoUnit.DAYS), admin);
        assertEquals(200, calendar.status(), calendar.body());
        assertEquals(0, calendar.json().getJsonArray("items").size(), calendar.body());
        assertProblem(api.get("/api/people/demo-patient-1", admin), 404, "person-not-found");
        assertProblem(api.get("/api/people/demo-admin", admin), 404, "person-not-found");
        JsonArray audit = api.get("/api/audit?limit=200", admin).json().getJsonArray("items");
        assertFalse(audit.isEmpty());
        for (Object o : audit) {
            assertEquals(clinicId, ((JsonObject) o).getString("clinicId"), o.toString());
        }
        assertTrue(audit.stream().map(JsonObject.class::cast).anyMatch(e -> "clinic.create".equals(e.getString("action"))
                && "operator".equals(e.getString("actorId")) && "operator".equals(e.getString("actorRole"))
                && clinicId.equals(e.getString("resourceId")) && "Hearth's operator".equals(e.getString("actorName"))
                && "this clinic".equals(e.getString("resourceLabel"))), "the creation is audited with the operator as actor: " + audit);
        assertTrue(audit.stream().map(JsonObject.class::cast).anyMatch(e -> "person.create".equals(e.getString("action"))
                && "operator".equals(e.getString("actorId")) && adminId.equals(e.getString("resourceId"))), audit.toString());

        // the demo admin sees nothing of the new clinic
        assertFalse(ids(api.get("/api/people", demoAdmin).json().getJsonArray("items")).contains(adminId));
        assertProblem(api.get("/api/people/" + adminId, demoAdmin), 404, "person-not-found");
        for (Object o : api.get("/api/audit?limit=200", demoAdmin).json().getJsonArray("items")) {
            assertEquals("demo", ((JsonObject) o).getString("clinicId"), o.toString());
        }
    }

    @Test
    @DisplayName("the operator endpoints are not on the public port, with or without the token")
    void notOnThePublicPort() {
        assertEquals(404, api.postJson("/operator/clinics", TOKEN, newClinic("Public", "Europe/Berlin", "P", uniqueEmail())).status());
        assertEquals(404, api.get("/operator/clinics", TOKEN).status());
        assertEquals(404, api.get("/api/operator/clinics", TOKEN).status());
    }

    @Test
    @DisplayName("a missing or wrong operator token → 401, and nothing is created")
    void wrongToken() {
        int before = management.get("/operator/clinics", TOKEN).json().getJsonArray("items").size();
        assertProblem(management.postJson("/operator/clinics", null, newClinic("X", "Europe/Berlin", "X", uniqueEmail())),
                401, "unauthenticated");
        assertProblem(management.postJson("/operator/clinics", TOKEN + "x", newClinic("X", "Europe/Berlin", "X", uniqueEmail())),
                401, "unauthenticated");
        assertProblem(management.get("/operator/clinics", "not-the-token"), 401, "unauthenticated");
        // a demo admin's access token is no operator token
        assertProblem(management.get("/operator/clinics", demoAdmin), 401, "unauthenticated");
        assertEquals(before, management.get("/operator/clinics", TOKEN).json().getJsonArray("items").size());
    }

    @Test
    @DisplayName("bad input → 400 naming the field: unknown or non-region zone, bad email, blank or long names, unknown fields, malformed JSON; wrong media type → 415")
    void validation() {
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("C", "Mars/Olympus", "A", uniqueEmail())),
                400, "invalid-request", "timeZone");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("C", "UTC+5", "A", uniqueEmail())),
                400, "invalid-request", "timeZone");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("C", "Europe/Berlin", "A", "not-an-email")),
                400, "invalid-request", "admin.email");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("  ", "Europe/Berlin", "A", uniqueEmail())),
                400, "invalid-request", "name");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("C".repeat(121), "Europe/Berlin", "A", uniqueEmail())),
                400, "invalid-request", "name");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("C", "Europe/Berlin", "", uniqueEmail())),
                400, "invalid-request", "admin.displayName");
        assertProblem(management.postJson("/operator/clinics", TOKEN, new JsonObject().put("name", "C").put("timeZone", "Europe/Berlin")),
                400, "invalid-request", "admin");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("C", "Europe/Berlin", "A", uniqueEmail())
                .put("timezone", "Europe/Paris")), 400, "invalid-request", "timezone");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("C", "Europe/Berlin", "A", uniqueEmail())
                .put("name", 42)), 400, "invalid-request", "name");
        assertProblem(management.post("/operator/clinics", TOKEN, "application/json", "{\"name\":"), 400, "malformed-json");
        assertProblem(management.post("/operator/clinics", TOKEN, "application/json", "[]"), 400, "invalid-request");
        assertProblem(management.post("/operator/clinics", TOKEN, "text/plain", "name=C"), 415, "unsupported-media-type");
        assertProblem(management.post("/operator/clinics", TOKEN, "application/json", " ".repeat(17 * 1024)), 413, "payload-too-large");
        assertProblem(management.putRaw("/operator/clinics", TOKEN, "application/json", "{}"), 405, "method-not-allowed");
        assertProblem(management.get("/operator/other", TOKEN), 404, "not-found");
    }

    @Test
    @DisplayName("an admin email anyone signs in with (any clinic, any case) → 409 email-taken, and no empty clinic is left")
    void duplicateEmail() {
        int before = management.get("/operator/clinics", TOKEN).json().getJsonArray("items").size();
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("Dup", "Europe/Berlin", "A", "admin@demo.hearth")),
                409, "email-taken", "admin.email");
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("Dup", "Europe/Berlin", "A", "Patient1@Demo.Hearth")),
                409, "email-taken", "admin.email");
        // twice the same request: the second is refused
        String email = uniqueEmail();
        assertEquals(201, management.postJson("/operator/clinics", TOKEN, newClinic("Twice", "Asia/Tokyo", "T", email)).status());
        assertProblem(management.postJson("/operator/clinics", TOKEN, newClinic("Twice", "Asia/Tokyo", "T", email)),
                409, "email-taken", "admin.email");
        assertEquals(before + 1, management.get("/operator/clinics", TOKEN).json().getJsonArray("items").size());
    }

    @Test
    @DisplayName("the same creation sent four times at once: one clinic (201), three 409 email-taken, no admin-less clinic left")
    void concurrentDoubleSubmit() throws Exception {
        int before = management.get("/operator/clinics", TOKEN).json().getJsonArray("items").size();
        JsonObject body = newClinic("Racing Clinic", "Europe/Madrid", "R", uniqueEmail());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<ApiClient.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                replies.add(pool.submit(() -> management.postJson("/operator/clinics", TOKEN, body)));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<ApiClient.Reply> reply : replies) {
                ApiClient.Reply r = reply.get(60, java.util.concurrent.TimeUnit.SECONDS);
                statuses.add(r.status());
                if (r.status() != 201) {
                    assertProblem(r, 409, "email-taken", "admin.email");
                }
            }
            assertEquals(1, statuses.stream().filter(st -> st == 201).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + 1, management.get("/operator/clinics", TOKEN).json().getJsonArray("items").size());
    }

    @Test
    @DisplayName("create-clinic and list-clinics of the jar call the management port and print the clinic, the admin and the link")
    void commands() {
        Settings env = Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", TOKEN,
                "HEARTH_MANAGEMENT_PORT", Integer.toString(node.node().managementPort().getAsInt())));
        String email = uniqueEmail();
        Run created = Run.of(env, "create-clinic", "--name", "Harbour Clinic", "--time-zone", "America/Chicago",
                "--admin-name", "Lee Park", "--admin-email=" + email);
        assertEquals(0, created.code(), created.err());
        assertTrue(created.out().contains("Created clinic Harbour Clinic"), created.out());
        assertTrue(created.out().contains(node.baseUrl() + "/#/set-password/"), created.out());
        assertTrue(created.out().contains(email), created.out());

        Run listed = Run.of(env, "list-clinics");
        assertEquals(0, listed.code(), listed.err());
        assertTrue(listed.out().contains("Harbour Clinic") && listed.out().contains("Demo Clinic"), listed.out());
        Run json = Run.of(env, "list-clinics", "--json");
        assertTrue(new JsonObject(json.out().strip()).getJsonArray("items").size() >= 2, json.out());

        // the node's refusal, printed: exit 1
        Run taken = Run.of(env, "create-clinic", "--name", "Again", "--time-zone", "America/Chicago",
                "--admin-name", "Lee Park", "--admin-email", email);
        assertEquals(1, taken.code());
        assertTrue(taken.err().contains("409 email-taken") && taken.err().contains("admin.email"), taken.err());
        Run zone = Run.of(env, "create-clinic", "--name", "Z", "--time-zone", "Nowhere/Else", "--admin-name", "Z",
                "--admin-email", uniqueEmail());
        assertEquals(1, zone.code());
        assertTrue(zone.err().contains("400 invalid-request") && zone.err().contains("timeZone"), zone.err());
        // a wrong token
        Run wrong = Run.of(Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", "nope-nope-nope-nope-nope-nope",
                "HEARTH_MANAGEMENT_PORT", Integer.toString(node.node().managementPort().getAsInt()))), "list-clinics");
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("401"), wrong.err());
    }

    @Test
    @DisplayName("the command's arguments: missing, unknown or repeated options and a missing token → exit 2 with the usage")
    void commandArguments() {
        Settings env = Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", TOKEN));
        OperatorCommand.Arguments parsed = OperatorCommand.parse(new String[] {"create-clinic", "--name", "A B", "--time-zone",
                "Europe/Berlin", "--admin-name=C D", "--admin-email", "c@d.example", "--json"});
        assertEquals(Map.of("name", "A B", "time-zone", "Europe/Berlin", "admin-name", "C D", "admin-email", "c@d.example"),
                parsed.options());
        assertTrue(parsed.json());
        for (String[] bad : List.of(new String[] {"create-clinic", "--name", "A"}, new String[] {"create-clinic", "--name", "A",
                        "--time-zone", "Europe/Berlin", "--admin-name", "C", "--admin-email", "c@d.example", "--colour", "red"},
                new String[] {"list-clinics", "--name", "A"}, new String[] {"create-clinic", "--name", "A", "--name", "B"},
                new String[] {"create-clinic", "--name"}, new String[] {"make-clinic"}, new String[] {"list-clinics", "stray"})) {
            Run run = Run.of(env, bad);
            assertEquals(2, run.code(), String.join(" ", bad));
            assertTrue(run.err().contains("Usage:"), run.err());
        }
        Run noToken = Run.of(Settings.of(Map.of()), "list-clinics");
        assertEquals(2, noToken.code());
        assertTrue(noToken.err().contains("HEARTH_OPERATOR_TOKEN"), noToken.err());
        // the management address: the node's keys, a wildcard host reached on loopback, or --management-url
        assertEquals("http://127.0.0.1:9464", OperatorCommand.managementUrl(OperatorCommand.parse(new String[] {"list-clinics"}),
                Settings.of(Map.of())).toString());
        assertEquals("http://127.0.0.1:9999", OperatorCommand.managementUrl(OperatorCommand.parse(new String[] {"list-clinics"}),
                Settings.of(Map.of("HEARTH_MANAGEMENT_HOST", "0.0.0.0", "HEARTH_MANAGEMENT_PORT", "9999"))).toString());
        assertEquals("http://10.0.0.5:9464", OperatorCommand.managementUrl(OperatorCommand.parse(new String[] {"list-clinics",
                "--management-url", "http://10.0.0.5:9464"}), Settings.of(Map.of())).toString());
        // nothing listening: a clear failure, exit 1
        Run down = Run.of(Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", TOKEN, "HEARTH_MANAGEMENT_PORT",
                Integer.toString(TestNode.freePort()))), "list-clinics");
        assertEquals(1, down.code());
        assertTrue(down.err().contains("Cannot reach"), down.err());
    }

    @Test
    @DisplayName("without HEARTH_OPERATOR_TOKEN the operator paths do not exist (404); a short token or one without the management port is refused at start-up")
    void disabledAndConfig() {
        try (TestNode plain = TestNode.start()) {
            ApiClient mgmt = new ApiClient("http://127.0.0.1:" + plain.node().managementPort().getAsInt());
            assertEquals(404, mgmt.get("/operator/clinics", TOKEN).status());
            assertEquals(404, mgmt.postJson("/operator/clinics", TOKEN, newClinic("C", "Europe/Berlin", "A", uniqueEmail())).status());
            assertEquals(200, mgmt.get("/metrics", null).status(), "the port itself still serves metrics");
        }
        assertTrue(NodeConfig.from(Settings.of(Map.of())).operatorToken().isEmpty());
        assertTrue(NodeConfig.from(Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", TOKEN))).operatorToken().isPresent());
        assertFalse(NodeConfig.from(Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", TOKEN))).toString().contains(TOKEN),
                "the token never prints with the configuration");
        assertTrue(assertThrows(ConfigException.class, () -> NodeConfig.from(Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", "short"))))
                .getMessage().contains("HEARTH_OPERATOR_TOKEN"));
        assertTrue(assertThrows(ConfigException.class, () -> NodeConfig.from(Settings.of(Map.of("HEARTH_OPERATOR_TOKEN", TOKEN,
                "HEARTH_MANAGEMENT_ENABLED", "false")))).getMessage().contains("management port"));
    }

    @Test
    @DisplayName("no log line holds the operator token, a wrong token, the admin's link secret or email")
    void nothingSecretLogged() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> capture = new ch.qos.logback.core.read.ListAppender<>();
        capture.start();
        root.addAppender(capture);
        String email = uniqueEmail();
        String wrong = "almost-" + TOKEN;
        String url;
        try {
            ApiClient.Reply created = management.postJson("/operator/clinics", TOKEN, newClinic("Quiet Clinic", "Europe/Oslo", "Q", email));
            assertEquals(201, created.status(), created.body());
            url = created.json().getJsonObject("setPasswordLink").getString("url");
            assertEquals(401, management.get("/operator/clinics", wrong).status());
            // ListAppender appends under the appender's lock (AppenderBase.doAppend is synchronized)
            app.hearth.gateway.testing.Eventually.within(java.time.Duration.ofSeconds(5), "the refusal's line", () -> {
                synchronized (capture) {
                    assertTrue(capture.list.stream().anyMatch(e -> e.getFormattedMessage().contains("Operator request refused")));
                }
            });
        } finally {
            root.detachAppender(capture);
        }
        String secret = url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
        List<ch.qos.logback.classic.spi.ILoggingEvent> events;
        synchronized (capture) {
            events = List.copyOf(capture.list);
        }
        assertTrue(events.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Operator created clinic")));
        for (ch.qos.logback.classic.spi.ILoggingEvent event : events) {
            String line = event.getFormattedMessage() + " " + event.getMDCPropertyMap();
            for (String forbidden : List.of(TOKEN, wrong, secret, email)) {
                assertFalse(line.contains(forbidden), "logged: " + line);
            }
        }
    }

    /** One in-process run of the jar's operator command, with what it printed. */
    record Run(int code, String out, String err) {
        static Run of(Settings env, String... args) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = OperatorCommand.run(args, env, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            return new Run(code, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
