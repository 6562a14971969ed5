package app.hearth.gateway.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's "Try a live room" on the demo as a newcomer starts it (HEARTH_DEMO_BOOK_NOW on, the
 * embedded default): at any time of day the admin finds an open time for Jordan Lee with Dr. Okafor
 * that starts soon, books it, and its room opens within minutes. The other tests run with the demo's
 * office hours (TestNode turns the first-run setting off).
 */
@DisplayName("The demo's first run: a session can be booked for now and joined within minutes")
class DemoFirstRunTest {

    /** Hours end at 23:55 in Dr. Okafor's zone: late at night the next open time is just after midnight. */
    static final Duration LONGEST_WAIT = Duration.ofMinutes(80);

    @Test
    @DisplayName("Dr. Okafor has an open time soon, today or just after midnight; booked, its room lets Jordan in")
    void bookableAndJoinableSoon() {
        try (TestNode node = TestNode.start(Map.of("HEARTH_DEMO_BOOK_NOW", "true"))) {
            ApiClient api = new ApiClient(node.baseUrl());
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            Instant now = Instant.now();
            ApiClient.Reply slots = api.get("/api/therapists/demo-therapist-1/slots?type=preparation&from=" + now
                    + "&to=" + now.plus(Duration.ofHours(3)), admin);
            assertEquals(200, slots.status(), slots.body());
            JsonArray starts = slots.json().getJsonArray("items");
            assertFalse(starts.isEmpty(), "an open time within three hours: " + slots.body());
            Instant first = Instant.parse(starts.getString(0));
            assertTrue(first.isBefore(now.plus(LONGEST_WAIT)), "the first open time is soon: " + first);

            ApiClient.Reply booked = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                    .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", "demo-patient-1")
                    .put("start", first.toString()));
            assertEquals(201, booked.status(), booked.body());

            int opensBefore = api.get("/api/booking-policy", admin).json().getInteger("roomOpensBeforeMinutes");
            String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
            ApiClient.Reply ticket = api.post("/api/appointments/" + booked.json().getString("id") + "/join-ticket", patient, null, "");
            if (Instant.now().isAfter(first.minus(Duration.ofMinutes(opensBefore)))) {
                assertEquals(201, ticket.status(), "the room is open: " + ticket.body());
                assertTrue(OpenRoom.joinTicket(api, booked.json().getString("id"), patient).length() > 10);
            } else {
                // only in the last hour before midnight in New York: the room opens after midnight
                assertEquals(409, ticket.status(), ticket.body());
                assertEquals("room-not-open", ticket.problemType());
            }
        }
    }

    @Test
    @DisplayName("the tests' demo keeps office hours with a day's notice: nothing within the next hours")
    void testsKeepOfficeHours() {
        try (TestNode node = TestNode.start()) {
            ApiClient api = new ApiClient(node.baseUrl());
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            Instant now = Instant.now();
            JsonArray starts = api.get("/api/therapists/demo-therapist-1/slots?type=preparation&from=" + now
                    + "&to=" + now.plus(Duration.ofHours(20)), admin).json().getJsonArray("items");
            assertTrue(starts.isEmpty(), starts.encode());
        }
    }
}
