package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The client address in the audit log")
class ForwardedAddressTest {

    static String loginAndReadAuditedAddress(TestNode node) throws Exception {
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/auth/login"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "203.0.113.7")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", "admin@demo.hearth")
                        .put("password", "hearth-demo").encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        String token = new JsonObject(login.body()).getString("accessToken");
        return new ApiClient(node.baseUrl()).get("/api/audit?action=auth.login&limit=1", token).json()
                .getJsonArray("items").getJsonObject(0).getString("sourceAddress");
    }

    @Test
    @DisplayName("by default X-Forwarded-For is ignored: a client cannot choose its address")
    void ignoredByDefault() throws Exception {
        try (TestNode node = TestNode.start()) {
            assertEquals("127.0.0.1", loginAndReadAuditedAddress(node));
        }
    }

    @Test
    @DisplayName("behind a trusted proxy (HEARTH_TRUST_FORWARDED=true) the forwarded client address is recorded")
    void trustedBehindProxy() throws Exception {
        try (TestNode node = TestNode.start(Map.of("HEARTH_TRUST_FORWARDED", "true"))) {
            assertEquals("203.0.113.7", loginAndReadAuditedAddress(node));
        }
    }
}
