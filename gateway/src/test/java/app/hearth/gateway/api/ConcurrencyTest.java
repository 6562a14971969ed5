package app.hearth.gateway.api;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Double submits and races: the store's single-document conditional updates and unique indexes
 * must let exactly one of many simultaneous requests win.
 */
@DisplayName("Simultaneous requests race safely")
class ConcurrencyTest {

    static TestNode node;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        // Every request comes from 127.0.0.1: the per-address sign-in limit is raised so that it
        // cannot be what answers 429 in parallelWrongPasswords.
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Sends {@code times} requests at once (released together by a latch) and returns the replies in order. */
    static List<ApiClient.Reply> fire(int times, IntFunction<ApiClient.Reply> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(times);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ApiClient.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                int index = i;
                replies.add(pool.submit(() -> {
                    go.await();
                    return request.apply(index);
                }));
            }
            go.countDown();
            List<ApiClient.Reply> result = new ArrayList<>();
            for (Future<ApiClient.Reply> reply : replies) {
                result.add(reply.get(60, TimeUnit.SECONDS));
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    static Map<Integer, Long> statuses(List<ApiClient.Reply> replies) {
        return replies.stream().collect(Collectors.groupingBy(ApiClient.Reply::status, Collectors.counting()));
    }

    static String newPatientTicket(String email) {
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Race " + email).put("email", email));
        assertEquals(201, created.status(), created.body());
        String url = created.json().getJsonObject("setPasswordLink").getString("url");
        return url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
    }

    static ApiClient.Reply login(String email, String password) {
        return api.postJson("/api/auth/login", null, new JsonObject().put("email", email).put("password", password));
    }

    @Test
    @DisplayName("20 simultaneous set-password calls with one ticket: exactly one 204, the rest 410, and only the winner's password works")
    void sameTicket() throws Exception {
        // given one fresh set-password ticket
        String ticket = newPatientTicket("ticket.race@example.org");

        // when 20 requests spend it at once, each with a password of its own
        List<ApiClient.Reply> replies = fire(20, i -> api.postJson("/api/auth/set-password", null,
                new JsonObject().put("ticket", ticket).put("password", "racing passphrase " + i)));

        // then exactly one wins and the others hear the link was used
        assertEquals(Map.of(204, 1L, 410, 19L), statuses(replies), () -> replies.stream().map(ApiClient.Reply::body).toList().toString());
        int winner = -1;
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i).status() == 204) {
                winner = i;
            } else {
                assertProblem(replies.get(i), 410, "set-password-link-used");
            }
        }
        // and the password in force is the winner's
        assertEquals(200, login("ticket.race@example.org", "racing passphrase " + winner).status());
        assertProblem(login("ticket.race@example.org", "racing passphrase " + ((winner + 1) % 20)), 401, "bad-credentials");
    }

    @Test
    @DisplayName("20 simultaneous creations of one new email (in varying letter case): exactly one 201, the rest 409 email-taken")
    void sameEmail() throws Exception {
        // when 20 admins' requests add the same address at once
        List<ApiClient.Reply> replies = fire(20, i -> api.postJson("/api/people", admin, new JsonObject()
                .put("role", "patient").put("displayName", "Race " + i)
                .put("email", i % 2 == 0 ? "race@example.org" : "Race@Example.org")));

        // then one person was created and every other request was told why not
        assertEquals(Map.of(201, 1L, 409, 19L), statuses(replies), () -> replies.stream().map(ApiClient.Reply::body).toList().toString());
        replies.stream().filter(r -> r.status() == 409).forEach(r -> assertProblem(r, 409, "email-taken", "email"));
        long stored = api.get("/api/people?role=patient", admin).json().getJsonArray("items").stream()
                .filter(o -> "race@example.org".equalsIgnoreCase(((JsonObject) o).getString("email"))).count();
        assertEquals(1, stored);
    }

    @Test
    @DisplayName("10 simultaneous refreshes with one refresh token: exactly one new pair, the rest 401")
    void sameRefreshToken() throws Exception {
        // given a fresh session
        String token = api.login("patient4@demo.hearth", "hearth-demo").getString("refreshToken");

        // when it is refreshed ten times at once
        List<ApiClient.Reply> replies = fire(10, i -> api.postJson("/api/auth/refresh", null,
                new JsonObject().put("refreshToken", token)));

        // then one refresh succeeds; the others count as reuse of a spent token
        assertEquals(Map.of(200, 1L, 401, 9L), statuses(replies));
        replies.stream().filter(r -> r.status() == 401).forEach(r -> assertProblem(r, 401, "refresh-token-invalid"));
    }

    @Test
    @DisplayName("20 simultaneous wrong passwords for one account: at most 5 are checked, the rest get 429")
    void parallelWrongPasswords() throws Exception {
        // given an account with a password
        String ticket = newPatientTicket("guessed@example.org");
        assertEquals(204, api.postJson("/api/auth/set-password", null,
                new JsonObject().put("ticket", ticket).put("password", "the real passphrase")).status());

        // when 20 wrong passwords arrive at once
        List<ApiClient.Reply> replies = fire(20, i -> login("guessed@example.org", "guess number " + i));

        // then no more than the per-account limit of 5 were checked; the others were turned away
        Map<Integer, Long> outcome = statuses(replies);
        assertTrue(outcome.keySet().stream().allMatch(s -> s == 401 || s == 429), outcome.toString());
        assertTrue(outcome.getOrDefault(401, 0L) <= 5, "wrong passwords checked: " + outcome);
        replies.stream().filter(r -> r.status() == 429).forEach(r -> assertProblem(r, 429, "too-many-attempts"));
    }
}
