package app.hearth.gateway.api;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.Jwts;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Sign-in, set-password links, refresh rotation, sign-out, login limits and the audit log.
 *
 * <p>This class has a node of its own whose per-address sign-in limit is raised (every test signs
 * in from 127.0.0.1), so the per-account limit is what {@link #accountRateLimit()} meets; the
 * per-address limit and link expiry get small nodes of their own.
 */
@DisplayName("Accounts: sign-in, set-password links, refresh rotation, sign-out, limits, audit")
class AccountFlowTest {

    static TestNode node;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** An invited patient of demo-therapist-1. */
    record Invited(String personId, String ticket) {
    }

    static String ticketOf(String url) {
        int at = url.indexOf("#/set-password/");
        assertTrue(at >= 0, url);
        return url.substring(at + "#/set-password/".length());
    }

    static Invited invite(ApiClient client, String adminToken, String email) {
        ApiClient.Reply created = client.postJson("/api/people", adminToken, new JsonObject().put("role", "patient")
                .put("displayName", "Flow " + email).put("email", email).put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        assertEquals("invited", created.json().getJsonObject("person").getString("status"));
        return new Invited(created.json().getJsonObject("person").getString("id"),
                ticketOf(created.json().getJsonObject("setPasswordLink").getString("url")));
    }

    static Invited invite(String email) {
        return invite(api, admin, email);
    }

    static ApiClient.Reply setPassword(ApiClient client, String ticket, String password) {
        return client.postJson("/api/auth/set-password", null, new JsonObject().put("ticket", ticket).put("password", password));
    }

    static ApiClient.Reply setPassword(String ticket, String password) {
        return setPassword(api, ticket, password);
    }

    static ApiClient.Reply login(ApiClient client, String email, String password) {
        return client.postJson("/api/auth/login", null, new JsonObject().put("email", email).put("password", password));
    }

    static ApiClient.Reply login(String email, String password) {
        return login(api, email, password);
    }

    static ApiClient.Reply refresh(String token) {
        return api.postJson("/api/auth/refresh", null, new JsonObject().put("refreshToken", token));
    }

    static ApiClient.Reply logout(String token) {
        return api.postJson("/api/auth/logout", null, new JsonObject().put("refreshToken", token));
    }

    static JsonObject auditPage(String query) {
        ApiClient.Reply reply = api.get("/api/audit?" + query, admin);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    @DisplayName("sign-in returns a TokenPair: an ES256 access token with sub/clinic/role/aud/iss/exp, a refresh token, the person")
    void signInReturnsTokenPair() {
        // when the therapist signs in (the address is matched without regard to case)
        ApiClient.Reply reply = login("Therapist@Demo.Hearth", "hearth-demo");

        // then the answer has the TokenPair shape
        assertEquals(200, reply.status(), reply.body());
        assertEquals("application/json", reply.header("Content-Type"));
        assertEquals("no-store", reply.header("Cache-Control"));
        JsonObject pair = reply.json();
        assertEquals(Set.of("accessToken", "tokenType", "expiresIn", "refreshToken", "person"), pair.fieldNames());
        assertEquals("Bearer", pair.getString("tokenType"));
        assertEquals(900, pair.getInteger("expiresIn"));
        assertTrue(pair.getString("refreshToken").length() >= 16);
        JsonObject person = pair.getJsonObject("person");
        assertEquals("demo-therapist-1", person.getString("id"));
        assertEquals("therapist", person.getString("role"));
        assertFalse(person.containsKey("passwordHash"));
        // and the access token is an ES256 JWT with identifiers only
        String[] parts = pair.getString("accessToken").split("\\.");
        assertEquals(3, parts.length);
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        assertEquals("ES256", header.getString("alg"));
        JsonObject claims = Jwts.claimsOf(pair.getString("accessToken"));
        assertEquals("demo-therapist-1", claims.getString("sub"));
        assertEquals("demo", claims.getString("clinic"));
        assertEquals("therapist", claims.getString("role"));
        assertEquals("hearth-api", claims.getValue("aud") instanceof JsonArray a ? a.getString(0) : claims.getString("aud"));
        assertFalse(claims.getString("iss").isBlank());
        assertEquals(900, claims.getLong("exp") - claims.getLong("iat"));
        assertFalse(claims.encode().contains("therapist@demo.hearth"), "no contact data in tokens");
        assertEquals(200, api.get("/api/me", pair.getString("accessToken")).status());
    }

    @Test
    @DisplayName("a wrong password and an unknown email get the same 401 bad-credentials")
    void badCredentials() {
        ApiClient.Reply wrong = login("therapist2@demo.hearth", "not the password");
        ApiClient.Reply unknown = login("nobody@demo.hearth", "not the password");

        assertProblem(wrong, 401, "bad-credentials");
        assertProblem(unknown, 401, "bad-credentials");
        assertEquals(wrong.body(), unknown.body(), "no hint whether the account exists");
    }

    @Test
    @DisplayName("set-password flow: admin adds a patient → the link's ticket → set-password 204 → sign-in works → /api/me shows them")
    void setPasswordFlow() {
        // given a patient the admin just added, who has no password yet
        Invited invited = invite("flow1@example.org");
        assertProblem(login("flow1@example.org", "anything at all"), 401, "bad-credentials");

        // when they set a password with the ticket from their link
        ApiClient.Reply set = setPassword(invited.ticket(), "long enough passphrase");

        // then it is set, they can sign in, and /api/me shows them as an active patient
        assertEquals(204, set.status(), set.body());
        JsonObject pair = api.login("flow1@example.org", "long enough passphrase");
        JsonObject me = api.get("/api/me", pair.getString("accessToken")).json();
        assertEquals(invited.personId(), me.getString("id"));
        assertEquals("patient", me.getString("role"));
        assertEquals("flow1@example.org", me.getString("email"));
        assertEquals("demo-therapist-1", me.getString("therapistId"));
        assertEquals("active", me.getString("status"));
    }

    @Test
    @DisplayName("a used link → 410 set-password-link-used; a made-up one → 410 set-password-link-invalid")
    void usedAndUnknownLinks() {
        // given a link that has been used
        Invited invited = invite("flow-used@example.org");
        assertEquals(204, setPassword(invited.ticket(), "long enough passphrase").status());

        // when it is used again
        ApiClient.Reply reuse = setPassword(invited.ticket(), "another passphrase here");

        // then it is gone, and the first password still holds
        assertProblem(reuse, 410, "set-password-link-used", "ticket");
        assertProblem(login("flow-used@example.org", "another passphrase here"), 401, "bad-credentials");
        assertEquals(200, login("flow-used@example.org", "long enough passphrase").status());
        assertProblem(setPassword("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "another passphrase here"),
                410, "set-password-link-invalid", "ticket");
    }

    @Test
    @DisplayName("a password of 5 characters → 400, a blank one → 400 weak-password; the link still works afterwards")
    void weakPasswordsLeaveTheLinkUsable() {
        Invited invited = invite("flow-weak@example.org");

        // the contract's minLength (12) answers first for a short password
        assertProblem(setPassword(invited.ticket(), "abcde"), 400, "invalid-request", "password");
        // twelve spaces pass the schema but not the password rules
        assertProblem(setPassword(invited.ticket(), " ".repeat(12)), 400, "weak-password", "password");

        // then the ticket was not spent by the rejected attempts
        assertEquals(204, setPassword(invited.ticket(), "twelve chars").status());
    }

    @Test
    @DisplayName("issuing a new link makes the older unused one stop working (410); a new password signs the person out everywhere")
    void newLinkRetiresOld() {
        // given a patient with an unused link, and a second link issued for them
        Invited invited = invite("flow2@example.org");
        ApiClient.Reply again = api.post("/api/people/" + invited.personId() + "/set-password-link", admin, null, "");
        assertEquals(201, again.status(), again.body());
        String fresh = ticketOf(again.json().getString("url"));
        assertNotEquals(invited.ticket(), fresh);

        // then the first link no longer works, the second does
        assertEquals(410, setPassword(invited.ticket(), "long enough passphrase").status());
        assertEquals(204, setPassword(fresh, "long enough passphrase").status());

        // and when the password is changed again through a third link, earlier sessions end
        String refreshToken = api.login("flow2@example.org", "long enough passphrase").getString("refreshToken");
        String third = ticketOf(api.post("/api/people/" + invited.personId() + "/set-password-link", admin, null, "")
                .json().getString("url"));
        assertEquals(204, setPassword(third, "a changed passphrase!").status());
        assertProblem(refresh(refreshToken), 401, "refresh-token-invalid");
    }

    @Test
    @DisplayName("a link used after it expired → 410 set-password-link-expired")
    void expiredLink() {
        // given a node whose links live one millisecond
        try (TestNode shortLived = TestNode.start(Map.of("HEARTH_SET_PASSWORD_TTL", "PT0.001S"))) {
            ApiClient client = new ApiClient(shortLived.baseUrl());
            Invited invited = invite(client, client.accessToken("admin@demo.hearth", "hearth-demo"), "late@example.org");

            // when the link is used (the hashing alone takes longer than its life)
            ApiClient.Reply late = setPassword(client, invited.ticket(), "long enough passphrase");

            // then it has expired, and no password was set
            assertProblem(late, 410, "set-password-link-expired", "ticket");
            assertProblem(login(client, "late@example.org", "long enough passphrase"), 401, "bad-credentials");
        }
    }

    @Test
    @DisplayName("refresh rotates: each refresh token works once; re-presenting a spent one revokes the newer ones too")
    void refreshRotation() {
        // given a session
        JsonObject first = api.login("patient2@demo.hearth", "hearth-demo");

        // when it is refreshed, the new pair works and carries a new refresh token
        ApiClient.Reply second = refresh(first.getString("refreshToken"));
        assertEquals(200, second.status(), second.body());
        assertEquals(Set.of("accessToken", "tokenType", "expiresIn", "refreshToken", "person"), second.json().fieldNames());
        String secondToken = second.json().getString("refreshToken");
        assertNotEquals(first.getString("refreshToken"), secondToken);
        assertEquals("demo-patient-2", api.get("/api/me", second.json().getString("accessToken")).json().getString("id"));

        // and the new refresh token works once
        ApiClient.Reply third = refresh(secondToken);
        assertEquals(200, third.status(), third.body());
        String thirdToken = third.json().getString("refreshToken");
        assertProblem(refresh(secondToken), 401, "refresh-token-invalid");

        // then re-presenting a spent token revoked the whole family, the newest token included
        assertProblem(refresh(first.getString("refreshToken")), 401, "refresh-token-invalid");
        assertProblem(refresh(thirdToken), 401, "refresh-token-invalid");
        assertProblem(refresh("made-up-refresh-token-value"), 401, "refresh-token-invalid");
    }

    @Test
    @DisplayName("sign-out revokes the refresh token, the ones rotated from it, and the session's access tokens at once")
    void logoutRevokes() {
        // given a session that was refreshed once
        JsonObject pair = api.login("patient3@demo.hearth", "hearth-demo");
        JsonObject rotatedPair = refresh(pair.getString("refreshToken")).json();
        String rotated = rotatedPair.getString("refreshToken");
        assertEquals(200, api.get("/api/me", rotatedPair.getString("accessToken")).status());

        // when the person signs out with the current refresh token
        ApiClient.Reply out = logout(rotated);

        // then it no longer refreshes, and the session's access tokens are refused (this node is not
        // clustered: its own memory holds the revocation)
        assertEquals(204, out.status(), out.body());
        assertProblem(refresh(rotated), 401, "refresh-token-invalid");
        assertProblem(api.get("/api/me", rotatedPair.getString("accessToken")), 401, "unauthenticated");
        assertProblem(api.get("/api/me", pair.getString("accessToken")), 401, "unauthenticated");
        // and signing out with a token the server never issued is harmless
        assertEquals(204, logout("made-up-refresh-token-value").status());
    }

    @Test
    @DisplayName("five wrong passwords for one account from one client → that client's sixth attempt, even with the right password, gets 429 with Retry-After")
    void accountRateLimit() {
        // given a patient of our own with a password (so the demo accounts stay usable)
        Invited invited = invite("locked@example.org");
        assertEquals(204, setPassword(invited.ticket(), "the right passphrase").status());

        // when five wrong passwords are tried
        for (int i = 0; i < 5; i++) {
            assertProblem(login("locked@example.org", "wrong password " + i), 401, "bad-credentials");
        }
        ApiClient.Reply blocked = login("LOCKED@example.org", "the right passphrase");

        // then the right password is refused for now from this client (it has been failing; other
        // clients are not: SignInThrottleTest), with a numeric Retry-After within the window
        assertProblem(blocked, 429, "too-many-attempts");
        long retryAfter = Long.parseLong(blocked.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 15 * 60 + 1, "Retry-After " + retryAfter);
        // and other accounts are not affected
        assertEquals(200, login("patient4@demo.hearth", "hearth-demo").status());
    }

    @Test
    @DisplayName("too many sign-ins from one address → 429 for any account")
    void addressRateLimit() {
        // given a node that allows three sign-in attempts per address and window
        try (TestNode strict = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "3"))) {
            ApiClient client = new ApiClient(strict.baseUrl());
            assertEquals(200, login(client, "admin@demo.hearth", "hearth-demo").status());
            assertEquals(401, login(client, "therapist@demo.hearth", "wrong password").status());
            assertEquals(200, login(client, "therapist2@demo.hearth", "hearth-demo").status());

            // when a fourth account signs in from the same address
            ApiClient.Reply fourth = login(client, "patient1@demo.hearth", "hearth-demo");

            // then it has to wait
            assertProblem(fourth, 429, "too-many-attempts");
            assertTrue(Long.parseLong(fourth.header("Retry-After")) >= 1);
        }
    }

    @Test
    @DisplayName("the audit log records person.create, auth.login and person.read, and filters by action and resourceId")
    void auditLogRecordsAndFilters() {
        // given a new patient, a failed sign-in for them, and their therapist reading their record
        Invited invited = invite("audited@example.org");
        assertEquals(401, login("audited@example.org", "no password yet!").status());
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        assertEquals(200, api.get("/api/people/" + invited.personId(), therapist).status());

        // then the read is recorded with who, what, where from
        JsonArray reads = auditPage("action=person.read&resourceId=" + invited.personId()).getJsonArray("items");
        assertEquals(1, reads.size(), reads.encode());
        JsonObject read = reads.getJsonObject(0);
        assertEquals("demo-therapist-1", read.getString("actorId"));
        assertEquals("therapist", read.getString("actorRole"));
        assertEquals("demo", read.getString("clinicId"));
        assertEquals("person", read.getString("resourceType"));
        assertEquals("success", read.getString("outcome"));
        assertEquals("127.0.0.1", read.getString("sourceAddress"));
        // and so are the creation and the sign-ins, failed and successful
        JsonArray creations = auditPage("action=person.create&resourceId=" + invited.personId()).getJsonArray("items");
        assertEquals(1, creations.size(), creations.encode());
        assertEquals("demo-admin", creations.getJsonObject(0).getString("actorId"));
        JsonArray denied = auditPage("action=auth.login&resourceId=" + invited.personId()).getJsonArray("items");
        assertEquals(1, denied.size(), denied.encode());
        assertEquals("denied", denied.getJsonObject(0).getString("outcome"));
        JsonArray logins = auditPage("action=auth.login&actorId=demo-therapist-1").getJsonArray("items");
        assertFalse(logins.isEmpty());
        // and each filter returns only matching entries
        for (Object o : auditPage("action=auth.login&limit=200").getJsonArray("items")) {
            assertEquals("auth.login", ((JsonObject) o).getString("action"));
        }
        for (Object o : auditPage("resourceId=" + invited.personId()).getJsonArray("items")) {
            assertEquals(invited.personId(), ((JsonObject) o).getString("resourceId"));
        }
    }

    @Test
    @DisplayName("audit paging with limit=2 and before=<nextBefore> walks to older entries without overlap or gaps")
    void auditPaging() {
        // given some activity, and the whole log in one page for comparison
        invite("paged1@example.org");
        invite("paged2@example.org");
        JsonObject whole = auditPage("limit=200");
        assertNull(whole.getString("nextBefore"), "the log of this node fits one page of 200");
        List<String> expected = whole.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList();
        assertTrue(expected.size() > 4, "enough entries to page through: " + expected.size());

        // when it is read two entries at a time
        List<String> walked = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Instant previous = Instant.MAX;
        String before = null;
        for (int pages = 0; pages < 200; pages++) {
            JsonObject page = auditPage("limit=2" + (before == null ? "" : "&before=" + before));
            JsonArray items = page.getJsonArray("items");
            assertTrue(items.size() <= 2);
            for (Object o : items) {
                JsonObject entry = (JsonObject) o;
                assertTrue(seen.add(entry.getString("id")), "pages do not overlap: " + entry.encode());
                Instant at = Instant.parse(entry.getString("at"));
                assertFalse(at.isAfter(previous), "newest first");
                previous = at;
                walked.add(entry.getString("id"));
            }
            before = page.getString("nextBefore");
            if (before == null) {
                break;
            }
        }

        // then the pages together are the whole log, in the same order
        assertEquals(expected, walked);
    }
}
