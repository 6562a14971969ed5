package app.hearth.gateway.api;

import static app.hearth.gateway.testing.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Wrong passwords slow down the client that sends them, for that account, and nobody else: the
 * owner signing in from their own device is never refused for someone else's guesses.
 *
 * <p>The node trusts X-Forwarded-For (as behind the clinic's proxy), so each test client is a
 * different address; its per-address limit is raised so that only the per-account-and-client
 * throttle is met here (AccountFlowTest covers the per-address limit).
 */
@DisplayName("Sign-in throttle: per account and client, progressive, the owner is never locked out")
class SignInThrottleTest {

    static TestNode node;
    static ApiClient api;
    static String admin;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_TRUST_FORWARDED", "true", "HEARTH_LOGINS_PER_ADDRESS", "1000"));
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A patient of our own with a password, so that each test has an account nobody else touched. */
    static String patientWithPassword(String email, String password) {
        AccountFlowTest.Invited invited = AccountFlowTest.invite(api, admin, email);
        assertEquals(204, AccountFlowTest.setPassword(api, invited.ticket(), password).status());
        return email;
    }

    /** A sign-in from the client at {@code address} (as the proxy reports it). */
    static ApiClient.Reply login(String address, String email, String password) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/auth/login"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", email).put("password", password).encode()))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new ApiClient.Reply(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static long retryAfter(ApiClient.Reply reply) {
        assertProblem(reply, 429, "too-many-attempts");
        long seconds = Long.parseLong(reply.header("Retry-After"));
        assertTrue(seconds >= 1, "Retry-After " + seconds);
        return seconds;
    }

    /**
     * Sends wrong passwords from the client until one is let through again (its wait is over) and
     * answered 401: that is the client's next failure. Bounded by a deadline; each refused attempt
     * must be a 429.
     */
    static void failOnceTheWaitIsOver(String address, String email) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            ApiClient.Reply reply = login(address, email, "still a wrong password");
            if (reply.status() != 429) {
                assertProblem(reply, 401, "bad-credentials");
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the wait of " + address + " never ended");
            try {
                Thread.sleep(100); // polling interval while the client waits, not a wait for an outcome
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    @DisplayName("five wrong passwords from client A → A waits (429, Retry-After growing with each further failure), "
            + "even with the right password; client B with the right password → 200")
    void guesserWaitsOwnerSignsIn() {
        String email = patientWithPassword("throttled@example.org", "the right passphrase");
        String attacker = "203.0.113.10";
        String owner = "198.51.100.20";

        // given five wrong passwords from client A
        for (int i = 0; i < 5; i++) {
            assertProblem(login(attacker, email, "wrong password " + i), 401, "bad-credentials");
        }

        // then A has to wait, even with the right password: it has been failing for this account
        long first = retryAfter(login(attacker, email, "wrong password 5"));
        retryAfter(login(attacker, "THROTTLED@example.org", "the right passphrase"));

        // and the owner, on another client, signs in at once with the right password
        ApiClient.Reply owner1 = login(owner, email, "the right passphrase");
        assertEquals(200, owner1.status(), owner1.body());
        String accessToken = owner1.json().getString("accessToken");
        assertEquals(200, api.get("/api/me", accessToken).status());

        // and each further failure of A makes its wait longer
        failOnceTheWaitIsOver(attacker, email);
        long second = retryAfter(login(attacker, email, "another wrong one"));
        failOnceTheWaitIsOver(attacker, email);
        long third = retryAfter(login(attacker, email, "and another"));
        assertTrue(second >= first && third > first, "Retry-After grows: " + first + ", " + second + ", " + third);

        // while the owner can still sign in, and A is not slowed for other accounts
        assertEquals(200, login(owner, email, "the right passphrase").status());
        assertEquals(200, login(attacker, "patient4@demo.hearth", "hearth-demo").status());
    }

    @Test
    @DisplayName("guessed from many addresses (past the account-wide ceiling): each guessing client waits even below its own five; "
            + "the owner's client, which has not failed, signs in")
    void guessedFromManyAddresses() {
        String email = patientWithPassword("sprayed@example.org", "the owner's passphrase");

        // given five clients that fail four times each (20 failures for the account, none over its own five)
        for (int client = 0; client < 5; client++) {
            for (int i = 0; i < 4; i++) {
                assertProblem(login("203.0.113." + (100 + client), email, "guess " + client + "/" + i), 401, "bad-credentials");
            }
        }

        // then every one of those clients waits, whatever password it sends
        for (int client = 0; client < 5; client++) {
            retryAfter(login("203.0.113." + (100 + client), email, "the owner's passphrase"));
        }
        // and the owner, who has not failed, signs in
        ApiClient.Reply owner = login("198.51.100.30", email, "the owner's passphrase");
        assertEquals(200, owner.status(), owner.body());
    }
}
