package app.hearth.gateway.api;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bad requests get clear problem+json errors and change nothing")
class RequestValidationTest extends DemoNodeTest {

    static JsonObject patient(String email) {
        return new JsonObject().put("role", "patient").put("displayName", "Val Idation").put("email", email);
    }

    /** Everyone in the demo clinic, as "id email" lines in a stable order. */
    static List<String> people() {
        ApiClient.Reply reply = api.get("/api/people", admin);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("id") + " " + ((JsonObject) o).getString("email")).sorted().toList();
    }

    /** Sends a create that must fail, checks the problem, and checks that the clinic's people did not change. */
    static JsonObject rejected(Supplier<ApiClient.Reply> request, int status, String type, String field) {
        // given the people as they are
        List<String> before = people();
        // when the request is sent
        ApiClient.Reply reply = request.get();
        // then it is refused with the named problem
        JsonObject problem = field == null ? assertProblem(reply, status, type) : assertProblem(reply, status, type, field);
        // and nothing was half-written
        assertEquals(before, people(), "a rejected request stored nothing");
        return problem;
    }

    static ApiClient.Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiClient.Reply(response.statusCode(), response.body(), response);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @DisplayName("malformed JSON → 400 malformed-json")
    void malformedJson() {
        rejected(() -> api.post("/api/people", admin, "application/json", "{\"role\":\"patient\","), 400, "malformed-json", null);
        rejected(() -> api.post("/api/people", admin, "application/json", "{'role': 'patient'}"), 400, "malformed-json", null);
    }

    @Test
    @DisplayName("an unknown property → 400 invalid-request naming it, also inside a nested object")
    void unknownProperty() {
        rejected(() -> api.postJson("/api/people", admin, patient("a@example.org").put("shoeSize", 44)),
                400, "invalid-request", "shoeSize");
        rejected(() -> api.postJson("/api/people", admin, patient("a2@example.org").put("emergencyContact",
                new JsonObject().put("name", "Kim").put("phone", "+1 555 0199").put("bloodType", "0+"))),
                400, "invalid-request", "emergencyContact.bloodType");
    }

    @Test
    @DisplayName("a wrong type (displayName: 5) → 400 naming displayName; a body that is not an object → 400")
    void wrongType() {
        rejected(() -> api.postJson("/api/people", admin, patient("b@example.org").put("displayName", 5)),
                400, "invalid-request", "displayName");
        rejected(() -> api.post("/api/people", admin, "application/json", "[]"), 400, "invalid-request", null);
        rejected(() -> api.post("/api/people", admin, "application/json", ""), 400, "invalid-request", null);
    }

    @Test
    @DisplayName("a missing required property (no email) → 400 naming email")
    void missingRequired() {
        JsonObject noEmail = patient("c@example.org");
        noEmail.remove("email");
        rejected(() -> api.postJson("/api/people", admin, noEmail), 400, "invalid-request", "email");
        JsonObject noName = patient("c2@example.org");
        noName.remove("displayName");
        rejected(() -> api.postJson("/api/people", admin, noName), 400, "invalid-request", "displayName");
        rejected(() -> api.postJson("/api/auth/login", null, new JsonObject().put("email", "x")), 400, "invalid-request", "password");
    }

    @Test
    @DisplayName("bad values: not an email, null email, blank name, unknown time zone, admin role, therapist with a therapist → 400 naming the field")
    void badValues() {
        rejected(() -> api.postJson("/api/people", admin, patient("not-an-email")), 400, "invalid-request", "email");
        rejected(() -> api.postJson("/api/people", admin, patient("a@b")), 400, "invalid-request", "email");
        rejected(() -> api.postJson("/api/people", admin, patient("x").putNull("email")), 400, "invalid-request", "email");
        rejected(() -> api.postJson("/api/people", admin, patient("blank@example.org").put("displayName", "   ")),
                400, "invalid-request", "displayName");
        JsonObject mars = rejected(() -> api.postJson("/api/people", admin, patient("d@example.org").put("timeZone", "Mars/Olympus")),
                400, "invalid-request", "timeZone");
        assertTrue(mars.getString("detail").contains("Mars/Olympus"), mars.encode());
        rejected(() -> api.postJson("/api/people", admin, patient("e@example.org").put("role", "admin")), 400, "invalid-request", "role");
        rejected(() -> api.postJson("/api/people", admin, new JsonObject().put("role", "therapist").put("displayName", "T")
                .put("email", "f@example.org").put("therapistId", "demo-therapist-1")), 400, "invalid-request", "therapistId");
        rejected(() -> api.postJson("/api/people", admin, patient("ph@example.org").put("emergencyContact",
                new JsonObject().put("name", "Kim").put("phone", "call me"))), 400, "invalid-request", "emergencyContact.phone");
        rejected(() -> api.postJson("/api/people", admin, patient("g@example.org").put("therapistId", "no-such-therapist")),
                400, "unknown-therapist", "therapistId");
        rejected(() -> api.postJson("/api/people", admin, patient("h@example.org").put("therapistId", "demo-patient-1")),
                400, "unknown-therapist", "therapistId");
    }

    @Test
    @DisplayName("a body over 64 KiB → 413 payload-too-large; a body that is not JSON → 415; nothing stored")
    void sizeAndMediaType() {
        String huge = patient("big@example.org").put("displayName", "x".repeat(70 * 1024)).encode();
        rejected(() -> api.post("/api/people", admin, "application/json", huge), 413, "payload-too-large", null);
        rejected(() -> api.post("/api/people", admin, "text/plain", patient("plain@example.org").encode()),
                415, "unsupported-media-type", null);
        rejected(() -> api.post("/api/people", admin, null, patient("none@example.org").encode()),
                415, "unsupported-media-type", null);
    }

    @Test
    @DisplayName("an unknown path → 404 problem; an unsupported method on a known path → 404 problem (not 405)")
    void unknownRoutes() {
        assertProblem(api.get("/api/does-not-exist", admin), 404, "not-found");
        assertProblem(api.get("/api/does-not-exist", null), 404, "not-found");
        // The server answers 404 for a method a path does not have: the "/api/*" fallback route in
        // HttpVerticle catches the request before the router's 405 handler. 405 with an Allow header
        // would be the more precise answer (RFC 9110 §15.5.6); the problem shape holds either way.
        ApiClient.Reply delete = send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/me"))
                .header("Authorization", "Bearer " + admin).DELETE());
        assertProblem(delete, 404, "not-found");
        assertEquals(200, api.get("/api/me", admin).status(), "the account is still there");
        assertProblem(send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/people"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(patient("put@example.org").encode()))), 404, "not-found");
    }

    @Test
    @DisplayName("bad path and query parameters → 400 invalid-request")
    void badParameters() {
        assertProblem(api.get("/api/people/has%20space", admin), 400, "invalid-request");
        assertProblem(api.get("/api/audit?limit=1000", admin), 400, "invalid-request");
        assertProblem(api.get("/api/audit?limit=0", admin), 400, "invalid-request");
        assertProblem(api.get("/api/audit?before=garbage", admin), 400, "invalid-request", "before");
        assertProblem(api.get("/api/audit?from=yesterday", admin), 400, "invalid-request");
    }

    @Test
    @DisplayName("an email already in use, even in other letter case → 409 email-taken, and only one person exists")
    void duplicateEmail() {
        // given a patient with dup@example.org
        assertEquals(201, api.postJson("/api/people", admin, patient("dup@example.org")).status());

        // when the same address is added again, exactly or in other letter case
        rejected(() -> api.postJson("/api/people", admin, patient("dup@example.org")), 409, "email-taken", "email");
        rejected(() -> api.postJson("/api/people", admin, patient("DUP@Example.ORG")), 409, "email-taken", "email");
        // and also when it belongs to a demo account, whatever role the new person would have
        rejected(() -> api.postJson("/api/people", admin, new JsonObject().put("role", "therapist").put("displayName", "Tw")
                .put("email", "Therapist@Demo.Hearth")), 409, "email-taken", "email");

        // then one person has that address
        assertEquals(1, people().stream().filter(line -> line.toLowerCase().endsWith(" dup@example.org")).count());
    }

    @Test
    @DisplayName("responses carry security headers and the contract is served")
    void headersAndContract() {
        ApiClient.Reply contract = api.get("/api/openapi.yaml", null);
        assertEquals(200, contract.status());
        assertTrue(contract.body().contains("operationId: createPerson"));
        ApiClient.Reply page = api.get("/", null);
        assertTrue(page.header("Content-Security-Policy").contains("default-src 'self'"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        assertEquals("no-store", api.get("/api/me", admin).header("Cache-Control"));
        assertEquals("no-store", api.get("/api/does-not-exist", admin).header("Cache-Control"));
    }
}
