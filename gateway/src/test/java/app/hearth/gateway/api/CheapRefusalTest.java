package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.DemoNodeTest;
import app.hearth.gateway.testing.RawHttp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Refusing stays cheaper than serving: checking an ES256 signature costs about as much CPU as a
 * whole good request (docs/benchmarks.md, "Refusals"), so an address that keeps presenting tokens
 * whose signature fails is told to wait (429) instead of getting more signature checks. A class of
 * its own: it spends the loopback address's allowance on its own node.
 */
@DisplayName("Refusals stay cheap: a flood of forged tokens from one address is throttled before signature checks")
class CheapRefusalTest extends DemoNodeTest {

    @Test
    @DisplayName("forged tokens: 401 for the first few dozen, then 429 rate-limited with Retry-After, as problem+json")
    void forgedTokensAreThrottled() {
        String[] parts = admin.split("\\.");
        // well-formed, unexpired, ES256, 64-byte signature: only checking the signature can refuse it
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        List<Integer> statuses = new ArrayList<>();
        RawHttp.Answer throttled = null;
        try (RawHttp http = RawHttp.connect(node.port())) { // one connection: one event loop's allowance
            http.sendHead("GET /api/me HTTP/1.1", "Authorization: Bearer " + admin);
            assertEquals(200, http.readAnswer().status());
            for (int i = 0; i < 500 && throttled == null; i++) {
                http.sendHead("GET /api/me HTTP/1.1", "Authorization: Bearer " + forged);
                RawHttp.Answer answer = http.readAnswer();
                statuses.add(answer.status());
                if (answer.status() == 429) {
                    throttled = answer;
                } else {
                    assertEquals(401, answer.status(), answer.body());
                }
            }
            // someone with a good token behind the same address is not held up by the forger
            http.sendHead("GET /api/me HTTP/1.1", "Authorization: Bearer " + admin);
            RawHttp.Answer me = http.readAnswer();
            assertEquals(200, me.status(), me.body());
        }
        assertNotNull(throttled, "never throttled: " + statuses.size() + " signature checks for forged tokens");
        assertTrue(statuses.size() > 10, "a few failures are always answered 401: " + statuses);
        assertEquals("application/problem+json", throttled.header("Content-Type"));
        assertTrue(throttled.body().contains("/problems/rate-limited\""), throttled.body());
        assertTrue(Long.parseLong(throttled.header("Retry-After")) >= 1, throttled.headers().toString());
    }
}
