package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Accounts: sign-in, set-password links, refresh rotation, sign-out, limits, audit")
class AccountFlowTest extends DemoNodeTest {


    /** Adds a patient and returns {personId, ticket}. */
    static String[] invite(String email) {
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Flow " + email).put("email", email).put("therapistId", "demo-therapist-1"));
        assertEquals(201, created.status(), created.body());
        String url = created.json().getJsonObject("setPasswordLink").getString("url");
        assertTrue(url.startsWith(node.baseUrl() + "/#/set-password/"), url);
        return new String[] {created.json().getJsonObject("person").getString("id"), url.substring(url.lastIndexOf('/') + 1)};
    }

    static ApiClient.Reply setPassword(String ticket, String password) {
        return api.postJson("/api/auth/set-password", null, new JsonObject().put("ticket", ticket).put("password", password));
    }

    static ApiClient.Reply refresh(String token) {
        return api.postJson("/api/auth/refresh", null, new JsonObject().put("refreshToken", token));
    }

    @Test
    @DisplayName("sign-in returns a token pair; wrong password and unknown email get the same 401")
    void signIn() {
        JsonObject pair = api.login("therapist@demo.hearth", "hearth-demo");
        assertEquals("Bearer", pair.getString("tokenType"));
        assertEquals(900, pair.getInteger("expiresIn"));
        assertEquals("demo-therapist-1", pair.getJsonObject("person").getString("id"));
        assertFalse(pair.getJsonObject("person").containsKey("passwordHash"));
        ApiClient.Reply wrong = api.postJson("/api/auth/login", null, new JsonObject().put("email", "therapist2@demo.hearth").put("password", "nope"));
        ApiClient.Reply unknown = api.postJson("/api/auth/login", null, new JsonObject().put("email", "nobody@demo.hearth").put("password", "nope"));
        assertEquals(401, wrong.status());
        assertEquals("bad-credentials", wrong.problemType());
        assertEquals(wrong.body(), unknown.body(), "no hint whether the account exists");
    }

    @Test
    @DisplayName("an invited patient cannot sign in until they set a password through their single-use link")
    void setPasswordFlow() {
        String[] invited = invite("flow1@example.org");
        assertEquals(401, api.postJson("/api/auth/login", null, new JsonObject().put("email", "flow1@example.org").put("password", "anything at all")).status());
        ApiClient.Reply weak = setPassword(invited[1], "short");
        assertEquals(400, weak.status());
        assertEquals(204, setPassword(invited[1], "long enough passphrase").status());
        JsonObject pair = api.login("flow1@example.org", "long enough passphrase");
        JsonObject me = api.get("/api/me", pair.getString("accessToken")).json();
        assertEquals(invited[0], me.getString("id"));
        assertEquals("active", me.getString("status"));
        ApiClient.Reply reuse = setPassword(invited[1], "another passphrase here");
        assertEquals(410, reuse.status());
        assertEquals("set-password-link-used", reuse.problemType());
        ApiClient.Reply forged = setPassword("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "another passphrase here");
        assertEquals(410, forged.status());
        assertEquals("set-password-link-invalid", forged.problemType());
        assertEquals(204, api.postJson("/api/auth/logout", null, new JsonObject().put("refreshToken", pair.getString("refreshToken"))).status());
    }

    @Test
    @DisplayName("a new link retires the older unused one; setting a password signs the person out everywhere")
    void newLinkRetiresOld() {
        String[] invited = invite("flow2@example.org");
        ApiClient.Reply again = api.post("/api/people/" + invited[0] + "/set-password-link", admin, null, "");
        assertEquals(201, again.status(), again.body());
        String fresh = again.json().getString("url").substring(again.json().getString("url").lastIndexOf('/') + 1);
        assertEquals(410, setPassword(invited[1], "long enough passphrase").status());
        assertEquals(204, setPassword(fresh, "long enough passphrase").status());
        JsonObject pair = api.login("flow2@example.org", "long enough passphrase");

        String third = api.post("/api/people/" + invited[0] + "/set-password-link", admin, null, "").json().getString("url");
        assertEquals(204, setPassword(third.substring(third.lastIndexOf('/') + 1), "a changed passphrase!").status());
        assertEquals(401, refresh(pair.getString("refreshToken")).status(), "old sessions end when the password changes");
    }

    @Test
    @DisplayName("refresh rotates; re-presenting a spent refresh token revokes its whole family; sign-out revokes")
    void refreshRotation() {
        JsonObject first = api.login("patient2@demo.hearth", "hearth-demo");
        ApiClient.Reply second = refresh(first.getString("refreshToken"));
        assertEquals(200, second.status(), second.body());
        String secondToken = second.json().getString("refreshToken");
        assertNotEquals(first.getString("refreshToken"), secondToken);
        assertEquals(200, api.get("/api/me", second.json().getString("accessToken")).status());

        ApiClient.Reply replay = refresh(first.getString("refreshToken"));
        assertEquals(401, replay.status());
        assertEquals("refresh-token-invalid", replay.problemType());
        assertEquals(401, refresh(secondToken).status(), "reuse of a spent token revoked the newer one too");

        JsonObject other = api.login("patient2@demo.hearth", "hearth-demo");
        assertEquals(204, api.postJson("/api/auth/logout", null, new JsonObject().put("refreshToken", other.getString("refreshToken"))).status());
        assertEquals(401, refresh(other.getString("refreshToken")).status());
    }

    @Test
    @DisplayName("five wrong passwords lock the account for a while: 429 with Retry-After, even with the right password")
    void accountRateLimit() {
        invite("locked@example.org");
        JsonObject wrong = new JsonObject().put("email", "locked@example.org").put("password", "wrong password!!");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, api.postJson("/api/auth/login", null, wrong).status());
        }
        ApiClient.Reply blocked = api.postJson("/api/auth/login", null, wrong);
        assertEquals(429, blocked.status(), blocked.body());
        assertEquals("too-many-attempts", blocked.problemType());
        assertTrue(Long.parseLong(blocked.header("Retry-After")) > 0);
        assertEquals(200, api.postJson("/api/auth/login", null, new JsonObject().put("email", "patient3@demo.hearth")
                .put("password", "hearth-demo")).status(), "other accounts are not affected");
    }

    @Test
    @DisplayName("the audit log records creations, sign-ins and patient reads, filters by action and record, and pages without overlap")
    void auditLog() {
        String[] invited = invite("audited@example.org");
        String therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        assertEquals(200, api.get("/api/people/" + invited[0], therapist).status());

        JsonArray reads = api.get("/api/audit?action=person.read&resourceId=" + invited[0], admin).json().getJsonArray("items");
        assertEquals(1, reads.size(), reads.encode());
        JsonObject read = reads.getJsonObject(0);
        assertEquals("demo-therapist-1", read.getString("actorId"));
        assertEquals("therapist", read.getString("actorRole"));
        assertEquals("demo", read.getString("clinicId"));
        assertEquals("127.0.0.1", read.getString("sourceAddress"));
        assertEquals(1, api.get("/api/audit?action=person.create&resourceId=" + invited[0], admin).json().getJsonArray("items").size());
        assertFalse(api.get("/api/audit?action=auth.login&actorId=demo-therapist-1", admin).json().getJsonArray("items").isEmpty());

        Set<String> seen = new HashSet<>();
        String before = null;
        int pages = 0;
        do {
            JsonObject page = api.get("/api/audit?limit=2" + (before == null ? "" : "&before=" + before), admin).json();
            for (Object item : page.getJsonArray("items")) {
                assertTrue(seen.add(((JsonObject) item).getString("id")), "pages do not overlap");
            }
            before = page.getString("nextBefore");
            pages++;
        } while (before != null && pages < 3);
        assertEquals(6, seen.size());
    }
}
