package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measured, not asserted: join → first remote video frame of a 1:1 call on loopback, 20 times. The
 * therapist stays in the room; the patient's page enters it anew each time (a reload: page load,
 * socket, ticket, room.join with the kept seat, ICE servers, offer/answer, ICE, DTLS, first decoded
 * frame shown). The page marks {@code hearth-joined} when the join is answered and
 * {@code hearth-first-remote-frame} from requestVideoFrameCallback on the other person's video.
 * Not part of the normal suite (its name does not end in Test); run it with
 * {@code ./mvnw -B verify -pl e2e -am -Dtest=FirstFrameBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@DisplayName("Benchmark: join to first remote video frame, 1:1 on loopback")
class FirstFrameBenchmark {

    static final int JOINS = Integer.getInteger("bench.joins", 20);

    @Test
    void firstFrame() {
        TestNode node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        try (BrowserSupport browsers = new BrowserSupport();
             BrowserContext therapistContext = browsers.newContext(1000, 800);
             BrowserContext patientContext = browsers.newContext(1000, 800)) {
            ApiClient api = new ApiClient(node.baseUrl());
            String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
            app.hearth.gateway.testing.OpenRoom.bookNow(api, admin, "demo-therapist-1", "demo-patient-1");
            Page therapist = therapistContext.newPage();
            Page patient = patientContext.newPage();
            RoomBrowserTest.signIn(therapist, node.baseUrl(), "therapist@demo.hearth");
            RoomBrowserTest.signIn(patient, node.baseUrl(), "patient1@demo.hearth");
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).click();
            patient.getByLabel("Where are you right now? (address)").fill("12 Harbour Lane, Portland");
            patient.getByLabel("I am in a private place and I am not driving").check();
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("I’m ready: join the waiting room")).click();
            RoomBrowserTest.lobbyEntry(therapist, "Jordan Lee").getByRole(AriaRole.BUTTON,
                    new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Admit Jordan Lee")).click();
            RoomBrowserTest.lobbyEntry(therapist, "Jordan Lee").getByRole(AriaRole.BUTTON,
                    new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Open the room")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible();

            List<Double> fromJoin = new ArrayList<>();
            List<Double> fromLoad = new ArrayList<>();
            for (int i = 0; i < JOINS + 1; i++) {
                patient.reload();
                try {
                    patient.waitForFunction("() => performance.getEntriesByName('hearth-first-remote-frame').length > 0", null,
                            new Page.WaitForFunctionOptions().setTimeout(60_000).setPollingInterval(10));
                } catch (com.microsoft.playwright.TimeoutError e) {
                    throw new AssertionError("no remote frame in round " + i + BrowserSupport.consoleOfAll(), e);
                }
                JsonObject marks = new JsonObject(String.valueOf(patient.evaluate("() => JSON.stringify({"
                        + " joined: performance.getEntriesByName('hearth-joined')[0].startTime,"
                        + " frame: performance.getEntriesByName('hearth-first-remote-frame')[0].startTime })")));
                if (Boolean.getBoolean("bench.console")) {
                    System.out.println("round " + i + " " + marks.encode() + BrowserSupport.consoleOfAll());
                }
                if (i == 0) {
                    continue; // the first round warms up the browser and the node
                }
                fromJoin.add(marks.getDouble("frame") - marks.getDouble("joined"));
                fromLoad.add(marks.getDouble("frame"));
            }
            System.out.println("FirstFrameBenchmark: room.join answered -> first remote frame (ms): " + summary(fromJoin));
            System.out.println("FirstFrameBenchmark: page navigation -> first remote frame (ms): " + summary(fromLoad));
        } finally {
            node.close();
        }
    }

    static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        double p50 = sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1);
        double p95 = sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
        return String.format("p50 %.0f, p95 %.0f, min %.0f, max %.0f over %d joins", p50, p95, sorted.get(0),
                sorted.get(sorted.size() - 1), sorted.size());
    }
}
