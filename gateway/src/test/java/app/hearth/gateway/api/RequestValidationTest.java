package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bad requests get clear problem+json errors and change nothing")
class RequestValidationTest extends DemoNodeTest {


    static JsonObject patient(String email) {
        return new JsonObject().put("role", "patient").put("displayName", "Val Idation").put("email", email);
    }

    static int peopleCount() {
        return api.get("/api/people", admin).json().getJsonArray("items").size();
    }

    static void assertProblem(ApiClient.Reply reply, int status, String type, String field) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals("application/problem+json", reply.header("Content-Type"));
        assertEquals(type, reply.problemType(), reply.body());
        assertEquals(status, reply.json().getInteger("status"));
        assertTrue(reply.json().getString("title") != null && !reply.json().getString("title").isBlank());
        if (field != null) {
            assertEquals(field, reply.json().getString("field"), reply.body());
        }
    }

    @Test
    @DisplayName("malformed JSON, unknown fields, wrong types, missing fields and bad values → 400 naming the field; nothing stored")
    void invalidBodies() {
        int before = peopleCount();
        assertProblem(api.post("/api/people", admin, "application/json", "{\"role\":\"patient\","), 400, "malformed-json", null);
        assertProblem(api.postJson("/api/people", admin, patient("a@example.org").put("shoeSize", 44)), 400, "invalid-request", "shoeSize");
        assertProblem(api.postJson("/api/people", admin, patient("b@example.org").put("displayName", 5)), 400, "invalid-request", "displayName");
        JsonObject noEmail = patient("c@example.org");
        noEmail.remove("email");
        assertProblem(api.postJson("/api/people", admin, noEmail), 400, "invalid-request", "email");
        assertProblem(api.postJson("/api/people", admin, patient("not-an-email")), 400, "invalid-request", "email");
        assertProblem(api.postJson("/api/people", admin, patient("d@example.org").put("timeZone", "Mars/Olympus")), 400, "invalid-request", "timeZone");
        assertProblem(api.postJson("/api/people", admin, patient("e@example.org").put("role", "admin")), 400, "invalid-request", "role");
        assertProblem(api.postJson("/api/people", admin, new JsonObject().put("role", "therapist").put("displayName", "T")
                .put("email", "f@example.org").put("therapistId", "demo-therapist-1")), 400, "invalid-request", "therapistId");
        assertProblem(api.postJson("/api/people", admin, patient("g@example.org").put("therapistId", "no-such-therapist")), 400, "unknown-therapist", "therapistId");
        assertProblem(api.postJson("/api/people", admin, patient("h@example.org").put("therapistId", "demo-patient-1")), 400, "unknown-therapist", "therapistId");
        assertProblem(api.postJson("/api/auth/login", null, new JsonObject().put("email", "x")), 400, "invalid-request", "password");
        assertEquals(before, peopleCount(), "no rejected request stored anything");
    }

    @Test
    @DisplayName("an oversize body → 413; a body that is not JSON → 415")
    void sizeAndMediaType() {
        String huge = patient("big@example.org").put("displayName", "x".repeat(70 * 1024)).encode();
        assertProblem(api.post("/api/people", admin, "application/json", huge), 413, "payload-too-large", null);
        assertProblem(api.post("/api/people", admin, "text/plain", "hello"), 415, "unsupported-media-type", null);
    }

    @Test
    @DisplayName("unknown paths and methods answer with problems too")
    void unknownRoutes() throws Exception {
        assertProblem(api.get("/api/does-not-exist", admin), 404, "not-found", null);
        HttpResponse<String> delete = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/me"))
                .header("Authorization", "Bearer " + admin).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(delete.statusCode() == 405 || delete.statusCode() == 404, delete.body());
        assertEquals("application/problem+json", delete.headers().firstValue("Content-Type").orElse(""));
        assertProblem(api.get("/api/people/has%20space", admin), 400, "invalid-request", null);
        assertProblem(api.get("/api/audit?limit=1000", admin), 400, "invalid-request", null);
        assertProblem(api.get("/api/audit?before=garbage", admin), 400, "invalid-request", "before");
    }

    @Test
    @DisplayName("an email already in use, even in other letter case → 409, and only one person exists")
    void duplicateEmail() {
        assertEquals(201, api.postJson("/api/people", admin, patient("dup@example.org")).status());
        int after = peopleCount();
        assertProblem(api.postJson("/api/people", admin, patient("dup@example.org")), 409, "email-taken", "email");
        assertProblem(api.postJson("/api/people", admin, patient("DUP@Example.org")), 409, "email-taken", "email");
        assertEquals(after, peopleCount());
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
    }
}
