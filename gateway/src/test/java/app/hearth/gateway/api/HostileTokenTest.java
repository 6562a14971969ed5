package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Jwts;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Hostile access tokens")
class HostileTokenTest {

    static TestNode node;
    static ApiClient api;
    static JsonObject realClaims;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        realClaims = Jwts.claimsOf(api.accessToken("admin@demo.hearth", "hearth-demo"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Claims like the server's own, valid for five more minutes. */
    static JsonObject claims() {
        long now = Instant.now().getEpochSecond();
        return new JsonObject().put("sub", "demo-admin").put("clinic", "demo").put("role", "admin")
                .put("iss", realClaims.getString("iss")).put("aud", realClaims.getValue("aud"))
                .put("iat", now).put("exp", now + 300);
    }

    static void assertRefused(String token, String why) {
        ApiClient.Reply reply = api.get("/api/people", token);
        assertEquals(401, reply.status(), why + ": " + reply.body());
        assertEquals("unauthenticated", reply.problemType(), why);
        assertEquals("application/problem+json", reply.header("Content-Type"), why);
        assertEquals("Bearer", reply.header("WWW-Authenticate"), why);
    }

    @Test
    @DisplayName("a token the test signs with the node's own key is accepted (the forgeries below differ in one thing each)")
    void selfMintedWithRealKeyWorks() throws Exception {
        assertEquals(200, api.get("/api/people", Jwts.es256(claims(), Jwts.nodeKey(node.dataDirectory()))).status());
    }

    @Test
    @DisplayName("no token, a malformed header or garbage → 401")
    void missingOrGarbage() {
        assertRefused(null, "no token");
        assertRefused("not-a-jwt", "garbage");
        assertRefused("a.b.c", "three garbage parts");
    }

    @Test
    @DisplayName("alg none → 401")
    void algNone() {
        assertRefused(Jwts.none(claims()), "alg none");
    }

    @Test
    @DisplayName("signed by another EC key → 401")
    void otherKey() throws Exception {
        assertRefused(Jwts.es256(claims(), Jwts.strangerKey()), "stranger's key");
    }

    @Test
    @DisplayName("HS256 with the server's public key as the secret (algorithm confusion) → 401")
    void algorithmConfusion() throws Exception {
        byte[] publicPem = Files.readString(node.dataDirectory().resolve("keys/jwt-public.pem")).getBytes(StandardCharsets.UTF_8);
        assertRefused(Jwts.hs256(claims(), publicPem), "HS256 with public key");
    }

    @Test
    @DisplayName("expired, without exp, wrong audience, wrong issuer → 401")
    void badClaims() throws Exception {
        var key = Jwts.nodeKey(node.dataDirectory());
        long now = Instant.now().getEpochSecond();
        assertRefused(Jwts.es256(claims().put("iat", now - 1200).put("exp", now - 600), key), "expired");
        JsonObject noExp = claims();
        noExp.remove("exp");
        assertRefused(Jwts.es256(noExp, key), "no exp");
        assertRefused(Jwts.es256(claims().put("aud", "someone-else"), key), "wrong audience");
        assertRefused(Jwts.es256(claims().put("iss", "https://evil.example"), key), "wrong issuer");
        assertRefused(Jwts.es256(claims().put("role", "superuser"), key), "unknown role");
        JsonObject noClinic = claims();
        noClinic.remove("clinic");
        assertRefused(Jwts.es256(noClinic, key), "no clinic");
    }

    @Test
    @DisplayName("a valid token of the wrong role → 403 with a problem")
    void wrongRole() {
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        ApiClient.Reply create = api.postJson("/api/people", patient, new JsonObject()
                .put("role", "patient").put("displayName", "X").put("email", "x@example.org"));
        assertEquals(403, create.status(), create.body());
        assertEquals("role-not-allowed", create.problemType());
        assertEquals(403, api.get("/api/audit", patient).status());
        assertEquals(403, api.get("/api/audit", therapist).status());
        assertEquals(403, api.get("/api/people", patient).status());
        assertEquals(403, api.post("/api/people/demo-patient-1/set-password-link", therapist, null, "").status());
    }
}
