package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.logging.RequestIds;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * X-Request-Id in the contract (hearth.yaml): the optional request header and the response header are
 * shared components whose pattern is the node's own rule, and documenting them changed no validation:
 * a malformed id is still replaced, never refused, on validated operations too.
 */
@DisplayName("X-Request-Id in the OpenAPI document")
class RequestIdContractTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> map, String... keys) {
        Map<String, Object> current = map;
        for (String key : keys) {
            current = (Map<String, Object>) current.get(key);
            assertNotNull(current, "no " + key + " in " + String.join("/", keys));
        }
        return current;
    }

    @Test
    @DisplayName("the request parameter and the response header are components, the header's pattern is the node's rule, problems carry it")
    void documented() throws Exception {
        Map<String, Object> doc;
        try (InputStream in = RequestIdContractTest.class.getResourceAsStream("/openapi/hearth.yaml")) {
            doc = new Yaml().load(in);
        }
        Map<String, Object> parameter = at(doc, "components", "parameters", "RequestId");
        assertEquals(RequestIds.HTTP_HEADER, parameter.get("name"));
        assertEquals("header", parameter.get("in"));
        assertEquals(false, parameter.get("required"));
        Pattern pattern = Pattern.compile((String) at(doc, "components", "headers", "RequestId", "schema").get("pattern"));
        for (String id : List.of("trace-4f1c.a:9_Z-1", "a", "x".repeat(64), "x".repeat(65), "", "two words", "a\"b", "é", "a/b",
                RequestIds.generate())) {
            assertEquals(RequestIds.wellFormed(id), pattern.matcher(id).matches(), "the documented pattern and the node agree on '" + id + "'");
        }
        assertEquals("#/components/headers/RequestId",
                at(doc, "components", "responses", "Problem", "headers", RequestIds.HTTP_HEADER).get("$ref"));
    }

    @Test
    @DisplayName("validated operations still accept any X-Request-Id: kept when well-formed, replaced otherwise, on answers and problems alike")
    void notValidated() throws Exception {
        try (TestNode node = TestNode.start()) {
            String token = new ApiClient(node.baseUrl()).accessToken("admin@demo.hearth", "hearth-demo");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Pattern documented = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");
            for (String id : List.of("kept-1", "not kept, has spaces", "y".repeat(80))) {
                HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/people?role=patient"))
                        .header("Authorization", "Bearer " + token).header(RequestIds.HTTP_HEADER, id).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ok.statusCode(), ok.body());
                String answered = ok.headers().firstValue(RequestIds.HTTP_HEADER).orElseThrow();
                assertTrue(documented.matcher(answered).matches(), answered);
                assertEquals(RequestIds.wellFormed(id), id.equals(answered));
                // a request the contract refuses: the problem carries an id too
                HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/people?role=nobody"))
                        .header("Authorization", "Bearer " + token).header(RequestIds.HTTP_HEADER, id).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, bad.statusCode(), bad.body());
                assertTrue(documented.matcher(bad.headers().firstValue(RequestIds.HTTP_HEADER).orElseThrow()).matches());
            }
        }
    }
}
