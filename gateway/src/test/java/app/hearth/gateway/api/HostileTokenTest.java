package app.hearth.gateway.api;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Jwts;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Forged, tampered and malformed access tokens. Every forgery starts from claims that would be
 * accepted (proved by {@link #selfMintedWithRealKeyWorks()}) and differs in one thing only, so a
 * 401 is caused by that one thing.
 */
@DisplayName("Hostile access tokens get 401, valid tokens of the wrong role get 403")
class HostileTokenTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    static TestNode node;
    static ApiClient api;
    /** Claims of a token the node itself issued: the real issuer and audience come from here. */
    static JsonObject realClaims;
    static String realPatientToken;
    static PrivateKey nodeKey;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        realClaims = Jwts.claimsOf(api.accessToken("admin@demo.hearth", "hearth-demo"));
        realPatientToken = api.accessToken("patient1@demo.hearth", "hearth-demo");
        nodeKey = Jwts.nodeKey(node.dataDirectory());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Claims like the server's own for the demo admin, valid for five more minutes. */
    static JsonObject claims() {
        long now = Instant.now().getEpochSecond();
        return new JsonObject().put("sub", "demo-admin").put("clinic", "demo").put("role", "admin")
                .put("iss", realClaims.getString("iss")).put("aud", realClaims.getValue("aud"))
                .put("iat", now).put("exp", now + 300).put("sid", "a-session-of-the-test");
    }

    static JsonObject without(JsonObject claims, String name) {
        claims.remove(name);
        return claims;
    }

    /** An admin-only read: a forged admin token that got through would answer 200 here. */
    static void assertRefused(String token, String why) {
        ApiClient.Reply reply = api.get("/api/audit?limit=1", token);
        assertEquals(401, reply.status(), why + ": " + reply.body());
        assertProblem(reply, 401, "unauthenticated");
        assertEquals("Bearer", reply.header("WWW-Authenticate"), why);
    }

    static ApiClient.Reply withAuthorization(String value) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/me")).header("Authorization", value).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new ApiClient.Reply(response.statusCode(), response.body(), response);
    }

    @Test
    @DisplayName("a token the test signs with the node's own key is accepted (proves the forgeries below differ in one thing each)")
    void selfMintedWithRealKeyWorks() throws Exception {
        // given admin claims signed ES256 with the node's private key from its data directory
        String token = Jwts.es256(claims(), nodeKey);

        // when it is used on an admin-only endpoint
        ApiClient.Reply reply = api.get("/api/audit?limit=1", token);

        // then it is accepted
        assertEquals(200, reply.status(), reply.body());
    }

    @Test
    @DisplayName("no token, another scheme, garbage, or a token with too few or too many parts → 401")
    void missingOrGarbage() throws Exception {
        assertRefused(null, "no Authorization header");
        assertRefused("not-a-jwt", "garbage");
        assertRefused("a.b.c", "three garbage parts");
        assertRefused("eyJhbGciOiJFUzI1NiJ9.e30", "two parts");
        assertRefused(Jwts.es256(claims(), nodeKey) + ".extra", "four parts");
        assertRefused("x".repeat(5000), "an oversized token");

        ApiClient.Reply basic = withAuthorization("Basic YWRtaW5AZGVtby5oZWFydGg6aGVhcnRoLWRlbW8=");
        assertProblem(basic, 401, "unauthenticated");
        assertEquals("Bearer", basic.header("WWW-Authenticate"));
        assertProblem(withAuthorization("Bearer "), 401, "unauthenticated");
    }

    @Test
    @DisplayName("alg none (in any spelling, with or without a signature part) → 401")
    void algNone() {
        assertRefused(Jwts.none(claims()), "alg none");
        assertRefused(Jwts.unsigned(new JsonObject().put("alg", "None").put("typ", "JWT"), claims()) + ".", "alg None");
        assertRefused(Jwts.unsigned(new JsonObject().put("alg", "NONE").put("typ", "JWT"), claims()) + ".", "alg NONE");
        String realSignature = realPatientToken.split("\\.")[2];
        assertRefused(Jwts.unsigned(new JsonObject().put("alg", "none"), claims()) + "." + realSignature,
                "alg none carrying some other token's signature");
    }

    @Test
    @DisplayName("signed by another EC P-256 key → 401")
    void otherKey() throws Exception {
        // given a key pair the server has never seen, made with the JDK's KeyPairGenerator
        PrivateKey stranger = Jwts.strangerKey();

        // then a correct ES256 signature with it does not count
        assertRefused(Jwts.es256(claims(), stranger), "stranger's key");
    }

    @Test
    @DisplayName("HS256 with the server's public key PEM as the HMAC secret (algorithm confusion) → 401")
    void algorithmConfusion() throws Exception {
        byte[] publicPem = Files.readString(node.dataDirectory().resolve("keys/jwt-public.pem")).getBytes(StandardCharsets.UTF_8);
        assertRefused(Jwts.hs256(claims(), publicPem), "HS256 with the public key PEM");
        assertRefused(Jwts.hs256(claims(), Files.readString(node.dataDirectory().resolve("keys/jwt-public.pem")).strip()
                .getBytes(StandardCharsets.UTF_8)), "HS256 with the trimmed public key PEM");
    }

    @Test
    @DisplayName("a real token with its payload altered (patient → admin) or its signature stripped or zeroed → 401")
    void tampered() {
        // given a token the server issued to a patient
        String[] parts = realPatientToken.split("\\.");
        JsonObject elevated = Jwts.claimsOf(realPatientToken).put("role", "admin");
        String elevatedPayload = B64.encodeToString(elevated.encode().getBytes(StandardCharsets.UTF_8));

        // then changing its role but keeping its signature is refused
        assertRefused(parts[0] + "." + elevatedPayload + "." + parts[2], "payload altered");
        // and so is the original payload without a signature, or with r = s = 0 ("psychic signatures")
        assertRefused(parts[0] + "." + parts[1] + ".", "signature stripped");
        assertRefused(parts[0] + "." + parts[1] + "." + B64.encodeToString(new byte[64]), "all-zero ES256 signature");
    }

    @Test
    @DisplayName("signed with the node's own key but with the ES256 signature in DER form instead of JOSE's 64 bytes → 401")
    void derSignature() throws Exception {
        // given valid claims signed by the node's key, the signature encoded as DER (what the JDK's
        // SHA256withECDSA gives); the same claims in JOSE form are accepted (selfMintedWithRealKeyWorks)
        String der = Jwts.es256Der(claims(), nodeKey);
        assertEquals(true, Base64.getUrlDecoder().decode(der.substring(der.lastIndexOf('.') + 1)).length != 64);

        // then it is refused
        assertRefused(der, "DER-encoded ES256 signature");
        // and so is a JOSE signature padded or cut by a byte
        String jose = Jwts.es256(claims(), nodeKey);
        byte[] signature = Base64.getUrlDecoder().decode(jose.substring(jose.lastIndexOf('.') + 1));
        String input = jose.substring(0, jose.lastIndexOf('.'));
        assertRefused(input + "." + B64.encodeToString(java.util.Arrays.copyOf(signature, 65)), "65-byte signature");
        assertRefused(input + "." + B64.encodeToString(java.util.Arrays.copyOf(signature, 63)), "63-byte signature");
    }

    @Test
    @DisplayName("signed with the real key but expired, without exp, for another audience or issuer, or not yet valid → 401")
    void badClaims() throws Exception {
        long now = Instant.now().getEpochSecond();
        assertRefused(Jwts.es256(claims().put("iat", now - 1200).put("exp", now - 600), nodeKey), "expired 10 minutes ago");
        assertRefused(Jwts.es256(without(claims(), "exp"), nodeKey), "no exp");
        assertRefused(Jwts.es256(claims().put("aud", "someone-else"), nodeKey), "wrong audience");
        assertRefused(Jwts.es256(without(claims(), "aud"), nodeKey), "no audience");
        assertRefused(Jwts.es256(claims().put("iss", "https://evil.example"), nodeKey), "wrong issuer");
        assertRefused(Jwts.es256(without(claims(), "iss"), nodeKey), "no issuer");
        assertRefused(Jwts.es256(claims().put("nbf", now + 600), nodeKey), "not valid before ten minutes from now");
        assertRefused(Jwts.es256(claims().put("iat", now + 600), nodeKey), "issued in the future");
        assertRefused(Jwts.es256(claims().put("role", "superuser"), nodeKey), "unknown role");
        assertRefused(Jwts.es256(without(claims(), "clinic"), nodeKey), "no clinic");
        assertRefused(Jwts.es256(without(claims(), "sub"), nodeKey), "no subject");
        assertRefused(Jwts.es256(without(claims(), "sid"), nodeKey), "no session id");
        assertRefused(Jwts.es256(claims().put("sid", 42), nodeKey), "session id not a string");
        assertRefused(Jwts.es256(without(claims(), "iat"), nodeKey), "no iat");
    }

    @Test
    @DisplayName("a validly signed token whose time or audience claims have the wrong JSON type → 401, not 500")
    void badlyTypedClaims() throws Exception {
        long now = Instant.now().getEpochSecond();
        assertRefused(Jwts.es256(claims().put("exp", Long.toString(now + 300)), nodeKey), "exp as a string");
        assertRefused(Jwts.es256(claims().put("iat", Long.toString(now)), nodeKey), "iat as a string");
        assertRefused(Jwts.es256(claims().put("aud", 42), nodeKey), "aud as a number");
    }

    @Test
    @DisplayName("a refresh token presented as an access token → 401")
    void refreshTokenIsNoAccessToken() {
        String refreshToken = api.login("patient2@demo.hearth", "hearth-demo").getString("refreshToken");
        assertRefused(refreshToken, "refresh token as bearer");
    }

    @Test
    @DisplayName("a valid token of the wrong role → 403 problem: patients may not add people or read the audit log, therapists may not read it")
    void wrongRole() {
        // given real tokens of a patient and a therapist
        String patient = realPatientToken;
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");

        // when they try admin operations, then each is refused with a problem
        assertProblem(api.postJson("/api/people", patient, new JsonObject()
                .put("role", "patient").put("displayName", "X").put("email", "x@example.org")), 403, "role-not-allowed");
        assertProblem(api.get("/api/audit", patient), 403, "forbidden");
        assertProblem(api.get("/api/audit", therapist), 403, "forbidden");
        assertProblem(api.get("/api/people", patient), 403, "role-not-allowed");
        assertProblem(api.post("/api/people/demo-patient-1/set-password-link", therapist, null, ""), 403, "role-not-allowed");
        // and a self-minted patient token (real key) is held to the same rules: the role claim is what counts
        long now = Instant.now().getEpochSecond();
        String minted;
        try {
            minted = Jwts.es256(claims().put("sub", "demo-patient-1").put("role", "patient").put("iat", now), nodeKey);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertProblem(api.get("/api/audit", minted), 403, "forbidden");
    }
}
