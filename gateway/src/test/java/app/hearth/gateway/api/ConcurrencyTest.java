package app.hearth.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Double submits race safely")
class ConcurrencyTest extends DemoNodeTest {


    static Map<Integer, Long> fire(int times, Callable<ApiClient.Reply> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(times);
        try {
            List<Future<ApiClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                replies.add(pool.submit(request));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<ApiClient.Reply> reply : replies) {
                statuses.add(reply.get(60, TimeUnit.SECONDS).status());
            }
            return statuses.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("20 simultaneous creations of one email: exactly one 201, the rest 409")
    void sameEmail() throws Exception {
        JsonObject body = new JsonObject().put("role", "patient").put("displayName", "Race").put("email", "race@example.org");
        Map<Integer, Long> outcome = fire(20, () -> api.postJson("/api/people", admin, body));
        assertEquals(Map.of(201, 1L, 409, 19L), outcome);
    }

    @Test
    @DisplayName("20 simultaneous uses of one set-password link: exactly one 204, the rest 410")
    void sameTicket() throws Exception {
        String url = api.postJson("/api/people", admin, new JsonObject().put("role", "patient").put("displayName", "Ticket Race")
                .put("email", "ticket.race@example.org")).json().getJsonObject("setPasswordLink").getString("url");
        JsonObject body = new JsonObject().put("ticket", url.substring(url.lastIndexOf('/') + 1)).put("password", "racing passphrase");
        Map<Integer, Long> outcome = fire(20, () -> api.postJson("/api/auth/set-password", null, body));
        assertEquals(Map.of(204, 1L, 410, 19L), outcome);
    }

    @Test
    @DisplayName("10 simultaneous refreshes with one token: exactly one new pair")
    void sameRefreshToken() throws Exception {
        String token = api.login("patient4@demo.hearth", "hearth-demo").getString("refreshToken");
        Map<Integer, Long> outcome = fire(10, () -> api.postJson("/api/auth/refresh", null, new JsonObject().put("refreshToken", token)));
        assertEquals(Map.of(200, 1L, 401, 9L), outcome);
    }
}
