package app.hearth.gateway.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The embedded default: without HEARTH_SMTP_HOST a development node sends to its in-process SMTP
 * server and the admin reads what was sent at GET /api/dev/mail; a production node starts no such
 * server and answers the page 404, signed in or not.
 */
@DisplayName("Email on the embedded default: the development mail page")
class MailDevPageTest {

    @Test
    @DisplayName("development: the invitation is sent to the embedded server and listed for admins only; production: 404 and no server")
    void devPageAndProduction() {
        Map<String, String> shared = Map.of("HEARTH_JWT_ISSUER", "https://hearth.test", "HEARTH_MAIL_POLL_INTERVAL", "PT0.2S");
        try (TestNode dev = TestNode.start(shared)) {
            assertTrue(dev.node().mailer().embeddedSmtpPort().isPresent(), "development starts the embedded SMTP server");
            ApiClient api = new ApiClient(dev.baseUrl());
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            String address = "dev.page." + System.nanoTime() + "@example.org";
            ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                    .put("displayName", "Dev Page Patient").put("email", address));
            assertEquals(201, created.status(), created.body());
            String link = created.json().getJsonObject("setPasswordLink").getString("url");

            Eventually.within(Duration.ofSeconds(20), "the invitation on the dev page", () -> {
                ApiClient.Reply page = api.get("/api/dev/mail", admin);
                assertEquals(200, page.status(), page.body());
                JsonArray items = page.json().getJsonArray("items");
                JsonObject mail = items.stream().map(JsonObject.class::cast).filter(m -> address.equals(m.getString("to")))
                        .findFirst().orElseThrow(() -> new AssertionError(items.encode()));
                assertEquals("invitation", mail.getString("kind"));
                assertTrue(mail.getString("text").contains(link));
                assertTrue(mail.getString("sentAt").startsWith("20"));
            });
            String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
            assertEquals(403, api.get("/api/dev/mail", therapist).status());
            assertEquals(401, api.get("/api/dev/mail", null).status());
            assertEquals(400, api.get("/api/dev/mail?limit=0", admin).status());

            Map<String, String> production = new HashMap<>(shared);
            production.putAll(dev.storeSettings());
            String keys = dev.dataDirectory().resolve("keys").toString();
            production.putAll(Map.of("HEARTH_MODE", "production", "HEARTH_DEMO_SEED", "false",
                    "HEARTH_PUBLIC_BASE_URL", "https://hearth.test",
                    "HEARTH_JWT_PRIVATE_KEY_FILE", keys + "/" + app.hearth.platform.security.SigningKeys.PRIVATE_FILE,
                    "HEARTH_JWT_PUBLIC_KEY_FILE", keys + "/" + app.hearth.platform.security.SigningKeys.PUBLIC_FILE,
                    "HEARTH_CARE_KEYSET_FILE", keys + "/" + app.hearth.platform.security.FieldCipher.FILE));
            try (TestNode prod = TestNode.start(production)) {
                assertTrue(prod.node().mailer().embeddedSmtpPort().isEmpty(), "production never starts the embedded SMTP server");
                ApiClient prodApi = new ApiClient(prod.baseUrl());
                ApiClient.Reply signedIn = prodApi.get("/api/dev/mail", admin);
                assertEquals(404, signedIn.status(), signedIn.body());
                assertEquals(404, prodApi.get("/api/dev/mail", null).status());
            }
        }
    }
}
